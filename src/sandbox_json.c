/* SPDX-License-Identifier: MIT */
/* JSON for the rule sandbox: the deterministic encoder of findings and parameter tables, and
 * the decoder of ctx.params. It runs inside a sandbox state, so everything it allocates goes
 * through that state's capped allocator, and it never calls back into Lua (raw access
 * only): a rule's metamethods cannot run, loop or change a table while it is encoded.
 *
 * The text is lua/parley/json.lua's (spec/sandbox_spec.lua compares them): keys sorted
 * (integer keys first, by value, then string keys, by bytes), a table whose keys are exactly
 * 1..n is an array (an empty one too), integers without a decimal point, floats as %.17g
 * and always with a decimal point or an exponent ("1.0"). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"

#define MAX_DEPTH 200

/* ------------------------------------------------------------------ buffer */

void sbbuf_init(lua_State *L, SbBuf *b, size_t cap)
{
    b->cap = cap < 64 ? 64 : cap;
    b->n = 0;
    b->p = (char *)lua_newuserdatauv(L, b->cap, 0);
    b->idx = lua_gettop(L);
    b->limit = 0;
    b->limit_error = NULL;
}

void sbbuf_add(lua_State *L, SbBuf *b, const char *s, size_t len)
{
    if (b->limit && len > b->limit - b->n)
        luaL_error(L, "%s", b->limit_error);
    if (len > b->cap - b->n) {
        size_t cap = b->cap;
        char *p;
        while (len > cap - b->n) {
            if (cap > ((size_t)-1) / 2)
                luaL_error(L, "JSON text too large");
            cap *= 2;
        }
        p = (char *)lua_newuserdatauv(L, cap, 0);
        memcpy(p, b->p, b->n);
        lua_replace(L, b->idx); /* the old block becomes garbage */
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, len);
    b->n += len;
}

#define ADDLIT(L, b, s) sbbuf_add(L, b, s, sizeof(s) - 1)

/* ---------------------------------------------------------------- encoding */

/* Where in the value an error is: a stack of keys, printed as what.a[2].b */
typedef struct Path {
    int depth;
    const char *what;
    struct {
        const char *s; /* NULL for an integer key */
        size_t len;
        lua_Integer i;
    } key[MAX_DEPTH + 1];
} Path;

static int path_error(lua_State *L, Path *path, const char *fmt, const char *arg)
{
    luaL_Buffer b;
    int i;
    luaL_buffinit(L, &b);
    luaL_addstring(&b, path->what);
    for (i = 0; i < path->depth; i++) {
        char num[32];
        if (path->key[i].s) {
            luaL_addchar(&b, '.');
            luaL_addlstring(&b, path->key[i].s, path->key[i].len > 60 ? 60 : path->key[i].len);
        } else {
            snprintf(num, sizeof num, "[%lld]", (long long)path->key[i].i);
            luaL_addstring(&b, num);
        }
    }
    luaL_addstring(&b, ": ");
    luaL_pushresult(&b);
    lua_pushfstring(L, fmt, arg);
    lua_concat(L, 2);
    return lua_error(L);
}

static void encode_string(lua_State *L, SbBuf *b, const char *s, size_t len)
{
    static const char hex[] = "0123456789abcdef";
    size_t i, run = 0;
    ADDLIT(L, b, "\"");
    for (i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[6];
        const char *e = NULL;
        size_t elen = 2;
        if (c >= 0x20 && c != '"' && c != '\\' && c != 0x7f)
            continue;
        sbbuf_add(L, b, s + run, i - run);
        run = i + 1;
        switch (c) {
        case '"': e = "\\\""; break;
        case '\\': e = "\\\\"; break;
        case '\b': e = "\\b"; break;
        case '\f': e = "\\f"; break;
        case '\n': e = "\\n"; break;
        case '\r': e = "\\r"; break;
        case '\t': e = "\\t"; break;
        default:
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[c >> 4];
            esc[5] = hex[c & 15];
            e = esc;
            elen = 6;
        }
        sbbuf_add(L, b, e, elen);
    }
    sbbuf_add(L, b, s + run, len - run);
    ADDLIT(L, b, "\"");
}

/* As parley.json writes a float: %.17g (which reads back as the same double), with ".0"
 * added when that has neither a decimal point nor an exponent, so that it reads back as a
 * float. The stored texts of findings are this encoder's, byte for byte what parley.json
 * gave before C encoded them: keep the two the same. */
