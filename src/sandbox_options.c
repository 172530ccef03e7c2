/* SPDX-License-Identifier: MIT */
/* What core.run_rules and core.rule_info are handed, copied into C memory before any rule
 * state exists: the limits, the vetted modules and the vocabulary (severities and evidence
 * kinds). The engine passes the lists of lua/parley/vocab.lua; C has none of its own, so a
 * caller that gives no modules lets a rule require none, and one that gives no severities
 * lets it record no finding. */
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"

int parley_text_copy(Text *t, const char *s, size_t len)
{
    t->p = (char *)malloc(len + 1);
    if (t->p == NULL)
        return 0;
    memcpy(t->p, s, len);
    t->p[len] = '\0';
    t->len = len;
    return 1;
}

void parley_text_copy_or_raise(lua_State *L, Text *t, const char *s, size_t len)
{
    if (!parley_text_copy(t, s, len))
        luaL_error(L, "not enough memory");
}

void parley_text_free(Text *t)
{
    free(t->p);
    t->p = NULL;
}

int parley_textlist_has(const TextList *list, const char *s, size_t len)
{
    int i;
    for (i = 0; i < list->n; i++)
        if (list->items[i].len == len && memcmp(list->items[i].p, s, len) == 0)
            return 1;
    return 0;
}

void parley_textlist_push_joined(lua_State *L, const TextList *list)
{
    luaL_Buffer b;
    int i;
    if (list->n == 0) {
        lua_pushliteral(L, "(none)");
        return;
    }
    luaL_buffinit(L, &b);
    for (i = 0; i < list->n; i++) {
        if (i > 0)
            luaL_addstring(&b, ", ");
        luaL_addlstring(&b, list->items[i].p, list->items[i].len);
    }
    luaL_pushresult(&b);
}

/* opts[key], a list of strings, into list. */
static void read_list(lua_State *L, int opts, const char *key, TextList *list)
{
    lua_Integer n, i;
    if (lua_getfield(L, opts, key) == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    if (!lua_istable(L, -1))
        luaL_error(L, "opts.%s must be a list of strings", key);
    n = (lua_Integer)lua_rawlen(L, -1);
    if (n > 10000)
        luaL_error(L, "opts.%s has more than 10000 entries", key);
    list->items = (Text *)calloc(n ? (size_t)n : 1, sizeof(Text));
    if (list->items == NULL)
        luaL_error(L, "not enough memory");
    for (i = 1; i <= n; i++) {
        size_t len;
        const char *s;
        if (lua_rawgeti(L, -1, i) != LUA_TSTRING)
            luaL_error(L, "opts.%s must be a list of strings", key);
        s = lua_tolstring(L, -1, &len);
        parley_text_copy_or_raise(L, &list->items[list->n], s, len);
        list->n++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

/* opts.modules (name -> source text) into o->mods. */
static void read_modules(lua_State *L, int opts, SbOptions *o)
{
    int n = 0, t;
    if (lua_getfield(L, opts, "modules") == LUA_TNIL) {
        lua_pop(L, 1);
        return;
    }
    t = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "modules must map module names to source text");
        n++;
        lua_pop(L, 1);
    }
    o->mods = (Module *)calloc(n ? (size_t)n : 1, sizeof(Module));
    if (o->mods == NULL)
        luaL_error(L, "not enough memory");
    lua_pushnil(L);
    while (o->nmods < n && lua_next(L, t)) {
        size_t len;
        const char *s = lua_tolstring(L, -2, &len);
        Module *m = &o->mods[o->nmods++];
        parley_text_copy_or_raise(L, &m->name, s, len);
        s = lua_tolstring(L, -1, &len);
        parley_text_copy_or_raise(L, &m->source, s, len);
        lua_pop(L, 1);
    }
    lua_settop(L, t - 1);
}

/* Whether name is one of the comma-separated names of list. */
static int is_listed(const char *list, const char *name)
{
    size_t n = strlen(name);
    while (*list) {
        const char *end = strchr(list, ',');
        size_t len = end ? (size_t)(end - list) : strlen(list);
        if (len == n && strncmp(list, name, n) == 0)
            return 1;
        if (!end)
            break;
        list = end + 1;
        while (*list == ' ')
            list++;
    }
    return 0;
}

void parley_sandbox_read_options(lua_State *L, int idx, SbOptions *o, const char *extra)
{
    static const char *const known[] = {"modules", "severities", "evidence_kinds", NULL};
    int i;
    /* extra: the caller's own option names, comma-separated */
    if (idx == 0 || lua_isnoneornil(L, idx))
        return;
    idx = lua_absindex(L, idx);
    luaL_checktype(L, idx, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        int ok = lua_type(L, -2) == LUA_TSTRING && extra && is_listed(extra, lua_tostring(L, -2));
        for (i = 0; !ok && known[i]; i++)
            ok = lua_type(L, -2) == LUA_TSTRING && strcmp(lua_tostring(L, -2), known[i]) == 0;
        if (!ok)
            luaL_error(L, "unknown option %s (options: %s%smodules, severities, evidence_kinds)",
                       lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2),
                       extra ? extra : "", extra ? ", " : "");
        lua_pop(L, 1);
    }
    read_modules(L, idx, o);
    read_list(L, idx, "severities", &o->severities);
    read_list(L, idx, "evidence_kinds", &o->evidence_kinds);
}

