/* SPDX-License-Identifier: MIT */
/* parley.core.yaml.load and load_all: YAML text to Lua values, straight from libyaml's events.
 *
 * There is no intermediate tree: each event adds to the Lua value being built. The containers
 * still open sit on the Lua stack (one slot each; with marks, two for a sequence and three
 * for a mapping), described by a C frame; a finished node is attached to the container below
 * it. Anchors map to the Lua value itself, so an alias shares its table instead of copying it:
 * billion laughs costs one table per anchor, and an alias to an enclosing anchor makes a cycle
 * instead of a loop. But whoever walks the value (an encoder, a validator, a copy) meets every
 * alias's subtree again, so a load is also bounded by the nodes it holds counted with its
 * aliases expanded (opts.max_nodes): a 900-byte billion-laughs document is refused at the
 * alias that passes the budget, before anyone can expand it.
 *
 * Ownership: a Loader userdata owns the libyaml parser, the current event and the frame array;
 * it is created before any of them and frees them in __gc, so a Lua error at any point (a
 * memory error, a tag handler that raises, a syntax error) leaks nothing. On the way out,
 * normal or not, the loader is closed at once rather than left to the collector.
 *
 * Marks (opts.marks): marks[tbl] = {line=, column=, keys={[k]=pos}, values={[k]=pos}} for every
 * table produced, pos = {line=, column=} 1-based, of the key node and of the value node. For a
 * sequence, values[i] is item i and keys is the same table as values. opts.marks = N (an
 * integer) marks only the tables nested fewer than N deep (the root is at depth 0): a dataset
 * loaded with marks = 2 has the position of each record (its list's values[i]) and none of
 * the tables within records, which is most of the memory and time marks cost. */
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>
#include "yaml_bridge.h"

#define LOADER_MT "parley.YamlLoader"
#define CORE_TAG_PREFIX "tag:yaml.org,2002:"
#define DEFAULT_MAX_DEPTH 1000
#define MIN_MERGE_BUDGET 1000000
#define MIN_NODE_BUDGET 1000000 /* expanded nodes a load may hold: this or twice the text's bytes */
#define SLOTS_PER_FRAME 4 /* table, marks keys, marks values, a waiting key */
#define SLOTS_SPARE 16    /* what the deepest helper (apply_merges) pushes at once */
#define MAX_HINT 1024     /* a size hint never presizes a table past this */

/* Fixed stack slots of a load call; the document root and the open containers follow. */
enum {
    S_TEXT = 1, S_OPTS, S_LOADER, S_NAME, S_NULL,
    S_ANCHORS,   /* anchor name -> value */
    S_KINDS,     /* anchored table -> its K_ kind, for merges through aliases */
    S_PENDING,   /* mapping -> list of the mappings its << merges in, applied at its end */
    S_SIZES,     /* anchored collection -> its node count with aliases expanded */
    S_TAGS,      /* opts.tags, or nil */
    S_MARKS,     /* the marks table, or nil */
    S_ANCHOR_OF, /* tagged anchored collection -> its anchor, to repoint after the handler */
    S_TAG_OF,    /* tagged collection -> its tag */
    S_DOCS,      /* load_all: the documents so far */
    S_ROOT
};

/* What a finished node is, as far as merge keys care. */
enum { K_SCALAR, K_MAP, K_SEQ, K_SEQ_OF_MAPS, K_OTHER };

typedef struct Frame {
    int kind;            /* K_MAP or K_SEQ */
    int base;            /* stack index of the table; marks tables follow it */
    lua_Integer n;       /* sequence: items so far */
    int all_maps;        /* sequence: every item so far is a mapping (a valid merge list) */
    int has_key;         /* mapping: a key waits on top of the stack for its value */
    int merge_key;       /* mapping: the waiting key is << */
    int merged;          /* mapping: a << was seen, its sources wait in S_PENDING */
    int anchored, tagged;
    int marked;          /* this table has marks (its marks tables follow base) */
    lua_Integer nodes_before; /* the call's expanded node count when this node started */
    yaml_mark_t start;   /* where the node starts */
    yaml_mark_t key_mark;
    /* Size hints, kept across the containers opened at this depth: the items of the last
     * sequence and the keys of the last mapping closed here. Records in a dataset have
     * siblings of the same shape, so presizing with them saves the rehashes of growing. */
    int seq_hint, map_hint;
} Frame;

typedef struct Loader {
    yaml_parser_t parser;
    yaml_event_t event;
    int has_parser, has_event;
    Frame *frames;
    int cap;
} Loader;

