/* SPDX-License-Identifier: MIT */
/* CSV and TSV tables for parley.tables (docs/tables.md): core.read_csv(text [, opts]) parses
 * text with Debian's libcsv in strict mode (RFC 4180 quoting, CRLF or LF line ends, a UTF-8
 * byte order mark skipped) and returns rows, problems:
 *   rows      an array of records, each an array of its fields as UTF-8 strings
 *   problems  an array of {row=, column=, message=} (empty when the text is good)
 * Rows are numbered as a spreadsheet numbers them: record 1 is the first, whatever line it
 * starts on (a quoted field may hold line breaks). opts.delimiter (one byte, default ","),
 * opts.encoding (default "utf-8"): any other encoding is converted to UTF-8 through iconv,
 * field by field, so a byte that does not convert is reported with its row and column; UTF-8
 * is checked the same way. An encoding iconv does not know is an error of the input:
 * nil, message. Misuse (a text that is not a string, a bad option) raises.
 *
 * The parser, the converter and the conversion buffer belong to a userdata, so an error
 * raised in the middle of a parse (out of memory in a callback) leaks nothing. */
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <csv.h>
#include <utf8proc.h>
#include "parley.h"

#define READER_MT "parley.CsvReader"
#define MAX_PROBLEMS 100 /* enough to show what is wrong without flooding the terminal */

typedef struct {
    struct csv_parser parser;
    int parser_ready;
    iconv_t cd; /* (iconv_t)-1 for UTF-8 input, which is only checked */
    char *buf;  /* the converted field */
    size_t cap;
} Reader;

/* What the callbacks need: the Lua state with rows, the current row and problems on it. */
typedef struct {
    lua_State *L;
    Reader *r;
    const char *encoding;
    int rows, row, problems; /* stack indexes */
    lua_Integer nrows, ncols, nproblems;
} Parse;

static void reader_free(Reader *r)
{
    if (r->parser_ready) {
        csv_free(&r->parser);
        r->parser_ready = 0;
    }
    if (r->cd != (iconv_t)-1) {
        iconv_close(r->cd);
        r->cd = (iconv_t)-1;
    }
    free(r->buf);
    r->buf = NULL;
    r->cap = 0;
}

static int reader_gc(lua_State *L)
{
    reader_free(luaL_checkudata(L, 1, READER_MT));
    return 0;
}

static void add_problem(Parse *p, lua_Integer row, lua_Integer column, const char *message)
{
    lua_State *L = p->L;
    if (p->nproblems >= MAX_PROBLEMS)
        return;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, row);
    lua_setfield(L, -2, "row");
    if (column > 0) {
        lua_pushinteger(L, column);
        lua_setfield(L, -2, "column");
    }
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    lua_rawseti(L, p->problems, ++p->nproblems);
}

/* The length of the longest well-formed UTF-8 prefix of s. */
static size_t utf8_prefix(const unsigned char *s, size_t len)
{
    size_t pos = 0;
    while (pos < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k;
        if (s[pos] < 0x80) {
            pos++;
            continue;
        }
        k = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(len - pos), &c);
        if (k <= 0)
            return pos;
        pos += (size_t)k;
    }
    return len;
}

static void bad_byte(Parse *p, unsigned char byte, size_t offset)
{
    char msg[160];
    snprintf(msg, sizeof msg, "byte 0x%02X (at byte %zu of the cell) is not valid %s", byte, offset + 1,
             p->encoding);
    add_problem(p, p->nrows + 1, p->ncols, msg);
}

/* Pushes the field converted to UTF-8, or an empty string after reporting a byte that does
 * not convert. */
static void push_converted(Parse *p, const char *s, size_t len)
{
    Reader *r = p->r;
    char *in = (char *)s, *out;
    size_t inleft = len, outleft;
    if (r->cd == (iconv_t)-1) {
        size_t good = utf8_prefix((const unsigned char *)s, len);
        if (good < len) {
            bad_byte(p, (unsigned char)s[good], good);
            lua_pushliteral(p->L, "");
        } else {
            lua_pushlstring(p->L, s, len);
        }
        return;
    }
    iconv(r->cd, NULL, NULL, NULL, NULL);
    if (r->cap < 4 * len + 16) {
        char *nb = realloc(r->buf, 4 * len + 16);
        if (nb == NULL)
            luaL_error(p->L, "out of memory converting a CSV field");
        r->buf = nb;
        r->cap = 4 * len + 16;
    }
    out = r->buf;
    outleft = r->cap;
    while (inleft > 0) {
        if (iconv(r->cd, &in, &inleft, &out, &outleft) == (size_t)-1) {
            if (errno == E2BIG) {
                size_t used = (size_t)(out - r->buf);
                char *nb = realloc(r->buf, r->cap * 2);
                if (nb == NULL)
                    luaL_error(p->L, "out of memory converting a CSV field");
                r->buf = nb;
                r->cap *= 2;
                out = r->buf + used;
                outleft = r->cap - used;
                continue;
            }
            bad_byte(p, (unsigned char)*in, (size_t)(in - s));
            lua_pushliteral(p->L, "");
            return;
        }
    }
    /* the shift state back to its initial one, for stateful encodings */
    if (iconv(r->cd, NULL, NULL, &out, &outleft) == (size_t)-1) {
        bad_byte(p, (unsigned char)s[len ? len - 1 : 0], len ? len - 1 : 0);
        lua_pushliteral(p->L, "");
        return;
    }
    lua_pushlstring(p->L, r->buf, (size_t)(out - r->buf));
}

