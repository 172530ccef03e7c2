/* SPDX-License-Identifier: MIT */
/* parley.core.yaml.dump: a Lua value to YAML text through libyaml's emitter.
 *
 * The output is deterministic and loads back (with parley.yaml.load, under either schema) as
 * the value dumped:
 * - block style; mapping keys sorted: numbers (by value), then strings (by bytes), then
 *   booleans, then parley.null;
 * - a table whose keys are exactly 1..n (n >= 1) is a sequence, the empty table is {};
 * - a string that would read back as something else ("yes", "123", "null", "", "<<", ...) is
 *   double-quoted; a multi-line string is a literal block when libyaml can write it as one;
 *   non-ASCII text is written as UTF-8, not escaped;
 * - integers are written as integers, floats always with a '.' or as .inf/-.inf/.nan;
 * - a table reached twice is written once with an anchor (&a1) and then as aliases (*a1), so
 *   shared structure stays shared and costs no more than once; a cycle is refused.
 *
 * Two passes: scan() counts references to every table (finding cycles and values YAML cannot
 * hold, with the key path in the message), emit() sends the events. The emitter, its output
 * and the key-sorting buffer belong to a Dumper userdata with __gc, created before them: a Lua
 * error (memory, or a refused value) leaks nothing. libyaml's write callback appends to the
 * Dumper's buffer and never calls Lua, so no error unwinds through libyaml. */
#include <locale.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "yaml_bridge.h"

#define DUMPER_MT "parley.YamlDumper"
#define DEFAULT_MAX_DEPTH 1000
/* The writer recurses in C, about 300 bytes of C stack a level: 10,000 levels stay near 3 MB,
 * well inside a thread's stack, where 40,000 overflow the usual 8 MB. */
#define MAX_MAX_DEPTH 10000
#define PATH_KEYS 20 /* keys shown in an error's path */

enum { S_VALUE = 1, S_OPTS, S_DUMPER, S_REFS, S_ANCHORS, S_NULL, S_FIRST };

/* A mapping key as the sort sees it; strings point into Lua strings kept by the table. */
typedef struct SortKey {
    int rank; /* 0 number, 1 string, 2 boolean, 3 null */
    int isint;
    lua_Integer i;
    lua_Number d;
    const char *s;
    size_t len;
} SortKey;

typedef struct Dumper {
    yaml_emitter_t emitter;
    int has_emitter;
    char *out;
    size_t len, cap;
    int out_failed;
    SortKey *keys; /* a stack: each open mapping owns a run of it */
    size_t nkeys, kcap;
    int *path; /* stack indices of the keys leading to the value at hand, for messages */
    int pcap;
} Dumper;

typedef struct Ctx {
    lua_State *L;
    Dumper *D;
    int depth, max_depth;
    int anchors; /* anchors given so far */
} Ctx;

/* ------------------------------------------------------------ the userdata */

static void dumper_close(Dumper *D)
{
    if (D->has_emitter) {
        yaml_emitter_delete(&D->emitter);
        D->has_emitter = 0;
    }
    free(D->out);
    free(D->keys);
    free(D->path);
    D->out = NULL;
    D->keys = NULL;
    D->path = NULL;
    D->len = D->cap = D->nkeys = D->kcap = 0;
    D->pcap = 0;
}

static int dumper_gc(lua_State *L)
{
    dumper_close((Dumper *)luaL_checkudata(L, 1, DUMPER_MT));
    return 0;
}

/* libyaml's output handler: 0 tells the emitter to stop with a write error. */
static int write_out(void *data, unsigned char *buf, size_t size)
{
    Dumper *D = (Dumper *)data;
    if (D->len + size > D->cap) {
        size_t cap = D->cap ? D->cap : 4096;
        char *p;
        while (cap < D->len + size)
            cap *= 2;
        p = (char *)realloc(D->out, cap);
        if (p == NULL) {
            D->out_failed = 1;
            return 0;
        }
        D->out = p;
        D->cap = cap;
    }
    memcpy(D->out + D->len, buf, size);
    D->len += size;
    return 1;
}

