/* SPDX-License-Identifier: MIT */
/* Spreadsheets for parley.tables (docs/tables.md): core.read_xlsx(bytes [, opts]) reads one
 * sheet of an Office Open XML workbook (.xlsx) through libzip (the archive) and expat (its
 * XML parts) and returns rows, problems like core.read_csv:
 *   rows      rows[r] is the sheet's row r (an empty table for an empty row), each cell a
 *             string: shared and inline strings as written, numbers as their text, booleans
 *             as "true"/"false", and a number in a cell formatted as a date (the workbook's
 *             own date formats, built-in or custom) as the ISO day YYYY-MM-DD
 *   problems  {row=, column=, message=} for cells holding an error value (#N/A) and the like
 * opts.sheet names the sheet (default: the first). A file that is no workbook, a sheet the
 * workbook does not have, a part that is not well-formed XML: nil, message.
 *
 * The archive, the open entry, the XML parser and the text buffer belong to a userdata, so an
 * error raised from an expat callback (out of memory) leaks nothing. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <expat.h>
#include <zip.h>
#include "parley.h"

#define BOOK_MT "parley.XlsxBook"
#define MAX_PART (256u * 1024 * 1024) /* a bound on any one decompressed part: no zip bomb */
#define MAX_COLUMNS 16384             /* XFD, the last column a sheet may have */
#define MAX_ROWS 1048576
#define MAX_PROBLEMS 100

typedef struct {
    zip_t *za;
    zip_file_t *zf;
    XML_Parser xp;
    char *text; /* character data of the element being read */
    size_t len, cap;
} Book;

static void book_free(Book *b)
{
    if (b->xp) {
        XML_ParserFree(b->xp);
        b->xp = NULL;
    }
    if (b->zf) {
        zip_fclose(b->zf);
        b->zf = NULL;
    }
    if (b->za) {
        zip_discard(b->za);
        b->za = NULL;
    }
    free(b->text);
    b->text = NULL;
    b->len = b->cap = 0;
}

static int book_gc(lua_State *L)
{
    book_free(luaL_checkudata(L, 1, BOOK_MT));
    return 0;
}

/* Pushes the content of the archive's entry name and returns 1; pushes nil and returns 0
 * when it has none; pushes a message and returns -1 when it cannot be read. */
static int push_part(lua_State *L, Book *b, const char *name)
{
    zip_stat_t st;
    zip_int64_t i = zip_name_locate(b->za, name, 0);
    luaL_Buffer buf;
    zip_int64_t n;
    const char *why = NULL;
    if (i < 0 || zip_stat_index(b->za, (zip_uint64_t)i, 0, &st) != 0) {
        lua_pushnil(L);
        return 0;
    }
    if ((st.valid & ZIP_STAT_SIZE) && st.size > MAX_PART) {
        lua_pushfstring(L, "the workbook's %s is larger than %d MB", name, (int)(MAX_PART >> 20));
        return -1;
    }
    b->zf = zip_fopen_index(b->za, (zip_uint64_t)i, 0);
    if (b->zf == NULL) {
        lua_pushfstring(L, "cannot read the workbook's %s: %s", name, zip_strerror(b->za));
        return -1;
    }
    luaL_buffinitsize(L, &buf, (st.valid & ZIP_STAT_SIZE) ? (size_t)st.size + 1 : 65536);
    for (;;) {
        char *dst = luaL_prepbuffsize(&buf, 65536);
        n = zip_fread(b->zf, dst, 65536);
        if (n < 0) {
            why = zip_file_strerror(b->zf);
            break;
        }
        if (n == 0)
            break;
        luaL_addsize(&buf, (size_t)n);
        if (luaL_bufflen(&buf) > MAX_PART) {
            why = "larger than 256 MB";
            break;
        }
    }
    luaL_pushresult(&buf);
    if (why) {
        lua_pop(L, 1);
        lua_pushfstring(L, "cannot read the workbook's %s: %s", name, why);
        zip_fclose(b->zf);
        b->zf = NULL;
        return -1;
    }
    zip_fclose(b->zf);
    b->zf = NULL;
    return 1;
}

static void text_reset(Book *b)
{
    b->len = 0;
}