static void on_field(void *field, size_t len, void *data)
{
    Parse *p = data;
    p->ncols++;
    push_converted(p, field ? field : "", field ? len : 0);
    lua_rawseti(p->L, p->row, p->ncols);
}

static void on_row(int terminator, void *data)
{
    Parse *p = data;
    lua_State *L = p->L;
    (void)terminator;
    lua_pushvalue(L, p->row);
    lua_rawseti(L, p->rows, ++p->nrows);
    lua_createtable(L, (int)p->ncols, 0); /* rows are as wide as the one before, mostly */
    lua_replace(L, p->row);
    p->ncols = 0;
}

static unsigned char delimiter_option(lua_State *L, int opts)
{
    unsigned char d = ',';
    if (lua_isnoneornil(L, opts))
        return d;
    if (lua_getfield(L, opts, "delimiter") != LUA_TNIL) {
        size_t n;
        const char *s = lua_tolstring(L, -1, &n);
        if (s == NULL || n != 1 || s[0] == '"' || s[0] == '\r' || s[0] == '\n')
            luaL_error(L, "bad option opts.delimiter (one character other than a quote or a line end expected)");
        d = (unsigned char)s[0];
    }
    lua_pop(L, 1);
    return d;
}

static const char *encoding_option(lua_State *L, int opts)
{
    const char *enc = "utf-8";
    if (lua_isnoneornil(L, opts))
        return enc;
    if (lua_getfield(L, opts, "encoding") != LUA_TNIL) {
        enc = lua_tostring(L, -1);
        if (enc == NULL || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "bad option opts.encoding (string expected)");
    }
    /* the string stays reachable from opts */
    lua_pop(L, 1);
    return enc;
}

static int is_utf8_name(const char *enc)
{
    return strcasecmp(enc, "utf-8") == 0 || strcasecmp(enc, "utf8") == 0;
}

static int l_read_csv(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    unsigned char delimiter;
    const char *encoding;
    Reader *r;
    Parse p;
    if (!lua_isnoneornil(L, 2))
        luaL_checktype(L, 2, LUA_TTABLE);
    delimiter = delimiter_option(L, 2);
    encoding = encoding_option(L, 2);
    lua_settop(L, 2);

    r = lua_newuserdatauv(L, sizeof *r, 0); /* 3 */
    r->parser_ready = 0;
    r->cd = (iconv_t)-1;
    r->buf = NULL;
    r->cap = 0;
    luaL_setmetatable(L, READER_MT);
    if (!is_utf8_name(encoding)) {
        r->cd = iconv_open("UTF-8", encoding);
        if (r->cd == (iconv_t)-1) {
            lua_pushnil(L);
            lua_pushfstring(L, "unknown encoding '%s' (iconv -l lists the ones this system converts)", encoding);
            return 2;
        }
    }
    if (csv_init(&r->parser, CSV_STRICT | CSV_STRICT_FINI) != 0)
        return luaL_error(L, "out of memory starting the CSV parser");
    r->parser_ready = 1;
    csv_set_delim(&r->parser, delimiter);
    if (is_utf8_name(encoding) && len >= 3 && memcmp(text, "\xEF\xBB\xBF", 3) == 0) {
        text += 3;
        len -= 3;
    }

    lua_newtable(L); /* 4: rows */
    lua_newtable(L); /* 5: the row being read */
    lua_newtable(L); /* 6: problems */
    p.L = L;
    p.r = r;
    p.encoding = is_utf8_name(encoding) ? "UTF-8" : encoding;
    p.rows = 4;
    p.row = 5;
    p.problems = 6;
    p.nrows = p.ncols = p.nproblems = 0;
    if (csv_parse(&r->parser, text, len, on_field, on_row, &p) != len ||
        csv_fini(&r->parser, on_field, on_row, &p) != 0) {
        int err = csv_error(&r->parser);
        if (err == CSV_EPARSE)
            add_problem(&p, p.nrows + 1, p.ncols + 1,
                        "malformed quoting: a quote inside a field that does not start with one, text after "
                        "a closing quote, or a quoted field that never ends (RFC 4180 quotes a field whole "
                        "and doubles the quotes inside it)");
        else
            return luaL_error(L, "CSV parser: %s", csv_strerror(err));
    }
    reader_free(r); /* frees now rather than at the next collection */
    lua_pushvalue(L, 4);
    lua_pushvalue(L, 6);
    return 2;
}

int parley_open_table_csv(lua_State *L)
{
    luaL_newmetatable(L, READER_MT);
    lua_pushcfunction(L, reader_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, reader_gc);
    lua_setfield(L, -2, "__close");
    lua_pushliteral(L, "parley.CsvReader");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_read_csv);
    lua_setfield(L, -2, "read_csv");
    return 0;
}