/* ------------------------------------------------------------------ errors */

/* Pushes the key path of the value at hand: claims[3].holder; only its last PATH_KEYS keys
 * ("...[1][1]") when it is longer. */
static void push_path(Ctx *c)
{
    lua_State *L = c->L;
    luaL_Buffer b;
    int first = c->depth > PATH_KEYS ? c->depth - PATH_KEYS : 0, i;
    luaL_buffinit(L, &b);
    if (first > 0)
        luaL_addstring(&b, "...");
    for (i = first; i < c->depth; i++) {
        int idx = c->D->path[i];
        if (lua_type(L, idx) == LUA_TSTRING) {
            size_t len, j;
            const char *s = lua_tolstring(L, idx, &len);
            int ident = len > 0 && !(s[0] >= '0' && s[0] <= '9');
            for (j = 0; j < len && ident; j++)
                ident = s[j] == '_' || (s[j] >= 'a' && s[j] <= 'z') ||
                        (s[j] >= 'A' && s[j] <= 'Z') || (s[j] >= '0' && s[j] <= '9');
            if (ident) {
                if (i > first)
                    luaL_addchar(&b, '.');
                luaL_addlstring(&b, s, len);
            } else {
                luaL_addstring(&b, "[\"");
                luaL_addlstring(&b, s, len);
                luaL_addstring(&b, "\"]");
            }
        } else {
            luaL_addchar(&b, '[');
            if (parley_is_null(L, idx)) {
                luaL_addstring(&b, "null");
            } else {
                luaL_tolstring(L, idx, NULL);
                luaL_addvalue(&b);
            }
            luaL_addchar(&b, ']');
        }
    }
    luaL_pushresult(&b);
}

/* Raises "yaml.dump: message (at path)"; the dumper is closed first. */
static int fail(Ctx *c, const char *msg)
{
    lua_State *L = c->L;
    if (c->depth > 0) {
        lua_pushfstring(L, "yaml.dump: %s (at ", msg);
        push_path(c);
        lua_pushliteral(L, ")");
        lua_concat(L, 3);
    } else {
        lua_pushfstring(L, "yaml.dump: %s", msg);
    }
    dumper_close(c->D);
    return lua_error(L);
}

static void enter(Ctx *c, int keyidx)
{
    Dumper *D = c->D;
    if (c->depth >= c->max_depth)
        fail(c, lua_pushfstring(c->L, "nesting deeper than %d levels (opts.max_depth)",
                                c->max_depth));
    if (!lua_checkstack(c->L, 12))
        fail(c, "nesting too deep for the Lua stack");
    if (c->depth == D->pcap) {
        int cap = D->pcap ? D->pcap * 2 : 32;
        int *p = (int *)realloc(D->path, (size_t)cap * sizeof *p);
        if (p == NULL)
            fail(c, "out of memory");
        D->path = p;
        D->pcap = cap;
    }
    D->path[c->depth++] = keyidx;
}

/* ------------------------------------------------------------------- scan */

static const char *type_text(lua_State *L, int idx)
{
    return lua_typename(L, lua_type(L, idx));
}

static void check_key(Ctx *c, int idx)
{
    lua_State *L = c->L;
    int t = lua_type(L, idx);
    if (t == LUA_TNUMBER || t == LUA_TSTRING || t == LUA_TBOOLEAN || parley_is_null(L, idx))
        return;
    c->depth--; /* the path ends at the table holding the key */
    fail(c, lua_pushfstring(L, "cannot dump a key of type %s", type_text(L, idx)));
}

/* Counts references to each table reachable from idx into S_REFS (1 = seen once); a table met
 * again while it is being scanned is a cycle. Shared tables are not scanned twice. */