static void encode_float(lua_State *L, SbBuf *b, double v, Path *path)
{
    char s[40];
    int n;
    char *p;
    if (!isfinite(v))
        path_error(L, path, "%s", "cannot encode a NaN or infinite number as JSON");
    snprintf(s, sizeof s, "%.17g", v);
    for (p = s; *p; p++)
        if (*p == ',') /* a locale's decimal comma */
            *p = '.';
    n = (int)strlen(s);
    if (strpbrk(s, ".e") == NULL) {
        memcpy(s + n, ".0", 3);
        n += 2;
    }
    sbbuf_add(L, b, s, (size_t)n);
}

static void encode_integer(lua_State *L, SbBuf *b, lua_Integer i)
{
    char s[32];
    int n = snprintf(s, sizeof s, "%lld", (long long)i);
    sbbuf_add(L, b, s, (size_t)n);
}

typedef struct Key {
    const char *s; /* NULL for an integer key */
    size_t len;
    lua_Integer i;
} Key;

static int key_order(const void *pa, const void *pb)
{
    const Key *a = (const Key *)pa, *b = (const Key *)pb;
    int c;
    if (!a->s || !b->s) {
        if (a->s)
            return 1;
        if (b->s)
            return -1;
        return a->i < b->i ? -1 : a->i > b->i;
    }
    c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

static void encode_value(lua_State *L, int idx, SbBuf *b, int flags, Path *path);

/* Keys are collected into a userdata array and sorted with qsort: key strings stay alive
 * because the table being encoded holds them, and nothing runs that could change it. */
static void encode_table(lua_State *L, int t, SbBuf *b, int flags, Path *path)
{
    size_t count = 0, i;
    lua_Integer max = 0;
    int is_array = 1;
    Key *keys;
    if (path->depth >= MAX_DEPTH)
        path_error(L, path, "%s", "nesting too deep (or a table that contains itself)");
    luaL_checkstack(L, 8, "JSON nesting");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        count++;
        if (lua_isinteger(L, -1) && lua_tointeger(L, -1) >= 1) {
            if (lua_tointeger(L, -1) > max)
                max = lua_tointeger(L, -1);
        } else {
            is_array = 0;
        }
    }
    parley_sandbox_charge(L, count); /* a C loop over data the rule chose: counts as work */
    if (is_array && (lua_Integer)count == max && !(count == 0 && (flags & SBJSON_OBJECT_IF_EMPTY))) {
        ADDLIT(L, b, "[");
        for (i = 1; i <= count; i++) {
            if (i > 1)
                ADDLIT(L, b, ",");
            lua_rawgeti(L, t, (lua_Integer)i);
            path->key[path->depth].s = NULL;
            path->key[path->depth].i = (lua_Integer)i;
            path->depth++;
            encode_value(L, lua_gettop(L), b, 0, path);
            path->depth--;
            lua_pop(L, 1);
        }
        ADDLIT(L, b, "]");
        return;
    }
    keys = (Key *)lua_newuserdatauv(L, count ? count * sizeof(Key) : 1, 0);
    i = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) == LUA_TSTRING) {
            keys[i].s = lua_tolstring(L, -1, &keys[i].len);
        } else if (lua_isinteger(L, -1)) {
            keys[i].s = NULL;
            keys[i].i = lua_tointeger(L, -1);
        } else {
            path_error(L, path, "cannot encode a table key of type %s as JSON", luaL_typename(L, -1));
        }
        i++;
    }
    qsort(keys, count, sizeof(Key), key_order);
    ADDLIT(L, b, "{");
    for (i = 0; i < count; i++) {
        char num[32];
        if (i > 0)
            ADDLIT(L, b, ",");
        if (keys[i].s) {
            encode_string(L, b, keys[i].s, keys[i].len);
            lua_pushlstring(L, keys[i].s, keys[i].len);
        } else {
            int n = snprintf(num, sizeof num, "%lld", (long long)keys[i].i);
            encode_string(L, b, num, (size_t)n);
            lua_pushinteger(L, keys[i].i);
        }
        ADDLIT(L, b, ":");
        lua_rawget(L, t);
        path->key[path->depth].s = keys[i].s;
        path->key[path->depth].len = keys[i].len;
        path->key[path->depth].i = keys[i].i;
        path->depth++;
        encode_value(L, lua_gettop(L), b, 0, path);
        path->depth--;
        lua_pop(L, 1);
    }
    ADDLIT(L, b, "}");
    lua_pop(L, 1); /* keys */
}