typedef struct Ctx {
    lua_State *L;
    Loader *ld;
    const char *name;
    const char *text;
    size_t textlen;
    int schema, marks, all;
    int marks_depth;     /* tables this deep or deeper have no marks */
    int depth, max_depth;
    lua_Integer ndocs;
    lua_Integer merge_budget;
    lua_Integer nodes, max_nodes; /* nodes so far with aliases expanded, and the budget */
} Ctx;

/* ------------------------------------------------------------ the userdata */

static void loader_close(Loader *ld)
{
    if (ld->has_event) {
        yaml_event_delete(&ld->event);
        ld->has_event = 0;
    }
    if (ld->has_parser) {
        yaml_parser_delete(&ld->parser);
        ld->has_parser = 0;
    }
    free(ld->frames);
    ld->frames = NULL;
    ld->cap = 0;
}

static int loader_gc(lua_State *L)
{
    loader_close((Loader *)luaL_checkudata(L, 1, LOADER_MT));
    return 0;
}

/* ------------------------------------------------------------------ errors */

/* Raises "name:line:col: message", closing the loader first so its memory goes at once. */
static int fail_at(Ctx *c, yaml_mark_t m, const char *fmt, ...)
{
    lua_State *L = c->L;
    va_list ap;
    lua_pushfstring(L, "%s:%d:%d: ", c->name, (int)m.line + 1, (int)m.column + 1);
    va_start(ap, fmt);
    lua_pushvfstring(L, fmt, ap);
    va_end(ap);
    lua_concat(L, 2);
    loader_close(c->ld);
    return lua_error(L);
}

/* libyaml's reader reports a byte offset, not a mark: count lines and characters up to it. */
static yaml_mark_t mark_of_offset(Ctx *c, size_t offset)
{
    yaml_mark_t m = {0, 0, 0};
    size_t i = 0;
    const unsigned char *t = (const unsigned char *)c->text;
    if (offset > c->textlen)
        offset = c->textlen;
    if (offset >= 3 && t[0] == 0xEF && t[1] == 0xBB && t[2] == 0xBF)
        i = 3; /* the BOM is not a column */
    for (; i < offset; i++) {
        if (t[i] == '\n' || (t[i] == '\r' && (i + 1 >= c->textlen || t[i + 1] != '\n'))) {
            m.line++;
            m.column = 0;
        } else if ((t[i] & 0xC0) != 0x80) {
            m.column++;
        }
    }
    return m;
}

static int parser_error(Ctx *c)
{
    yaml_parser_t *p = &c->ld->parser;
    const char *problem = p->problem ? p->problem : "unknown libyaml error";
    if (p->error == YAML_MEMORY_ERROR) {
        yaml_mark_t m = {0, 0, 0};
        return fail_at(c, m, "out of memory in libyaml");
    }
    if (p->error == YAML_READER_ERROR) {
        yaml_mark_t m = mark_of_offset(c, p->problem_offset);
        char value[32];
        if (p->problem_value == -1)
            return fail_at(c, m, "%s", problem);
        /* an octet for the UTF-8 problems, a code point for the others */
        snprintf(value, sizeof value, p->problem_value > 0xFF ? "U+%04X" : "byte 0x%02X",
                 (unsigned)p->problem_value);
        return fail_at(c, m, "%s (%s)", problem, value);
    }
    if (p->context)
        return fail_at(c, p->problem_mark, "%s (%s at %d:%d)", problem, p->context,
                       (int)p->context_mark.line + 1, (int)p->context_mark.column + 1);
    return fail_at(c, p->problem_mark, "%s", problem);
}

/* "!!int" for libyaml's "tag:yaml.org,2002:int"; other tags as libyaml resolved them. */
static const char *short_tag(lua_State *L, const char *tag)
{
    if (strncmp(tag, CORE_TAG_PREFIX, sizeof CORE_TAG_PREFIX - 1) == 0)
        return lua_pushfstring(L, "!!%s", tag + sizeof CORE_TAG_PREFIX - 1);
    lua_pushstring(L, tag);
    return lua_tostring(L, -1);
}

/* A key as messages show it: strings quoted, at most 60 bytes of them. */
static const char *key_text(Ctx *c, int idx)
{
    lua_State *L = c->L;
    if (lua_type(L, idx) == LUA_TSTRING) {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        if (len > 60)
            return lua_pushfstring(L, "\"%s...\"", lua_pushlstring(L, s, 60));
        return lua_pushfstring(L, "\"%s\"", s);
    }
    if (parley_is_null(L, idx))
        return "null";
    return luaL_tolstring(L, idx, NULL);
}

/* -------------------------------------------------------------- positions */

static void push_pos(lua_State *L, yaml_mark_t m)
{
    lua_createtable(L, 0, 2);
    lua_pushinteger(L, (lua_Integer)m.line + 1);
    lua_setfield(L, -2, "line");
    lua_pushinteger(L, (lua_Integer)m.column + 1);
    lua_setfield(L, -2, "column");
}