static void text_add(lua_State *L, Book *b, const char *s, int n)
{
    if (b->len + (size_t)n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 256;
        char *nt;
        while (cap < b->len + (size_t)n + 1)
            cap *= 2;
        nt = realloc(b->text, cap);
        if (nt == NULL)
            luaL_error(L, "out of memory reading a workbook");
        b->text = nt;
        b->cap = cap;
    }
    memcpy(b->text + b->len, s, (size_t)n);
    b->len += (size_t)n;
    b->text[b->len] = '\0';
}

/* An element's or attribute's name without its namespace prefix. */
static const char *local_name(const char *name)
{
    const char *c = strrchr(name, ':');
    return c ? c + 1 : name;
}

static const char *attr(const char **atts, const char *name)
{
    for (; atts && atts[0]; atts += 2)
        if (strcmp(local_name(atts[0]), name) == 0)
            return atts[1];
    return NULL;
}

/* The r:id attribute of a <sheet>: the one named id with a namespace prefix. */
static const char *relationship_id(const char **atts)
{
    for (; atts && atts[0]; atts += 2)
        if (strchr(atts[0], ':') && strcmp(local_name(atts[0]), "id") == 0)
            return atts[1];
    return NULL;
}

/* What every handler shares: the Lua state, the book and the tables being filled. */
typedef struct {
    lua_State *L;
    Book *b;
    int out;        /* stack index of the table the part fills */
    int sst;        /* shared strings (sheet) */
    int date_xfs;   /* set of style indexes that format dates (sheet) */
    int problems;
    lua_Integer nproblems, n;
    int depth_si, in_t, in_rph, in_xfs, in_v, in_is;
    int date1904;
    long row, col, max_col;
    char type[16];
    long style;
} Ctx;

static void add_problem(Ctx *c, long row, long col, const char *message)
{
    lua_State *L = c->L;
    if (c->nproblems >= MAX_PROBLEMS)
        return;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, row);
    lua_setfield(L, -2, "row");
    lua_pushinteger(L, col);
    lua_setfield(L, -2, "column");
    lua_pushstring(L, message);
    lua_setfield(L, -2, "message");
    lua_rawseti(L, c->problems, ++c->nproblems);
}

/* Parses text with the handlers; returns 1, or 0 with a message pushed. */
static int parse_part(Ctx *c, const char *part, const char *s, size_t len, XML_StartElementHandler start,
                      XML_EndElementHandler end, XML_CharacterDataHandler chars)
{
    Book *b = c->b;
    b->xp = XML_ParserCreate(NULL);
    if (b->xp == NULL)
        return luaL_error(c->L, "out of memory creating an XML parser");
    XML_SetUserData(b->xp, c);
    XML_SetElementHandler(b->xp, start, end);
    if (chars)
        XML_SetCharacterDataHandler(b->xp, chars);
    text_reset(b);
    if (XML_Parse(b->xp, s, (int)len, 1) == XML_STATUS_ERROR) {
        lua_pushfstring(c->L, "the workbook's %s is not well-formed XML: %s at line %d", part,
                        XML_ErrorString(XML_GetErrorCode(b->xp)), (int)XML_GetCurrentLineNumber(b->xp));
        XML_ParserFree(b->xp);
        b->xp = NULL;
        return 0;
    }
    XML_ParserFree(b->xp);
    b->xp = NULL;
    return 1;
}

/* ------------------------------------------------------------------ workbook and its rels */

static void workbook_start(void *ud, const char *name, const char **atts)
{
    Ctx *c = ud;
    const char *n = local_name(name);
    if (strcmp(n, "sheet") == 0) {
        const char *sheet = attr(atts, "name"), *rid = relationship_id(atts);
        lua_createtable(c->L, 0, 2);
        lua_pushstring(c->L, sheet ? sheet : "");
        lua_setfield(c->L, -2, "name");
        lua_pushstring(c->L, rid ? rid : "");
        lua_setfield(c->L, -2, "rid");
        lua_rawseti(c->L, c->out, ++c->n);
    } else if (strcmp(n, "workbookPr") == 0) {
        const char *d = attr(atts, "date1904");
        c->date1904 = d && (strcmp(d, "1") == 0 || strcmp(d, "true") == 0);
    }
}