static void encode_value(lua_State *L, int idx, SbBuf *b, int flags, Path *path)
{
    switch (lua_type(L, idx)) {
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        encode_string(L, b, s, len);
        break;
    }
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            encode_integer(L, b, lua_tointeger(L, idx));
        else
            encode_float(L, b, (double)lua_tonumber(L, idx), path);
        break;
    case LUA_TBOOLEAN:
        if (lua_toboolean(L, idx))
            ADDLIT(L, b, "true");
        else
            ADDLIT(L, b, "false");
        break;
    case LUA_TTABLE:
        encode_table(L, idx, b, flags, path);
        break;
    case LUA_TUSERDATA:
        if (parley_is_null(L, idx)) {
            ADDLIT(L, b, "null");
            break;
        }
        /* fall through */
    default:
        path_error(L, path, "cannot encode a %s as JSON", luaL_typename(L, idx));
    }
}

void sbjson_encode(lua_State *L, int idx, SbBuf *b, int flags, const char *what)
{
    Path *path;
    idx = lua_absindex(L, idx);
    /* The path is large (one slot per nesting level): keep it off the C stack. */
    path = (Path *)lua_newuserdatauv(L, sizeof(Path), 0);
    path->depth = 0;
    path->what = what;
    encode_value(L, idx, b, flags, path);
    lua_pop(L, 1);
}

/* ---------------------------------------------------------------- decoding */

typedef struct Reader {
    const char *s, *p, *end;
    const char *what;
} Reader;

static int decode_error(lua_State *L, Reader *r, const char *msg)
{
    return luaL_error(L, "%s: %s at byte %d", r->what, msg, (int)(r->p - r->s) + 1);
}

static void skip_space(Reader *r)
{
    while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' || *r->p == '\n' || *r->p == '\r'))
        r->p++;
}

static int hex4(Reader *r, const char *p)
{
    int v = 0, i;
    if (r->end - p < 4)
        return -1;
    for (i = 0; i < 4; i++) {
        int c = p[i];
        v <<= 4;
        if (c >= '0' && c <= '9')
            v |= c - '0';
        else if (c >= 'a' && c <= 'f')
            v |= c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
            v |= c - 'A' + 10;
        else
            return -1;
    }
    return v;
}

static void decode_string(lua_State *L, Reader *r)
{
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    r->p++; /* the opening quote */
    for (;;) {
        const char *run = r->p;
        while (r->p < r->end && *r->p != '"' && *r->p != '\\' && (unsigned char)*r->p >= 0x20)
            r->p++;
        luaL_addlstring(&b, run, (size_t)(r->p - run));
        if (r->p >= r->end)
            decode_error(L, r, "unterminated string");
        if (*r->p == '"') {
            r->p++;
            break;
        }
        if (*r->p != '\\')
            decode_error(L, r, "control character in string");
        if (r->p + 1 >= r->end)
            decode_error(L, r, "unterminated string");
        switch (r->p[1]) {
        case '"': luaL_addchar(&b, '"'); break;
        case '\\': luaL_addchar(&b, '\\'); break;
        case '/': luaL_addchar(&b, '/'); break;
        case 'b': luaL_addchar(&b, '\b'); break;
        case 'f': luaL_addchar(&b, '\f'); break;
        case 'n': luaL_addchar(&b, '\n'); break;
        case 'r': luaL_addchar(&b, '\r'); break;
        case 't': luaL_addchar(&b, '\t'); break;
        case 'u': {
            long code = hex4(r, r->p + 2);
            if (code < 0)
                decode_error(L, r, "bad \\u escape");
            r->p += 4;
            if (code >= 0xD800 && code <= 0xDBFF && r->end - r->p >= 8 && r->p[2] == '\\' && r->p[3] == 'u') {
                long lo = hex4(r, r->p + 4);
                if (lo >= 0xDC00 && lo <= 0xDFFF) {
                    code = 0x10000 + (code - 0xD800) * 0x400 + (lo - 0xDC00);
                    r->p += 6;
                }
            }
            lua_pushfstring(L, "%U", code); /* "\u0000" too: added with its length */
            luaL_addvalue(&b);
            break;
        }
        default:
            decode_error(L, r, "bad escape");
        }
        r->p += 2;
    }
    luaL_pushresult(&b);
}

