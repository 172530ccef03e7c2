/* SPDX-License-Identifier: MIT */
/* Canonical JSON: the one writer of parley's canonical form, for two sinks. The text itself
 * (core.json_encode, which parley.json.encode is), and canonical digests: the SHA-256 of a Lua
 * value's canonical JSON, written straight into the hash as it is walked, with no JSON text
 * built (docs/dataset.md#record-digests).
 *
 * core.json_encode(value [, max_bytes]) -> the text; core.json_sha256(value [, plain]) -> the
 * lowercase hex digest of exactly the bytes core.json_encode(value) gives; with plain true, of
 * those of encode(plain(value)), where plain replaces every table that has truthy `precision`,
 * `first` and `text` (a date as parley.dates.parse gives it) by its `text`, as it stands (the
 * form records.digest keeps).
 * The canonical form: objects with their keys sorted, numbers before strings, numbers by value,
 * strings bytewise; a table whose keys are exactly 1..n (or none) an array; strings with '"' and
 * '\\' escaped, \b \f \n \r \t as such and every other control byte (0-31, 127) as \u00XX,
 * other bytes as they are; integers in decimal, floats as %.17g with ".0" when that has no '.'
 * or exponent, NaN and infinities as null; true, false; parley.null as null.
 * Raises: on a cycle (a table on its own path: one shared by several parents is written once for
 * each), a value or key JSON cannot hold, a text longer than max_bytes (json.MAX_BYTES, 256 MiB,
 * unless the caller says), or nesting deeper than MAX_DEPTH. */
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "parley.h"

#define MAX_BYTES (256u * 1024 * 1024)
/* far deeper than any record; a bound on the C stack the walk takes (about 1 KiB a level, in a
 * rule's thread too) */
#define MAX_DEPTH 2000

/* The walk's state, a userdata at stack index CANON_AT; the tables open on the current path
 * are keys of the table at OPEN_AT, and with text, the text so far is the userdata at TEXT_AT
 * (replaced by a larger one as it grows: an error midway leaves nothing to free). */
#define CANON_AT 3
#define OPEN_AT 4
#define TEXT_AT 5

struct canon {
    lua_State *L;
    int text;           /* 1: the text is kept (json_encode); 0: hashed (json_sha256) */
    struct parley_sha256 sha;
    char *out;          /* the text's userdata, when text */
    size_t out_size;
    size_t bytes;
    size_t max_bytes;
    int depth;
    size_t used;
    char buf[4096];
};

/* Raises the message as it is, with no position: json.encode's errors are about the value, and
 * read the same from Lua and from C. */
static int fail(lua_State *L, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    return lua_error(L);
}

static void flush(struct canon *c)
{
    if (c->text) {
        if (c->bytes > c->out_size) {
            size_t size = c->out_size ? c->out_size : 4096;
            char *bigger;
            while (size < c->bytes)
                size = size > c->max_bytes / 2 ? c->max_bytes : size * 2;
            bigger = lua_newuserdatauv(c->L, size, 0);
            if (c->out) /* the text so far; none before the first flush */
                memcpy(bigger, c->out, c->bytes - c->used);
            lua_replace(c->L, TEXT_AT);
            c->out = bigger, c->out_size = size;
        }
        if (c->used)
            memcpy(c->out + (c->bytes - c->used), c->buf, c->used);
    } else {
        parley_sha256_update(&c->sha, c->buf, c->used);
    }
    c->used = 0;
}

static void emit(struct canon *c, const char *s, size_t n)
{
    if (n > c->max_bytes - c->bytes)
        fail(c->L, "cannot encode: the JSON text would exceed %I bytes (opts.max_bytes)", (lua_Integer)c->max_bytes);
    while (n > 0) {
        size_t room = sizeof c->buf - c->used, part = n < room ? n : room;
        memcpy(c->buf + c->used, s, part);
        c->used += part, c->bytes += part, s += part, n -= part;
        if (c->used == sizeof c->buf)
            flush(c);
    }
}

static void emit_string(struct canon *c, const char *s, size_t n)
{
    size_t i, run = 0;
    emit(c, "\"", 1);
    for (i = 0; i < n; i++) {
        unsigned char ch = (unsigned char)s[i];
        const char *esc = NULL;
        char u[8];
        if (ch == '"')
            esc = "\\\"";
        else if (ch == '\\')
            esc = "\\\\";
        else if (ch < 32 || ch == 127) {
            switch (ch) {
            case '\b': esc = "\\b"; break;
            case '\f': esc = "\\f"; break;
            case '\n': esc = "\\n"; break;
            case '\r': esc = "\\r"; break;
            case '\t': esc = "\\t"; break;
            default:
                snprintf(u, sizeof u, "\\u%04x", ch);
                esc = u;
            }
        }
        if (esc) {
            emit(c, s + run, i - run);
            emit(c, esc, strlen(esc));
            run = i + 1;
        }
    }
    emit(c, s + run, n - run);
    emit(c, "\"", 1);
}