/* ------------------------------------------------------------------ merges */

/* Merges the sources of the mapping of frame f into it: a key already there (explicit, or from
 * an earlier source) wins. Every pair looked at costs one unit of the call's budget, so merge
 * keys cannot turn a small file into quadratic work or memory. */
static void apply_merges(Ctx *c, Frame *f)
{
    lua_State *L = c->L;
    lua_Integer i, n;
    int list, src, srckeys, srcvals;
    lua_pushvalue(L, f->base);
    lua_rawget(L, S_PENDING);
    list = lua_gettop(L);
    n = (lua_Integer)lua_rawlen(L, list);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, list, i);
        src = lua_gettop(L);
        if (!lua_istable(L, src))
            fail_at(c, f->start, "merge key << needs a mapping or a sequence of mappings");
        srckeys = srcvals = 0;
        if (f->marked) {
            lua_pushvalue(L, src);
            if (lua_rawget(L, S_MARKS) == LUA_TTABLE) {
                lua_getfield(L, -1, "keys");
                lua_getfield(L, -2, "values");
                srckeys = src + 2;
                srcvals = src + 3;
            }
        }
        lua_pushnil(L);
        while (lua_next(L, src)) {
            if (--c->merge_budget < 0)
                fail_at(c, f->start, "merge keys copy too many entries "
                        "(limit opts.max_merge_keys)");
            lua_pushvalue(L, -2);
            if (lua_rawget(L, f->base) == LUA_TNIL) {
                lua_pushvalue(L, -3);
                lua_pushvalue(L, -3);
                lua_rawset(L, f->base);
                if (srckeys) {
                    lua_pushvalue(L, -3);
                    lua_pushvalue(L, -1);
                    lua_rawget(L, srckeys);
                    lua_rawset(L, f->base + 1);
                    lua_pushvalue(L, -3);
                    lua_pushvalue(L, -1);
                    lua_rawget(L, srcvals);
                    lua_rawset(L, f->base + 2);
                }
            }
            lua_pop(L, 2);
        }
        lua_settop(L, list);
    }
    lua_pop(L, 1);
    lua_pushvalue(L, f->base);
    lua_pushnil(L);
    lua_rawset(L, S_PENDING);
}

/* The value of a << (on top, its key below) becomes the merge list of frame f. */
static void add_merge(Ctx *c, Frame *f, int kind, yaml_mark_t m)
{
    lua_State *L = c->L;
    if (kind == K_MAP) {
        lua_createtable(L, 1, 0);
        lua_insert(L, -2);
        lua_rawseti(L, -2, 1);
    } else if (kind != K_SEQ_OF_MAPS) {
        fail_at(c, m, "merge key << needs a mapping or a sequence of mappings");
    }
    lua_pushvalue(L, f->base);
    lua_insert(L, -2);
    lua_rawset(L, S_PENDING);
    lua_pop(L, 1); /* the << key */
    f->merged = 1;
}

/* --------------------------------------------------------------- building */

/* Attaches the finished node on top of the stack (kind, starting at m) to the open container,
 * or leaves it in place as the document root. merge: it is a plain untagged "<<". */
static void attach(Ctx *c, yaml_mark_t m, int kind, int merge)
{
    lua_State *L = c->L;
    Frame *f;
    if (c->depth == 0)
        return;
    f = &c->ld->frames[c->depth - 1];
    if (f->kind == K_SEQ) {
        lua_rawseti(L, f->base, ++f->n);
        if (kind != K_MAP)
            f->all_maps = 0;
        if (f->marked) {
            push_pos(L, m);
            lua_rawseti(L, f->base + 1, f->n);
        }
        return;
    }
    if (!f->has_key) {
        int t = lua_type(L, -1);
        if (t == LUA_TTABLE)
            fail_at(c, m, "a %s cannot be a key: only scalars can",
                    kind == K_MAP ? "mapping" : kind == K_OTHER ? "table" : "sequence");
        if (merge) {
            if (f->merged)
                fail_at(c, m, "duplicate key <<");
            f->merge_key = 1;
        } else {
            if (t == LUA_TNUMBER && !lua_isinteger(L, -1)) {
                lua_Number d = lua_tonumber(L, -1);
                if (d != d)
                    fail_at(c, m, "NaN cannot be a key");
            }
            lua_pushvalue(L, -1);
            if (lua_rawget(L, f->base) != LUA_TNIL)
                fail_at(c, m, "duplicate key %s", key_text(c, -2));
            lua_pop(L, 1);
        }
        f->has_key = 1;
        f->key_mark = m;
        f->n++; /* keys, for the size hint */
        return;
    }
    f->has_key = 0;
    if (f->merge_key) {
        f->merge_key = 0;
        add_merge(c, f, kind, m);
        return;
    }
    if (f->marked) {
        lua_pushvalue(L, -2);
        push_pos(L, f->key_mark);
        lua_rawset(L, f->base + 1);
        lua_pushvalue(L, -2);
        push_pos(L, m);
        lua_rawset(L, f->base + 2);
    }
    lua_rawset(L, f->base);
}