static void scan(Ctx *c, int idx)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TNIL: case LUA_TBOOLEAN: case LUA_TNUMBER: case LUA_TSTRING:
        return;
    case LUA_TUSERDATA:
        if (parley_is_null(L, idx))
            return;
        break;
    case LUA_TTABLE: {
        lua_Integer n;
        lua_pushvalue(L, idx);
        n = lua_rawget(L, S_REFS) == LUA_TNUMBER ? lua_tointeger(L, -1) : 0;
        lua_pop(L, 1);
        if (n < 0)
            fail(c, "cannot dump a cycle: this table is one of the tables enclosing it");
        lua_pushvalue(L, idx);
        lua_pushinteger(L, n > 0 ? n + 1 : -1); /* -1: being scanned */
        lua_rawset(L, S_REFS);
        if (n > 0)
            return;
        lua_pushnil(L);
        while (lua_next(L, idx)) {
            int top = lua_gettop(L);
            enter(c, top - 1);
            check_key(c, top - 1);
            scan(c, top);
            c->depth--;
            lua_pop(L, 1);
        }
        lua_pushvalue(L, idx);
        lua_pushinteger(L, 1);
        lua_rawset(L, S_REFS);
        return;
    }
    default:
        break;
    }
    fail(c, lua_pushfstring(L, "cannot dump a %s", type_text(L, idx)));
}

/* ------------------------------------------------------------------- emit */

static void emit(Ctx *c, yaml_event_t *ev)
{
    Dumper *D = c->D;
    if (!yaml_emitter_emit(&D->emitter, ev)) {
        if (D->out_failed || D->emitter.error == YAML_MEMORY_ERROR)
            fail(c, "out of memory");
        fail(c, lua_pushfstring(c->L, "libyaml: %s",
                                D->emitter.problem ? D->emitter.problem : "emitter error"));
    }
}

/* Whether s is UTF-8 YAML can hold: libyaml's own check lets through 4-byte sequences past
 * U+10FFFF (lead bytes F5..F7), which it then writes as an escape its parser refuses. */
static int below_unicode_max(const char *s, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++) {
        unsigned char b = (unsigned char)s[i];
        if (b >= 0xF5 || (b == 0xF4 && i + 1 < len && (unsigned char)s[i + 1] >= 0x90))
            return 0;
    }
    return 1;
}

static void emit_scalar(Ctx *c, const char *s, size_t len, yaml_scalar_style_t style)
{
    yaml_event_t ev;
    if (!below_unicode_max(s, len) || !yaml_scalar_event_initialize(&ev, NULL, NULL, (yaml_char_t *)s, (int)len, 1, 1,
                                      style))
        fail(c, "cannot dump a string that is not valid UTF-8");
    emit(c, &ev);
}

static void emit_plain(Ctx *c, const char *s)
{
    emit_scalar(c, s, strlen(s), YAML_PLAIN_SCALAR_STYLE);
}

/* Does the plain text s read back as anything but this string, under either schema? */
static int needs_quotes(const char *s, size_t len)
{
    lua_Integer iv;
    if (len == 2 && s[0] == '<' && s[1] == '<') /* a merge key */
        return 1;
    return parley_yaml_resolve(s, len, PY_SCHEMA_CORE, &iv) != PY_STR ||
           parley_yaml_resolve(s, len, PY_SCHEMA_11, &iv) != PY_STR;
}

static void emit_string(Ctx *c, const char *s, size_t len, int is_key)
{
    yaml_scalar_style_t style = YAML_ANY_SCALAR_STYLE;
    if (needs_quotes(s, len))
        style = YAML_DOUBLE_QUOTED_SCALAR_STYLE;
    else if (!is_key && memchr(s, '\n', len))
        style = YAML_LITERAL_SCALAR_STYLE; /* libyaml falls back to quotes when it cannot */
    emit_scalar(c, s, len, style);
}

/* The shortest %g text that reads back as d, always with a '.' or an exponent after a '.'
 * ("1.0e+20"), so that a float stays a float under both schemas. */