static void emit_number(struct canon *c, int idx)
{
    char b[64];
    int n;
    if (lua_isinteger(c->L, idx)) {
        n = snprintf(b, sizeof b, "%lld", (long long)lua_tointeger(c->L, idx));
    } else {
        double d = (double)lua_tonumber(c->L, idx);
        if (d != d || isinf(d)) {
            emit(c, "null", 4);
            return;
        }
        n = snprintf(b, sizeof b, "%.17g", d);
        if (!strpbrk(b, ".eE"))
            b[n++] = '.', b[n++] = '0';
    }
    emit(c, b, (size_t)n);
}

/* The number of items when the table at idx is an array (keys exactly 1..n), else -1. */
static lua_Integer array_length(lua_State *L, int idx)
{
    lua_Integer n = 0, i;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        lua_pop(L, 1);
        if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1) {
            lua_pop(L, 1);
            return -1;
        }
        n++;
    }
    for (i = 1; i <= n; i++) {
        int absent = lua_rawgeti(L, idx, i) == LUA_TNIL;
        lua_pop(L, 1);
        if (absent)
            return -1;
    }
    return n;
}

/* Keys of a table sorted without an allocation when it has at most this many (a record). */
#define SMALL_KEYS 16

struct key {
    int slot; /* where the key is on the stack */
    int is_number;
    int is_integer;
    lua_Integer i;
    lua_Number d;
    const char *s;
    size_t len;
};

static int key_order(const void *pa, const void *pb)
{
    const struct key *a = pa, *b = pb;
    int cmp;
    size_t n;
    if (a->is_number != b->is_number)
        return a->is_number ? -1 : 1;
    if (a->is_number) {
        if (a->is_integer && b->is_integer)
            return a->i < b->i ? -1 : a->i > b->i;
        {
            lua_Number x = a->is_integer ? (lua_Number)a->i : a->d, y = b->is_integer ? (lua_Number)b->i : b->d;
            return x < y ? -1 : x > y;
        }
    }
    n = a->len < b->len ? a->len : b->len;
    cmp = memcmp(a->s, b->s, n);
    if (cmp)
        return cmp;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* Whether the table at idx is a date as parley.dates gives it (plain's test). */
static int is_date(lua_State *L, int idx)
{
    static const char *const fields[] = {"precision", "first", "text"};
    int i;
    for (i = 0; i < 3; i++) {
        int truthy;
        lua_getfield(L, idx, fields[i]);
        truthy = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (!truthy)
            return 0;
    }
    return 1;
}

static void emit_value(struct canon *c, int idx, int plain);

/* An object: its keys sorted, each with its value. A function of its own, so that the keys'
 * array on the C stack is taken only by the levels that are objects. */
static void emit_object(struct canon *c, int idx, int plain)
{
    lua_State *L = c->L;
    struct key small[SMALL_KEYS], *keys = small;
    size_t count = 0, k;
    int base = lua_gettop(L);
    /* Every key is kept on the stack, at base + 1 + its number: the value is read by it once
     * the keys are sorted (no string made again), and a string key's bytes stay alive there. */
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int t = lua_type(L, -2);
        lua_pop(L, 1);
        if (t != LUA_TSTRING && t != LUA_TNUMBER)
            fail(L, "cannot encode a table key of type %s", lua_typename(L, t));
        luaL_checkstack(L, 4, "canonical JSON: a table with too many keys");
        lua_pushvalue(L, -1);
        lua_insert(L, -2);
        count++;
    }
    if (count > SMALL_KEYS) /* a userdata: an error midway leaks nothing */
        keys = lua_newuserdatauv(L, count * sizeof *keys, 0);
    for (k = 0; k < count; k++) {
        struct key *key = &keys[k];
        int slot = base + 1 + (int)k;
        key->slot = slot;
        key->is_number = lua_type(L, slot) == LUA_TNUMBER;
        key->is_integer = key->is_number && lua_isinteger(L, slot);
        key->i = key->is_integer ? lua_tointeger(L, slot) : 0;
        key->d = key->is_number ? lua_tonumber(L, slot) : 0;
        key->s = key->is_number ? NULL : lua_tolstring(L, slot, &key->len);
    }
    qsort(keys, count, sizeof *keys, key_order);
    emit(c, "{", 1);
    for (k = 0; k < count; k++) {
        if (k > 0)
            emit(c, ",", 1);
        if (keys[k].is_number) {
            size_t len;
            const char *text;
            lua_pushvalue(L, keys[k].slot);
            text = lua_tolstring(L, -1, &len); /* tostring(k), of a copy */
            emit_string(c, text, len);
            lua_pop(L, 1);
        } else {
            emit_string(c, keys[k].s, keys[k].len);
        }
        emit(c, ":", 1);
        lua_pushvalue(L, keys[k].slot);
        lua_rawget(L, idx);
        emit_value(c, lua_gettop(L), plain);
        lua_pop(L, 1);
    }
    emit(c, "}", 1);
    lua_settop(L, base);
}

static void emit_table(struct canon *c, int idx, int plain)
{
    lua_State *L = c->L;
    lua_Integer n, i;
    if (plain && is_date(L, idx)) {
        lua_getfield(L, idx, "text");
        emit_value(c, lua_gettop(L), 0); /* plain(v) gives v.text as it is */
        lua_pop(L, 1);
        return;
    }
    lua_pushvalue(L, idx);
    if (lua_rawget(L, OPEN_AT) != LUA_TNIL)
        fail(L, "cannot encode a table that contains itself");
    lua_pop(L, 1);
    if (++c->depth > MAX_DEPTH)
        fail(L, "cannot encode a value nested more than %d deep", MAX_DEPTH);
    luaL_checkstack(L, 8, "canonical JSON nested too deep");
    lua_pushvalue(L, idx);
    lua_pushboolean(L, 1);
    lua_rawset(L, OPEN_AT);
    n = array_length(L, idx);
    if (n >= 0) {
        emit(c, "[", 1);
        for (i = 1; i <= n; i++) {
            if (i > 1)
                emit(c, ",", 1);
            lua_rawgeti(L, idx, i);
            emit_value(c, lua_gettop(L), plain);
            lua_pop(L, 1);
        }
        emit(c, "]", 1);
    } else {
        emit_object(c, idx, plain);
    }
    lua_pushvalue(L, idx);
    lua_pushnil(L);
    lua_rawset(L, OPEN_AT);
    c->depth--;
}

static void emit_value(struct canon *c, int idx, int plain)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t n;
        const char *s = lua_tolstring(L, idx, &n);
        emit_string(c, s, n);
        break;
    }
    case LUA_TNUMBER: emit_number(c, idx); break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx))
            emit(c, "true", 4);
        else
            emit(c, "false", 5);
        break;
    case LUA_TNIL: emit(c, "null", 4); break;
    case LUA_TTABLE: emit_table(c, idx, plain); break;
    default:
        if (parley_is_null(L, idx)) {
            emit(c, "null", 4);
            break;
        }
        fail(L, "cannot encode a %s as JSON", luaL_typename(L, idx));
    }
}