/* Pushes the handler for tag from opts.tags (looked up as libyaml resolved it, then as !!name
 * for the yaml.org tags); 0 when there is none. */
static int push_handler(Ctx *c, const char *tag, yaml_mark_t m)
{
    lua_State *L = c->L;
    if (lua_isnil(L, S_TAGS))
        return 0;
    lua_pushstring(L, tag);
    if (lua_rawget(L, S_TAGS) == LUA_TNIL &&
        strncmp(tag, CORE_TAG_PREFIX, sizeof CORE_TAG_PREFIX - 1) == 0) {
        lua_pop(L, 1);
        short_tag(L, tag);
        lua_rawget(L, S_TAGS);
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        return 0;
    }
    if (!lua_isfunction(L, -1))
        fail_at(c, m, "opts.tags[\"%s\"] is not a function", tag);
    return 1;
}

/* Replaces the value on top by handler(value, tag); the handler is below the value.
 * A handler's error is raised again with the position in front; nil becomes null. */
static void call_handler(Ctx *c, const char *tag, yaml_mark_t m)
{
    lua_State *L = c->L;
    short_tag(L, tag);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        const char *msg = luaL_tolstring(L, -1, NULL);
        fail_at(c, m, "tag %s: %s", short_tag(L, tag), msg);
    }
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushvalue(L, S_NULL);
    }
}

/* Pushes the value of a plain untagged scalar. */
static void push_plain(Ctx *c, const char *s, size_t len, yaml_mark_t m)
{
    lua_State *L = c->L;
    lua_Integer iv = 0;
    switch (parley_yaml_resolve(s, len, c->schema, &iv)) {
    case PY_STR:
        lua_pushlstring(L, s, len);
        break;
    case PY_NULL:
        lua_pushvalue(L, S_NULL);
        break;
    case PY_TRUE:
        lua_pushboolean(L, 1);
        break;
    case PY_FALSE:
        lua_pushboolean(L, 0);
        break;
    case PY_INT:
        lua_pushinteger(L, iv);
        break;
    case PY_BIGINT:
        fail_at(c, m, "integer %s does not fit in 64 bits", s);
        break;
    case PY_FLOAT:
        if (!parley_yaml_push_float(L, s, len, c->schema))
            fail_at(c, m, "cannot read the float %s", s);
        break;
    case PY_INF:
        lua_pushnumber(L, HUGE_VAL);
        break;
    case PY_NINF:
        lua_pushnumber(L, -HUGE_VAL);
        break;
    case PY_NAN:
        lua_pushnumber(L, (lua_Number)NAN);
        break;
    }
}

/* Pushes a scalar carrying an explicit tag: the yaml.org scalar tags are applied to its text
 * whatever its style, other tags go to their handler in opts.tags. */
static void push_tagged(Ctx *c, const char *tag, const char *s, size_t len, yaml_mark_t m)
{
    lua_State *L = c->L;
    lua_Integer iv = 0;
    py_kind k;
    if (strcmp(tag, "!") == 0) { /* the non-specific tag: a string */
        lua_pushlstring(L, s, len);
        return;
    }
    if (strncmp(tag, CORE_TAG_PREFIX, sizeof CORE_TAG_PREFIX - 1) == 0) {
        const char *t = tag + sizeof CORE_TAG_PREFIX - 1;
        if (strcmp(t, "str") == 0) {
            lua_pushlstring(L, s, len);
            return;
        }
        if (strcmp(t, "null") == 0) {
            if (parley_yaml_resolve(s, len, c->schema, &iv) != PY_NULL)
                fail_at(c, m, "!!null on a value that is not null: %s", s);
            lua_pushvalue(L, S_NULL);
            return;
        }
        if (strcmp(t, "bool") == 0) {
            k = parley_yaml_resolve(s, len, c->schema, &iv);
            if (k != PY_TRUE && k != PY_FALSE)
                fail_at(c, m, "!!bool on a value that is not a boolean: %s", s);
            lua_pushboolean(L, k == PY_TRUE);
            return;
        }
        if (strcmp(t, "int") == 0 || strcmp(t, "float") == 0) {
            int want_int = t[0] == 'i';
            k = parley_yaml_number(s, len, c->schema, &iv);
            if (k == PY_BIGINT)
                fail_at(c, m, "integer %s does not fit in 64 bits", s);
            if (k == PY_STR || (want_int && k != PY_INT))
                fail_at(c, m, "!!%s on a value that is not %s: %s", t,
                        want_int ? "an integer" : "a number", s);
            if (k == PY_INT && want_int)
                lua_pushinteger(L, iv);
            else if (k == PY_INT)
                lua_pushnumber(L, (lua_Number)iv);
            else
                push_plain(c, s, len, m);
            return;
        }
        if (strcmp(t, "seq") == 0 || strcmp(t, "map") == 0)
            fail_at(c, m, "!!%s on a scalar", t);
    }
    if (!push_handler(c, tag, m))
        fail_at(c, m, "unknown tag %s (opts.tags has no handler for it)", short_tag(L, tag));
    lua_pushlstring(L, s, len);
    call_handler(c, tag, m);
}