static void format_float(char *buf, size_t size, lua_Number d)
{
    char point = localeconv()->decimal_point[0];
    int prec;
    char *p;
    if (d != d) {
        strcpy(buf, ".nan");
        return;
    }
    if (d == HUGE_VAL || d == -HUGE_VAL) {
        strcpy(buf, d > 0 ? ".inf" : "-.inf");
        return;
    }
    for (prec = 14; prec < 17; prec++) {
        snprintf(buf, size - 3, "%.*g", prec, d);
        if (strtod(buf, NULL) == d)
            break;
    }
    if (prec == 17)
        snprintf(buf, size - 3, "%.17g", d);
    if (point != '.' && (p = strchr(buf, point)) != NULL)
        *p = '.';
    if (strchr(buf, '.') == NULL) {
        p = strchr(buf, 'e');
        if (p) {
            memmove(p + 2, p, strlen(p) + 1);
            p[0] = '.';
            p[1] = '0';
        } else {
            strcat(buf, ".0");
        }
    }
}

static void emit_number(Ctx *c, int idx)
{
    lua_State *L = c->L;
    char buf[64];
    if (lua_isinteger(L, idx))
        snprintf(buf, sizeof buf, LUA_INTEGER_FMT, (LUAI_UACINT)lua_tointeger(L, idx));
    else
        format_float(buf, sizeof buf, lua_tonumber(L, idx));
    emit_plain(c, buf);
}

static int key_cmp(const void *pa, const void *pb)
{
    const SortKey *a = (const SortKey *)pa, *b = (const SortKey *)pb;
    if (a->rank != b->rank)
        return a->rank - b->rank;
    switch (a->rank) {
    case 0:
        if (a->isint && b->isint)
            return a->i < b->i ? -1 : a->i > b->i;
        if (a->d != b->d)
            return a->d < b->d ? -1 : 1;
        return b->isint - a->isint; /* 2 before 2.5 is settled above; equal: integer first */
    case 1: {
        size_t n = a->len < b->len ? a->len : b->len;
        int r = memcmp(a->s, b->s, n);
        if (r)
            return r;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    case 2:
        return (int)a->i - (int)b->i;
    default:
        return 0;
    }
}

static void push_key(Ctx *c, const SortKey *k)
{
    lua_State *L = c->L;
    switch (k->rank) {
    case 0:
        if (k->isint)
            lua_pushinteger(L, k->i);
        else
            lua_pushnumber(L, k->d);
        break;
    case 1:
        lua_pushlstring(L, k->s, k->len);
        break;
    case 2:
        lua_pushboolean(L, (int)k->i);
        break;
    default:
        lua_pushvalue(L, S_NULL);
        break;
    }
}

/* n > 0 when the table at idx has exactly the keys 1..n; 0 otherwise; *count its pairs. */
static lua_Integer sequence_length(lua_State *L, int idx, size_t *count)
{
    lua_Integer max = 0;
    size_t n = 0;
    int seq = 1;
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        n++;
        if (seq) {
            if (lua_isinteger(L, -2) && lua_tointeger(L, -2) >= 1) {
                lua_Integer k = lua_tointeger(L, -2);
                if (k > max)
                    max = k;
            } else {
                seq = 0;
            }
        }
        lua_pop(L, 1);
    }
    *count = n;
    return seq && max > 0 && (size_t)max == n ? max : 0;
}