static void decode_number(lua_State *L, Reader *r)
{
    char num[64];
    const char *start = r->p;
    size_t len;
    int is_float = 0;
    if (r->p < r->end && *r->p == '-')
        r->p++;
    if (r->p >= r->end || *r->p < '0' || *r->p > '9')
        decode_error(L, r, "bad number");
    while (r->p < r->end && ((*r->p >= '0' && *r->p <= '9') || *r->p == '.' || *r->p == 'e' || *r->p == 'E' ||
                             *r->p == '+' || *r->p == '-')) {
        if (*r->p == '.' || *r->p == 'e' || *r->p == 'E')
            is_float = 1;
        r->p++;
    }
    len = (size_t)(r->p - start);
    if (len >= sizeof num)
        decode_error(L, r, "number too long");
    memcpy(num, start, len);
    num[len] = '\0';
    /* lua_stringtonumber reads "12" as an integer (a float when it overflows) and "1.0" as a
     * float, the way the encoder wrote them, whatever the C locale. */
    if (lua_stringtonumber(L, num) != len + 1)
        decode_error(L, r, "bad number");
    if (is_float && lua_isinteger(L, -1)) {
        lua_Number v = (lua_Number)lua_tointeger(L, -1);
        lua_pop(L, 1);
        lua_pushnumber(L, v);
    }
}

static void decode_value(lua_State *L, Reader *r, int depth)
{
    if (depth > MAX_DEPTH)
        decode_error(L, r, "nesting too deep");
    luaL_checkstack(L, 6, "JSON nesting");
    skip_space(r);
    if (r->p >= r->end)
        decode_error(L, r, "unexpected end of text");
    switch (*r->p) {
    case '{':
        lua_newtable(L);
        r->p++;
        skip_space(r);
        if (r->p < r->end && *r->p == '}') {
            r->p++;
            return;
        }
        for (;;) {
            skip_space(r);
            if (r->p >= r->end || *r->p != '"')
                decode_error(L, r, "expected a string key");
            decode_string(L, r);
            skip_space(r);
            if (r->p >= r->end || *r->p != ':')
                decode_error(L, r, "expected ':'");
            r->p++;
            decode_value(L, r, depth + 1);
            lua_rawset(L, -3);
            skip_space(r);
            if (r->p < r->end && *r->p == '}') {
                r->p++;
                return;
            }
            if (r->p >= r->end || *r->p != ',')
                decode_error(L, r, "expected ',' or '}'");
            r->p++;
        }
    case '[': {
        lua_Integer n = 0;
        lua_newtable(L);
        r->p++;
        skip_space(r);
        if (r->p < r->end && *r->p == ']') {
            r->p++;
            return;
        }
        for (;;) {
            decode_value(L, r, depth + 1);
            lua_rawseti(L, -2, ++n);
            skip_space(r);
            if (r->p < r->end && *r->p == ']') {
                r->p++;
                return;
            }
            if (r->p >= r->end || *r->p != ',')
                decode_error(L, r, "expected ',' or ']'");
            r->p++;
        }
    }
    case '"':
        decode_string(L, r);
        return;
    case 't':
        if (r->end - r->p >= 4 && memcmp(r->p, "true", 4) == 0) {
            r->p += 4;
            lua_pushboolean(L, 1);
            return;
        }
        break;
    case 'f':
        if (r->end - r->p >= 5 && memcmp(r->p, "false", 5) == 0) {
            r->p += 5;
            lua_pushboolean(L, 0);
            return;
        }
        break;
    case 'n':
        if (r->end - r->p >= 4 && memcmp(r->p, "null", 4) == 0) {
            r->p += 4;
            parley_push_null(L);
            return;
        }
        break;
    default:
        if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9')) {
            decode_number(L, r);
            return;
        }
    }
    decode_error(L, r, "unexpected character");
}

void sbjson_decode(lua_State *L, const char *s, size_t len, const char *what)
{
    Reader r;
    r.s = r.p = s;
    r.end = s + len;
    r.what = what;
    decode_value(L, &r, 0);
    skip_space(&r);
    if (r.p < r.end)
        decode_error(L, &r, "trailing characters");
}