/* Adds n nodes (an alias: its anchor's nodes, expanded) to the call's count; past the budget
 * the load fails where the node is. */
static void count_nodes(Ctx *c, yaml_mark_t m, lua_Integer n)
{
    if (n > c->max_nodes - c->nodes)
        fail_at(c, m, "the document holds more than %I nodes with its aliases expanded (opts.max_nodes)",
                c->max_nodes);
    c->nodes += n;
}

static void register_anchor(Ctx *c, const char *anchor, int kind)
{
    lua_State *L = c->L;
    lua_pushvalue(L, -1);
    lua_setfield(L, S_ANCHORS, anchor);
    if (kind != K_SCALAR) {
        lua_pushvalue(L, -1);
        lua_pushinteger(L, kind);
        lua_rawset(L, S_KINDS);
    }
}

/* In a mapping, waiting for a key? */
static int wants_key(Ctx *c)
{
    Frame *f;
    if (c->depth == 0)
        return 0;
    f = &c->ld->frames[c->depth - 1];
    return f->kind == K_MAP && !f->has_key;
}

static void on_scalar(Ctx *c, yaml_event_t *ev)
{
    const char *s = (const char *)ev->data.scalar.value;
    size_t len = ev->data.scalar.length;
    const char *tag = (const char *)ev->data.scalar.tag;
    int plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
    int merge = 0;
    count_nodes(c, ev->start_mark, 1);
    if (tag != NULL) {
        push_tagged(c, tag, s, len, ev->start_mark);
    } else if (plain) {
        push_plain(c, s, len, ev->start_mark);
        merge = len == 2 && s[0] == '<' && s[1] == '<' && wants_key(c);
    } else {
        lua_pushlstring(c->L, s, len);
    }
    if (ev->data.scalar.anchor)
        register_anchor(c, (const char *)ev->data.scalar.anchor, K_SCALAR);
    attach(c, ev->start_mark, K_SCALAR, merge);
}

static void on_alias(Ctx *c, yaml_event_t *ev)
{
    lua_State *L = c->L;
    const char *anchor = (const char *)ev->data.alias.anchor;
    int kind = K_SCALAR;
    lua_Integer size = 1;
    if (lua_getfield(L, S_ANCHORS, anchor) == LUA_TNIL)
        fail_at(c, ev->start_mark, "undefined alias *%s", anchor);
    if (lua_istable(L, -1)) {
        lua_pushvalue(L, -1);
        kind = lua_rawget(L, S_KINDS) == LUA_TNUMBER ? (int)lua_tointeger(L, -1) : K_OTHER;
        lua_pop(L, 1);
        /* an enclosing anchor, still open, has no size yet: the alias is a cycle, one node */
        lua_pushvalue(L, -1);
        if (lua_rawget(L, S_SIZES) == LUA_TNUMBER)
            size = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    count_nodes(c, ev->start_mark, size);
    attach(c, ev->start_mark, kind, 0);
}

/* One of the yaml.org tags the loader applies itself (so no handler may take it)? */
static int is_core_tag(const char *tag)
{
    static const char *const names[] = {"str", "int", "float", "bool", "null", "seq", "map"};
    size_t i;
    if (strncmp(tag, CORE_TAG_PREFIX, sizeof CORE_TAG_PREFIX - 1) != 0)
        return 0;
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(tag + sizeof CORE_TAG_PREFIX - 1, names[i]) == 0)
            return 1;
    return 0;
}

static Frame *push_frame(Ctx *c, yaml_mark_t m)
{
    Loader *ld = c->ld;
    if (c->depth >= c->max_depth)
        fail_at(c, m, "nesting deeper than %d levels (opts.max_depth)", c->max_depth);
    if (!lua_checkstack(c->L, SLOTS_PER_FRAME + SLOTS_SPARE))
        fail_at(c, m, "nesting too deep for the Lua stack");
    if (c->depth == ld->cap) {
        int cap = ld->cap ? ld->cap * 2 : 32;
        Frame *fr = (Frame *)realloc(ld->frames, (size_t)cap * sizeof *fr);
        if (fr == NULL)
            fail_at(c, m, "out of memory");
        memset(fr + ld->cap, 0, (size_t)(cap - ld->cap) * sizeof *fr);
        ld->frames = fr;
        ld->cap = cap;
    }
    return &ld->frames[c->depth];
}