static void rels_start(void *ud, const char *name, const char **atts)
{
    Ctx *c = ud;
    if (strcmp(local_name(name), "Relationship") == 0) {
        const char *id = attr(atts, "Id"), *target = attr(atts, "Target");
        if (id && target) {
            lua_pushstring(c->L, target);
            lua_setfield(c->L, c->out, id);
        }
    }
}

static void no_end(void *ud, const char *name)
{
    (void)ud;
    (void)name;
}

/* ------------------------------------------------------------------ shared strings */

static void sst_start(void *ud, const char *name, const char **atts)
{
    Ctx *c = ud;
    const char *n = local_name(name);
    (void)atts;
    if (strcmp(n, "si") == 0) {
        c->depth_si = 1;
        text_reset(c->b);
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 1; /* phonetic hints are not the string */
    } else if (strcmp(n, "t") == 0 && c->depth_si && !c->in_rph) {
        c->in_t = 1;
    }
}

static void sst_end(void *ud, const char *name)
{
    Ctx *c = ud;
    const char *n = local_name(name);
    if (strcmp(n, "si") == 0) {
        lua_pushlstring(c->L, c->b->text ? c->b->text : "", c->b->len);
        lua_rawseti(c->L, c->out, ++c->n);
        c->depth_si = 0;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 0;
    } else if (strcmp(n, "t") == 0) {
        c->in_t = 0;
    }
}

static void text_chars(void *ud, const char *s, int len)
{
    Ctx *c = ud;
    if (c->in_t || c->in_v)
        text_add(c->L, c->b, s, len);
}

/* ------------------------------------------------------------------ styles: which are dates */

static int builtin_date_format(long id)
{
    return (id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58);
}

/* Whether a number format's code shows a date: a d or y outside quotes, brackets and
 * escapes (m alone may be minutes). */
static int custom_date_format(const char *code)
{
    int quoted = 0, bracket = 0;
    for (; *code; code++) {
        char ch = *code;
        if (ch == '\\' && code[1]) {
            code++;
        } else if (ch == '"') {
            quoted = !quoted;
        } else if (!quoted && ch == '[') {
            bracket = 1;
        } else if (!quoted && ch == ']') {
            bracket = 0;
        } else if (!quoted && !bracket && (ch == 'd' || ch == 'D' || ch == 'y' || ch == 'Y')) {
            return 1;
        }
    }
    return 0;
}

/* c->out: custom numFmtId -> true for date formats; fills c->date_xfs (xf index -> true). */
static void styles_start(void *ud, const char *name, const char **atts)
{
    Ctx *c = ud;
    const char *n = local_name(name);
    if (strcmp(n, "numFmt") == 0) {
        const char *id = attr(atts, "numFmtId"), *code = attr(atts, "formatCode");
        if (id && code && custom_date_format(code)) {
            lua_pushboolean(c->L, 1);
            lua_rawseti(c->L, c->out, strtol(id, NULL, 10));
        }
    } else if (strcmp(n, "cellXfs") == 0) {
        c->in_xfs = 1;
        c->n = 0;
    } else if (strcmp(n, "xf") == 0 && c->in_xfs) {
        const char *id = attr(atts, "numFmtId");
        long fmt = id ? strtol(id, NULL, 10) : 0;
        int is_date = builtin_date_format(fmt);
        if (!is_date) {
            is_date = lua_rawgeti(c->L, c->out, fmt) == LUA_TBOOLEAN;
            lua_pop(c->L, 1);
        }
        if (is_date) {
            lua_pushboolean(c->L, 1);
            lua_rawseti(c->L, c->date_xfs, c->n);
        }
        c->n++;
    }
}

static void styles_end(void *ud, const char *name)
{
    Ctx *c = ud;
    if (strcmp(local_name(name), "cellXfs") == 0)
        c->in_xfs = 0;
}

/* ------------------------------------------------------------------ the sheet */

/* "BC12" -> column 55; 0 when ref has no letters. */
static long column_of(const char *ref)
{
    long col = 0;
    for (; *ref >= 'A' && *ref <= 'Z'; ref++) {
        col = col * 26 + (*ref - 'A' + 1);
        if (col > MAX_COLUMNS)
            return MAX_COLUMNS + 1;
    }
    return col;
}