/* The walk's state at CANON_AT, the set of open tables at OPEN_AT and a place for the text at
 * TEXT_AT, above the arguments (settop 2 first). */
static struct canon *new_canon(lua_State *L, int text, size_t max_bytes)
{
    struct canon *c;
    lua_settop(L, 2);
    c = lua_newuserdatauv(L, sizeof *c, 0);
    lua_newtable(L);
    lua_pushnil(L);
    c->L = L;
    c->text = text;
    c->out = NULL;
    c->out_size = 0;
    c->bytes = 0;
    c->max_bytes = max_bytes;
    c->depth = 0;
    c->used = 0;
    if (!text)
        parley_sha256_init(&c->sha);
    return c;
}

/* core.json_sha256(value [, plain]) */
static int l_json_sha256(lua_State *L)
{
    char hex[64];
    int plain = lua_toboolean(L, 2);
    struct canon *c = new_canon(L, 0, MAX_BYTES);
    emit_value(c, 1, plain);
    flush(c);
    parley_sha256_final_hex(&c->sha, hex);
    lua_pushlstring(L, hex, 64);
    return 1;
}

/* core.json_encode(value [, max_bytes]) */
static int l_json_encode(lua_State *L)
{
    lua_Integer max_bytes = luaL_optinteger(L, 2, MAX_BYTES);
    struct canon *c;
    luaL_argcheck(L, max_bytes >= 0, 2, "max_bytes must be a non-negative integer");
    c = new_canon(L, 1, (size_t)max_bytes);
    emit_value(c, 1, 0);
    flush(c);
    lua_pushlstring(L, c->out ? c->out : "", c->bytes);
    return 1;
}

int parley_open_digest(lua_State *L)
{
    lua_pushcfunction(L, l_json_sha256);
    lua_setfield(L, -2, "json_sha256");
    lua_pushcfunction(L, l_json_encode);
    lua_setfield(L, -2, "json_encode");
    return 0;
}