static void on_start(Ctx *c, yaml_event_t *ev, int kind)
{
    lua_State *L = c->L;
    const char *tag, *anchor;
    yaml_mark_t m = ev->start_mark;
    Frame *f;
    int tagged = 0;
    if (kind == K_MAP) {
        tag = (const char *)ev->data.mapping_start.tag;
        anchor = (const char *)ev->data.mapping_start.anchor;
    } else {
        tag = (const char *)ev->data.sequence_start.tag;
        anchor = (const char *)ev->data.sequence_start.anchor;
    }
    if (wants_key(c))
        fail_at(c, m, "a %s cannot be a key: only scalars can",
                kind == K_MAP ? "mapping" : "sequence");
    f = push_frame(c, m);
    f->nodes_before = c->nodes;
    count_nodes(c, m, 1);
    if (tag && strcmp(tag, "!") != 0 &&
        strcmp(tag, kind == K_MAP ? CORE_TAG_PREFIX "map" : CORE_TAG_PREFIX "seq") != 0) {
        if (is_core_tag(tag))
            fail_at(c, m, "%s on a %s", short_tag(L, tag), kind == K_MAP ? "mapping" : "sequence");
        if (!push_handler(c, tag, m))
            fail_at(c, m, "unknown tag %s (opts.tags has no handler for it)", short_tag(L, tag));
        lua_pop(L, 1);
        tagged = 1;
    }
    if (kind == K_SEQ)
        lua_createtable(L, f->seq_hint, 0);
    else
        lua_createtable(L, 0, f->map_hint);
    f->kind = kind;
    f->base = lua_gettop(L);
    f->n = 0;
    f->all_maps = 1;
    f->has_key = f->merge_key = f->merged = 0;
    f->anchored = anchor != NULL;
    f->tagged = tagged;
    f->start = m;
    f->marked = c->marks && c->depth < c->marks_depth;
    c->depth++;
    if (anchor) {
        register_anchor(c, anchor, kind);
        if (tagged) {
            lua_pushvalue(L, -1);
            lua_pushstring(L, anchor);
            lua_rawset(L, S_ANCHOR_OF);
        }
    }
    if (tagged) {
        lua_pushvalue(L, -1);
        lua_pushstring(L, tag);
        lua_rawset(L, S_TAG_OF);
    }
    if (f->marked) {
        lua_createtable(L, 0, 4);
        lua_pushinteger(L, (lua_Integer)m.line + 1);
        lua_setfield(L, -2, "line");
        lua_pushinteger(L, (lua_Integer)m.column + 1);
        lua_setfield(L, -2, "column");
        lua_newtable(L);
        lua_pushvalue(L, -1);
        lua_setfield(L, -3, "values");
        if (kind == K_MAP) {
            lua_newtable(L);
            lua_pushvalue(L, -1);
            lua_setfield(L, -4, "keys");
            lua_insert(L, -2); /* keys below values, as attach expects */
            lua_pushvalue(L, f->base);
            lua_pushvalue(L, -4);
            lua_rawset(L, S_MARKS);
            lua_remove(L, -3);
        } else {
            lua_pushvalue(L, -1);
            lua_setfield(L, -3, "keys");
            lua_pushvalue(L, f->base);
            lua_pushvalue(L, -3);
            lua_rawset(L, S_MARKS);
            lua_remove(L, -2);
        }
    }
}