/* Days since 1970-01-01 to a civil date (Howard Hinnant's civil_from_days). */
static void civil(long z, long *y, int *m, int *d)
{
    long era, yoe, doy, mp;
    z += 719468;
    era = (z >= 0 ? z : z - 146096) / 146097;
    yoe = z - era * 146097;
    yoe = (yoe - yoe / 1460 + yoe / 36524 - yoe / 146096) / 365;
    doy = z - era * 146097 - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

/* Pushes the ISO day of a date serial; 0 when serial is not a day this code can name. In
 * the 1900 system serial 1 is 1900-01-01 and serial 60 the 29 February 1900 that Lotus 1-2-3
 * counted and never was; in the 1904 system serial 0 is 1904-01-01. */
static int push_serial_date(lua_State *L, const char *text, int date1904)
{
    char *end;
    double v = strtod(text, &end);
    long days, y, serial;
    int m, d;
    char out[32];
    if (end == text || *end != '\0' || !(v >= (date1904 ? 0 : 1)) || v > 2958465) /* 9999-12-31 */
        return 0;
    serial = (long)v;
    if (date1904)
        days = serial - 24107;
    else if (serial == 60)
        return 0;
    else
        days = serial - (serial < 60 ? 25568 : 25569);
    civil(days, &y, &m, &d);
    snprintf(out, sizeof out, "%04ld-%02d-%02d", y, m, d);
    lua_pushstring(L, out);
    return 1;
}

static void sheet_start(void *ud, const char *name, const char **atts)
{
    Ctx *c = ud;
    const char *n = local_name(name);
    if (strcmp(n, "row") == 0) {
        const char *r = attr(atts, "r");
        c->row = r ? strtol(r, NULL, 10) : c->row + 1;
        c->col = 0;
    } else if (strcmp(n, "c") == 0) {
        const char *r = attr(atts, "r"), *t = attr(atts, "t"), *s = attr(atts, "s");
        c->col = r ? column_of(r) : c->col + 1;
        if (c->col == 0)
            c->col = 1;
        snprintf(c->type, sizeof c->type, "%s", t ? t : "n");
        c->style = s ? strtol(s, NULL, 10) : -1;
        text_reset(c->b);
    } else if (strcmp(n, "v") == 0) {
        c->in_v = 1;
    } else if (strcmp(n, "is") == 0) {
        c->in_is = 1;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 1;
    } else if (strcmp(n, "t") == 0 && c->in_is && !c->in_rph) {
        c->in_t = 1;
    }
}

/* The cell just read, pushed as its string value. */
static void push_cell(Ctx *c)
{
    lua_State *L = c->L;
    const char *v = c->b->text ? c->b->text : "";
    if (strcmp(c->type, "s") == 0) {
        char *end;
        long i = strtol(v, &end, 10);
        if (end == v || lua_rawgeti(L, c->sst, i + 1) != LUA_TSTRING) {
            if (end != v)
                lua_pop(L, 1);
            add_problem(c, c->row, c->col, "the cell names a shared string the workbook does not have");
            lua_pushliteral(L, "");
        }
    } else if (strcmp(c->type, "b") == 0) {
        lua_pushstring(L, strcmp(v, "1") == 0 ? "true" : "false");
    } else if (strcmp(c->type, "e") == 0) {
        char msg[96];
        snprintf(msg, sizeof msg, "the cell holds the error %.40s", v);
        add_problem(c, c->row, c->col, msg);
        lua_pushliteral(L, "");
    } else if (strcmp(c->type, "d") == 0) {
        lua_pushlstring(L, v, c->b->len >= 10 && v[10] == 'T' ? 10 : c->b->len);
    } else {
        int is_date = 0;
        if (strcmp(c->type, "n") == 0 && c->style >= 0) {
            is_date = lua_rawgeti(L, c->date_xfs, c->style) == LUA_TBOOLEAN;
            lua_pop(L, 1);
        }
        if (!is_date || !push_serial_date(L, v, c->date1904))
            lua_pushlstring(L, v, c->b->len);
    }
}

static void sheet_end(void *ud, const char *name)
{
    Ctx *c = ud;
    lua_State *L = c->L;
    const char *n = local_name(name);
    if (strcmp(n, "c") == 0) {
        if (c->row < 1 || c->row > MAX_ROWS || c->col > MAX_COLUMNS) {
            add_problem(c, c->row, c->col, "the cell lies outside a sheet's rows and columns");
            return;
        }
        if (c->b->len == 0 && strcmp(c->type, "s") != 0)
            return; /* a styled empty cell */
        if (lua_rawgeti(L, c->out, c->row) != LUA_TTABLE) {
            lua_pop(L, 1);
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_rawseti(L, c->out, c->row);
        }
        push_cell(c);
        lua_rawseti(L, -2, c->col);
        lua_pop(L, 1);
        if (c->row > c->n)
            c->n = c->row;
    } else if (strcmp(n, "v") == 0) {
        c->in_v = 0;
    } else if (strcmp(n, "is") == 0) {
        c->in_is = 0;
    } else if (strcmp(n, "rPh") == 0) {
        c->in_rph = 0;
    } else if (strcmp(n, "t") == 0) {
        c->in_t = 0;
    }
}

/* ------------------------------------------------------------------ read_xlsx */

static void reset(Ctx *c, int out)
{
    c->out = out;
    c->n = 0;
    c->depth_si = c->in_t = c->in_rph = c->in_xfs = c->in_v = c->in_is = 0;
}

/* nil and the message on top of the stack. */
static int failed(lua_State *L)
{
    lua_pushnil(L);
    lua_insert(L, -2);
    return 2;
}

static int fail(lua_State *L, const char *fmt, const char *arg)
{
    lua_pushnil(L);
    lua_pushfstring(L, fmt, arg);
    return 2;
}

static int l_read_xlsx(lua_State *L)
{
    size_t len;
    const char *data = luaL_checklstring(L, 1, &len);
    const char *want = NULL, *target;
    zip_error_t zerr;
    zip_source_t *src;
    Book *b;
    Ctx c;
    int top;
    lua_Integer i, nsheets;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        if (lua_getfield(L, 2, "sheet") != LUA_TNIL) {
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "bad option opts.sheet (a sheet's name expected)");
            want = lua_tostring(L, -1);
        }
        lua_pop(L, 1); /* want stays reachable from opts */
    }
    lua_settop(L, 2);
    luaL_checkstack(L, 40, "reading a workbook");
    b = lua_newuserdatauv(L, sizeof *b, 0); /* 3 */
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, BOOK_MT);
    zip_error_init(&zerr);
    src = zip_source_buffer_create(data, len, 0, &zerr);
    if (src == NULL)
        return luaL_error(L, "out of memory opening a workbook");
    b->za = zip_open_from_source(src, ZIP_RDONLY, &zerr);
    if (b->za == NULL) {
        zip_source_free(src);
        lua_pushnil(L);
        lua_pushfstring(L, "not an .xlsx workbook: %s", zip_error_strerror(&zerr));
        zip_error_fini(&zerr);
        return 2;
    }
    zip_error_fini(&zerr);
    memset(&c, 0, sizeof c);
    c.L = L;
    c.b = b;
    lua_newtable(L); /* 4: problems */
    c.problems = 4;

    /* the sheets, in the workbook's order, and where each one is */
    switch (push_part(L, b, "xl/workbook.xml")) { /* 5 */
    case -1:
        return failed(L);
    case 0:
        return fail(L, "not an .xlsx workbook: it has no %s", "xl/workbook.xml");
    }
    lua_newtable(L); /* 6: sheets */
    reset(&c, 6);
    if (!parse_part(&c, "workbook", lua_tostring(L, 5), lua_rawlen(L, 5), workbook_start, no_end, NULL))
        return failed(L);
    nsheets = c.n;
    if (push_part(L, b, "xl/_rels/workbook.xml.rels") < 0) /* 7 */
        return failed(L);
    lua_newtable(L);                                /* 8: relationship id -> target */
    reset(&c, 8);
    if (!lua_isnil(L, 7) &&
        !parse_part(&c, "relationships", lua_tostring(L, 7), lua_rawlen(L, 7), rels_start, no_end, NULL))
        return failed(L);
    target = NULL;
    for (i = 1; i <= nsheets && target == NULL; i++) {
        lua_rawgeti(L, 6, i);
        lua_getfield(L, -1, "name");
        if (want == NULL || strcmp(lua_tostring(L, -1), want) == 0) {
            lua_getfield(L, -2, "rid");
            lua_gettable(L, 8);
            target = lua_tostring(L, -1);
            if (target == NULL)
                return fail(L, "the workbook does not say where its sheet '%s' is", want ? want : "1");
            /* stays on the stack */
        } else {
            lua_pop(L, 2);
        }
    }
    if (target == NULL) {
        luaL_Buffer names;
        luaL_buffinit(L, &names);
        for (i = 1; i <= nsheets; i++) {
            lua_rawgeti(L, 6, i);
            lua_getfield(L, -1, "name");
            lua_remove(L, -2);
            if (i > 1)
                luaL_addstring(&names, ", ");
            luaL_addvalue(&names);
        }
        luaL_pushresult(&names);
        lua_pushnil(L);
        if (want)
            lua_pushfstring(L, "the workbook has no sheet '%s' (it has: %s)", want, lua_tostring(L, -2));
        else
            lua_pushliteral(L, "the workbook has no sheet");
        return 2;
    }
    if (target[0] == '/')
        lua_pushstring(L, target + 1);
    else if (strncmp(target, "xl/", 3) == 0)
        lua_pushstring(L, target);
    else
        lua_pushfstring(L, "xl/%s", target);
    top = lua_gettop(L); /* the sheet's part name */

    /* shared strings and the styles that are dates */
    if (push_part(L, b, "xl/sharedStrings.xml") < 0)
        return failed(L);
    lua_newtable(L);
    c.sst = lua_gettop(L);
    reset(&c, c.sst);
    if (!lua_isnil(L, c.sst - 1) &&
        !parse_part(&c, "shared strings", lua_tostring(L, c.sst - 1), lua_rawlen(L, c.sst - 1), sst_start, sst_end,
                    text_chars))
        return failed(L);
    if (push_part(L, b, "xl/styles.xml") < 0)
        return failed(L);
    lua_newtable(L); /* custom date formats */
    lua_newtable(L);
    c.date_xfs = lua_gettop(L);
    reset(&c, c.date_xfs - 1);
    if (!lua_isnil(L, c.date_xfs - 2) &&
        !parse_part(&c, "styles", lua_tostring(L, c.date_xfs - 2), lua_rawlen(L, c.date_xfs - 2), styles_start,
                    styles_end, NULL))
        return failed(L);

    switch (push_part(L, b, lua_tostring(L, top))) {
    case -1:
        return failed(L);
    case 0:
        return fail(L, "the workbook has no part %s for its sheet", lua_tostring(L, top));
    }
    lua_newtable(L); /* rows */
    reset(&c, lua_gettop(L));
    c.row = 0;
    if (!parse_part(&c, "sheet", lua_tostring(L, c.out - 1), lua_rawlen(L, c.out - 1), sheet_start, sheet_end,
                    text_chars))
        return failed(L);
    for (i = 1; i <= c.n; i++) { /* a sequence: empty rows are empty tables */
        if (lua_rawgeti(L, c.out, i) != LUA_TTABLE) {
            lua_newtable(L);
            lua_rawseti(L, c.out, i);
        } else {
            lua_Integer k, n = 0;
            lua_pushnil(L);
            while (lua_next(L, -2)) {
                if (lua_tointeger(L, -2) > n)
                    n = lua_tointeger(L, -2);
                lua_pop(L, 1);
            }
            for (k = 1; k < n; k++) { /* cells left out are empty */
                if (lua_rawgeti(L, -1, k) == LUA_TNIL) {
                    lua_pushliteral(L, "");
                    lua_rawseti(L, -3, k);
                }
                lua_pop(L, 1);
            }
        }
        lua_pop(L, 1);
    }
    book_free(b);
    lua_pushvalue(L, c.out);
    lua_pushvalue(L, c.problems);
    return 2;
}

int parley_open_table_xlsx(lua_State *L)
{
    luaL_newmetatable(L, BOOK_MT);
    lua_pushcfunction(L, book_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, book_gc);
    lua_setfield(L, -2, "__close");
    lua_pushliteral(L, "parley.XlsxBook");
    lua_setfield(L, -2, "__metatable");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_read_xlsx);
    lua_setfield(L, -2, "read_xlsx");
    return 0;
}