static void free_list(TextList *list)
{
    int i;
    for (i = 0; list->items && i < list->n; i++)
        parley_text_free(&list->items[i]);
    free(list->items);
    list->items = NULL;
    list->n = 0;
}

void parley_sandbox_free_options(SbOptions *o)
{
    int i;
    for (i = 0; o->mods && i < o->nmods; i++) {
        parley_text_free(&o->mods[i].name);
        parley_text_free(&o->mods[i].source);
    }
    free(o->mods);
    o->mods = NULL;
    o->nmods = 0;
    free_list(&o->severities);
    free_list(&o->evidence_kinds);
}

static lua_Integer limit_integer(lua_State *L, int t, const char *key, lua_Integer dflt, lua_Integer min)
{
    lua_Integer v = dflt;
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        int ok;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok || v < min)
            luaL_error(L, "limits.%s must be an integer of at least %d", key, (int)min);
    }
    lua_pop(L, 1);
    return v;
}

static double limit_number(lua_State *L, int t, const char *key, double dflt)
{
    double v = dflt;
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        int ok;
        v = (double)lua_tonumberx(L, -1, &ok);
        if (!ok || !(v > 0) || v > 1e6)
            luaL_error(L, "limits.%s must be a positive number", key);
    }
    lua_pop(L, 1);
    return v;
}

void parley_sandbox_read_limits(lua_State *L, int idx, Limits *lim)
{
    lim->instructions = 100000000;
    lim->memory_mb = 64;
    lim->seconds = 10;
    lim->findings = 10000;
    lim->log_lines = 1000;
    lim->temp_mb = 256;
    lim->evidence_ids = 100000;
    lim->output_mb = 16;
    if (idx == 0 || lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    idx = lua_absindex(L, idx);
    lim->instructions = limit_integer(L, idx, "instructions", lim->instructions, 1);
    lim->memory_mb = limit_number(L, idx, "memory_mb", lim->memory_mb);
    lim->seconds = limit_number(L, idx, "seconds", lim->seconds);
    lim->findings = limit_integer(L, idx, "findings", lim->findings, 0);
    lim->log_lines = limit_integer(L, idx, "log_lines", lim->log_lines, 0);
    lim->temp_mb = limit_number(L, idx, "temp_mb", lim->temp_mb);
    lim->evidence_ids = limit_integer(L, idx, "evidence_ids", lim->evidence_ids, 1);
    lim->output_mb = limit_number(L, idx, "output_mb", lim->output_mb);
}