static void on_end(Ctx *c)
{
    lua_State *L = c->L;
    Frame *f = &c->ld->frames[c->depth - 1];
    yaml_mark_t m = f->start;
    int kind = f->kind, base = f->base, anchored = f->anchored, tagged = f->tagged;
    lua_Integer size = c->nodes - f->nodes_before;
    if (kind == K_MAP && f->merged)
        apply_merges(c, f);
    if (kind == K_SEQ && f->all_maps) /* the empty list too: it merges nothing */
        kind = K_SEQ_OF_MAPS;
    if (kind == K_MAP)
        f->map_hint = f->n < MAX_HINT ? (int)f->n : MAX_HINT;
    else
        f->seq_hint = f->n < MAX_HINT ? (int)f->n : MAX_HINT;
    lua_settop(L, base);
    c->depth--;
    if (anchored) {
        lua_pushvalue(L, base);
        lua_pushinteger(L, size);
        lua_rawset(L, S_SIZES);
    }
    if (anchored && kind == K_SEQ_OF_MAPS) {
        lua_pushvalue(L, base);
        lua_pushinteger(L, kind);
        lua_rawset(L, S_KINDS);
    }
    if (tagged) {
        /* the handler's result replaces the table, and its anchor (stack: anchor, result) */
        const char *tag;
        lua_pushvalue(L, base);
        lua_rawget(L, S_TAG_OF);
        tag = lua_tostring(L, -1); /* kept alive by S_TAG_OF until the end of the call */
        lua_pop(L, 1);
        lua_pushvalue(L, base);
        lua_rawget(L, S_ANCHOR_OF);
        lua_insert(L, base);
        push_handler(c, tag, m);
        lua_insert(L, -2);
        call_handler(c, tag, m);
        if (anchored) {
            lua_pushvalue(L, -2);
            lua_pushvalue(L, -2);
            lua_rawset(L, S_ANCHORS);
            if (lua_istable(L, -1)) {
                lua_pushvalue(L, -1);
                lua_pushinteger(L, size);
                lua_rawset(L, S_SIZES);
            }
        }
        lua_remove(L, -2);
        kind = K_OTHER;
    }
    attach(c, m, kind, 0);
}

/* ---------------------------------------------------------------- the loop */

static void run(Ctx *c)
{
    lua_State *L = c->L;
    Loader *ld = c->ld;
    for (;;) {
        yaml_event_t *ev = &ld->event;
        if (!yaml_parser_parse(&ld->parser, ev))
            parser_error(c);
        ld->has_event = 1;
        switch (ev->type) {
        case YAML_STREAM_END_EVENT:
            return;
        case YAML_DOCUMENT_START_EVENT:
            if (!c->all && c->ndocs > 0)
                fail_at(c, ev->start_mark, "expected a single document, found another "
                        "(use load_all for a stream)");
            lua_newtable(L); /* anchors do not cross documents */
            lua_replace(L, S_ANCHORS);
            break;
        case YAML_DOCUMENT_END_EVENT:
            c->ndocs++;
            if (c->all)
                lua_rawseti(L, S_DOCS, c->ndocs);
            break;
        case YAML_SCALAR_EVENT:
            on_scalar(c, ev);
            break;
        case YAML_ALIAS_EVENT:
            on_alias(c, ev);
            break;
        case YAML_SEQUENCE_START_EVENT:
            on_start(c, ev, K_SEQ);
            break;
        case YAML_MAPPING_START_EVENT:
            on_start(c, ev, K_MAP);
            break;
        case YAML_SEQUENCE_END_EVENT:
        case YAML_MAPPING_END_EVENT:
            on_end(c);
            break;
        default:
            break;
        }
        yaml_event_delete(ev);
        ld->has_event = 0;
    }
}

/* ----------------------------------------------------------------- options */

static void bad_option(lua_State *L, const char *what)
{
    luaL_error(L, "bad option: %s", what);
}

/* Reads opts (slot 2) into c and the slots; unknown keys are misuse and raise. */
static void read_options(lua_State *L, Ctx *c)
{
    c->name = "<string>";
    c->schema = PY_SCHEMA_CORE;
    c->marks = 0;
    c->marks_depth = INT_MAX;
    c->max_depth = DEFAULT_MAX_DEPTH;
    c->merge_budget = (lua_Integer)c->textlen > MIN_MERGE_BUDGET ? (lua_Integer)c->textlen
                                                                   : MIN_MERGE_BUDGET;
    c->max_nodes = (lua_Integer)c->textlen > MIN_NODE_BUDGET / 2 ? 2 * (lua_Integer)c->textlen
                                                                 : MIN_NODE_BUDGET;
    if (lua_isnoneornil(L, S_OPTS))
        return;
    luaL_checktype(L, S_OPTS, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, S_OPTS)) {
        const char *k = lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : "";
        int t = lua_type(L, -1);
        if (strcmp(k, "name") == 0) {
            if (t != LUA_TSTRING)
                bad_option(L, "opts.name must be a string");
            lua_pushvalue(L, -1);
            lua_replace(L, S_NAME);
        } else if (strcmp(k, "marks") == 0) {
            if (t == LUA_TNUMBER) {
                if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
                    bad_option(L, "opts.marks must be true, false or a depth (an integer from 1)");
                c->marks = 1;
                c->marks_depth = lua_tointeger(L, -1) > INT_MAX ? INT_MAX : (int)lua_tointeger(L, -1);
            } else {
                c->marks = lua_toboolean(L, -1);
            }
        } else if (strcmp(k, "schema") == 0) {
            const char *s = t == LUA_TSTRING ? lua_tostring(L, -1) : "";
            if (strcmp(s, "1.1") == 0)
                c->schema = PY_SCHEMA_11;
            else if (strcmp(s, "1.2") == 0 || strcmp(s, "core") == 0)
                c->schema = PY_SCHEMA_CORE;
            else
                bad_option(L, "opts.schema must be \"1.2\" (or \"core\") or \"1.1\"");
        } else if (strcmp(k, "tags") == 0) {
            if (t != LUA_TTABLE)
                bad_option(L, "opts.tags must be a table of tag = function(value, tag)");
            lua_pushvalue(L, -1);
            lua_replace(L, S_TAGS);
        } else if (strcmp(k, "max_depth") == 0) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1 ||
                lua_tointeger(L, -1) > 1000000)
                bad_option(L, "opts.max_depth must be an integer from 1 to 1000000");
            c->max_depth = (int)lua_tointeger(L, -1);
        } else if (strcmp(k, "max_merge_keys") == 0) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 0)
                bad_option(L, "opts.max_merge_keys must be a non-negative integer");
            c->merge_budget = lua_tointeger(L, -1);
        } else if (strcmp(k, "max_nodes") == 0) {
            if (!lua_isinteger(L, -1) || lua_tointeger(L, -1) < 1)
                bad_option(L, "opts.max_nodes must be a positive integer");
            c->max_nodes = lua_tointeger(L, -1);
        } else {
            lua_pushfstring(L, "unknown option opts.%s (expected name, marks, schema, tags, "
                            "max_depth, max_merge_keys, max_nodes)", k);
            bad_option(L, lua_tostring(L, -1));
        }
        lua_pop(L, 1);
    }
    if (lua_type(L, S_NAME) == LUA_TSTRING)
        c->name = lua_tostring(L, S_NAME);
}