/* Collects and sorts the keys of the mapping at idx onto the key stack; returns the first. */
static size_t sorted_keys(Ctx *c, int idx, size_t count)
{
    lua_State *L = c->L;
    Dumper *D = c->D;
    size_t first = D->nkeys;
    if (count == 0) /* the empty mapping {}: D->keys may still be NULL */
        return first;
    if (D->kcap - D->nkeys < count) {
        size_t cap = D->kcap ? D->kcap : 64;
        SortKey *p;
        while (cap - D->nkeys < count)
            cap *= 2;
        p = (SortKey *)realloc(D->keys, cap * sizeof *p);
        if (p == NULL)
            fail(c, "out of memory");
        D->keys = p;
        D->kcap = cap;
    }
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        SortKey *k = &D->keys[D->nkeys++];
        memset(k, 0, sizeof *k);
        switch (lua_type(L, -2)) {
        case LUA_TNUMBER:
            k->rank = 0;
            k->isint = lua_isinteger(L, -2);
            k->i = k->isint ? lua_tointeger(L, -2) : 0;
            k->d = lua_tonumber(L, -2);
            break;
        case LUA_TSTRING:
            k->rank = 1;
            k->s = lua_tolstring(L, -2, &k->len);
            break;
        case LUA_TBOOLEAN:
            k->rank = 2;
            k->i = lua_toboolean(L, -2);
            break;
        default:
            k->rank = 3;
            break;
        }
        lua_pop(L, 1);
    }
    if (count > 1)
        qsort(D->keys + first, count, sizeof *D->keys, key_cmp);
    return first;
}

static void emit_value(Ctx *c, int idx, int is_key);

static void emit_table(Ctx *c, int idx)
{
    lua_State *L = c->L;
    yaml_event_t ev;
    char anchor[32];
    const yaml_char_t *a = NULL;
    size_t count, first, i;
    lua_Integer n, j;
    lua_pushvalue(L, idx);
    if (lua_rawget(L, S_REFS) == LUA_TNUMBER && lua_tointeger(L, -1) > 1) {
        lua_pushvalue(L, idx);
        if (lua_rawget(L, S_ANCHORS) == LUA_TNUMBER) {
            snprintf(anchor, sizeof anchor, "a%lld", (long long)lua_tointeger(L, -1));
            lua_pop(L, 2);
            if (!yaml_alias_event_initialize(&ev, (yaml_char_t *)anchor))
                fail(c, "out of memory");
            emit(c, &ev);
            return;
        }
        lua_pop(L, 1);
        lua_pushvalue(L, idx);
        lua_pushinteger(L, ++c->anchors);
        lua_rawset(L, S_ANCHORS);
        snprintf(anchor, sizeof anchor, "a%d", c->anchors);
        a = (const yaml_char_t *)anchor;
    }
    lua_pop(L, 1);
    n = sequence_length(L, idx, &count);
    if (n > 0) {
        if (!yaml_sequence_start_event_initialize(&ev, (yaml_char_t *)a, NULL, 1,
                                                  YAML_BLOCK_SEQUENCE_STYLE))
            fail(c, "out of memory");
        emit(c, &ev);
        for (j = 1; j <= n; j++) {
            lua_pushinteger(L, j);
            lua_rawgeti(L, idx, j);
            enter(c, lua_gettop(L) - 1);
            emit_value(c, lua_gettop(L), 0);
            c->depth--;
            lua_pop(L, 2);
        }
        yaml_sequence_end_event_initialize(&ev);
        emit(c, &ev);
        return;
    }
    if (!yaml_mapping_start_event_initialize(&ev, (yaml_char_t *)a, NULL, 1,
                                             count ? YAML_BLOCK_MAPPING_STYLE
                                                   : YAML_FLOW_MAPPING_STYLE))
        fail(c, "out of memory");
    emit(c, &ev);
    first = sorted_keys(c, idx, count);
    for (i = 0; i < count; i++) {
        push_key(c, &c->D->keys[first + i]); /* re-read: nested tables may move the buffer */
        enter(c, lua_gettop(L));
        emit_value(c, lua_gettop(L), 1);
        lua_pushvalue(L, -1);
        lua_rawget(L, idx);
        emit_value(c, lua_gettop(L), 0);
        c->depth--;
        lua_pop(L, 2);
    }
    c->D->nkeys = first;
    yaml_mapping_end_event_initialize(&ev);
    emit(c, &ev);
}