/* Shared by load and load_all: sets up the slots and the parser, runs the events. */
static void load(lua_State *L, Ctx *c, int all)
{
    int i;
    c->L = L;
    c->all = all;
    c->depth = 0;
    c->ndocs = 0;
    c->nodes = 0;
    c->text = luaL_checklstring(L, S_TEXT, &c->textlen);
    lua_settop(L, S_OPTS);
    c->ld = (Loader *)lua_newuserdatauv(L, sizeof(Loader), 0);
    memset(c->ld, 0, sizeof(Loader));
    luaL_setmetatable(L, LOADER_MT);
    for (i = S_NAME; i < S_ROOT; i++)
        lua_pushnil(L);
    read_options(L, c);
    if (!lua_checkstack(L, SLOTS_PER_FRAME + SLOTS_SPARE))
        luaL_error(L, "out of Lua stack");
    parley_push_null(L);
    lua_replace(L, S_NULL);
    for (i = S_ANCHORS; i <= S_SIZES; i++) {
        lua_newtable(L);
        lua_replace(L, i);
    }
    if (c->marks) {
        lua_newtable(L);
        lua_replace(L, S_MARKS);
    }
    lua_newtable(L);
    lua_replace(L, S_ANCHOR_OF);
    lua_newtable(L);
    lua_replace(L, S_TAG_OF);
    if (all) {
        lua_newtable(L);
        lua_replace(L, S_DOCS);
    }
    if (!yaml_parser_initialize(&c->ld->parser))
        luaL_error(L, "out of memory");
    c->ld->has_parser = 1;
    yaml_parser_set_input_string(&c->ld->parser, (const unsigned char *)c->text, c->textlen);
    run(c);
    loader_close(c->ld);
}

static int push_marks(lua_State *L, Ctx *c, int n)
{
    if (!c->marks)
        return n;
    lua_pushvalue(L, S_MARKS);
    return n + 1;
}

/* load(text [, opts]) -> value [, marks]: the single document of text (nil when it has none). */
static int l_load(lua_State *L)
{
    Ctx c;
    load(L, &c, 0);
    if (c.ndocs == 0)
        lua_pushnil(L);
    else
        lua_pushvalue(L, S_ROOT);
    return push_marks(L, &c, 1);
}

/* load_all(text [, opts]) -> array of documents [, marks]. */
static int l_load_all(lua_State *L)
{
    Ctx c;
    load(L, &c, 1);
    lua_pushvalue(L, S_DOCS);
    return push_marks(L, &c, 1);
}

int parley_open_yaml(lua_State *L)
{
    static const luaL_Reg funcs[] = {
        {"load", l_load},
        {"load_all", l_load_all},
        {NULL, NULL}
    };
    if (luaL_newmetatable(L, LOADER_MT)) {
        lua_pushcfunction(L, loader_gc);
        lua_setfield(L, -2, "__gc");
    }
    lua_pop(L, 1);
    luaL_newlib(L, funcs);
    parley_yaml_open_dump(L);
    lua_setfield(L, -2, "yaml");
    return 0;
}