static void emit_value(Ctx *c, int idx, int is_key)
{
    lua_State *L = c->L;
    switch (lua_type(L, idx)) {
    case LUA_TBOOLEAN:
        emit_plain(c, lua_toboolean(L, idx) ? "true" : "false");
        break;
    case LUA_TNUMBER:
        emit_number(c, idx);
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        emit_string(c, s, len, is_key);
        break;
    }
    case LUA_TTABLE:
        emit_table(c, idx);
        break;
    default: /* nil (only as the whole value) and parley.null; scan refused the rest */
        emit_plain(c, "null");
        break;
    }
}

/* ----------------------------------------------------------------- the call */

static void read_options(lua_State *L, Ctx *c, int *indent)
{
    c->max_depth = DEFAULT_MAX_DEPTH;
    *indent = 2;
    if (lua_isnoneornil(L, S_OPTS))
        return;
    luaL_checktype(L, S_OPTS, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, S_OPTS)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        lua_Integer v = lua_isinteger(L, -1) ? lua_tointeger(L, -1) : -1;
        if (strcmp(k, "max_depth") == 0) {
            if (v < 1 || v > MAX_MAX_DEPTH)
                luaL_error(L, "bad option: opts.max_depth must be an integer from 1 to %d",
                           MAX_MAX_DEPTH);
            c->max_depth = (int)v;
        } else if (strcmp(k, "indent") == 0) {
            if (v < 2 || v > 9)
                luaL_error(L, "bad option: opts.indent must be an integer from 2 to 9");
            *indent = (int)v;
        } else {
            luaL_error(L, "bad option: unknown option opts.%s (expected indent, max_depth)", k);
        }
        lua_pop(L, 1);
    }
}

/* dump(value [, opts]) -> text */
static int l_dump(lua_State *L)
{
    Ctx c;
    Dumper *D;
    yaml_event_t ev;
    int indent;
    lua_settop(L, S_OPTS);
    c.L = L;
    c.depth = 0;
    c.anchors = 0;
    read_options(L, &c, &indent);
    D = (Dumper *)lua_newuserdatauv(L, sizeof(Dumper), 0);
    memset(D, 0, sizeof *D);
    luaL_setmetatable(L, DUMPER_MT);
    c.D = D;
    lua_newtable(L); /* S_REFS */
    lua_newtable(L); /* S_ANCHORS */
    parley_push_null(L);
    scan(&c, S_VALUE);
    if (!yaml_emitter_initialize(&D->emitter))
        fail(&c, "out of memory");
    D->has_emitter = 1;
    yaml_emitter_set_output(&D->emitter, write_out, D);
    yaml_emitter_set_unicode(&D->emitter, 1);
    yaml_emitter_set_width(&D->emitter, -1); /* no folding: one line stays one line */
    yaml_emitter_set_indent(&D->emitter, indent);
    yaml_emitter_set_break(&D->emitter, YAML_LN_BREAK);
    yaml_stream_start_event_initialize(&ev, YAML_UTF8_ENCODING);
    emit(&c, &ev);
    if (!yaml_document_start_event_initialize(&ev, NULL, NULL, NULL, 1))
        fail(&c, "out of memory");
    emit(&c, &ev);
    emit_value(&c, S_VALUE, 0);
    yaml_document_end_event_initialize(&ev, 1);
    emit(&c, &ev);
    yaml_stream_end_event_initialize(&ev);
    emit(&c, &ev);
    if (!yaml_emitter_flush(&D->emitter))
        fail(&c, "out of memory");
    lua_pushlstring(L, D->out ? D->out : "", D->len);
    dumper_close(D);
    return 1;
}

void parley_yaml_open_dump(lua_State *L)
{
    if (luaL_newmetatable(L, DUMPER_MT)) {
        lua_pushcfunction(L, dumper_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    lua_pushcfunction(L, l_dump);
    lua_setfield(L, -2, "dump");
}
