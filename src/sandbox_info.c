/* SPDX-License-Identifier: MIT */
/* core.rule_info(source, chunkname, limits, opts): a rule's manifest, read by loading and
 * calling its chunk in a sandbox state of its own, on the caller's thread, with the same
 * limits and environment as a run (the rule's run function is not called). */
#include <string.h>
#include "sandbox.h"

#define BOX_MT "parley.SandboxInfo"

/* The state and what it was handed, owned by a userdata of the caller's state so that an
 * error raised while reading the arguments leaks nothing. */
typedef struct Box {
    lua_State *S;
    Sandbox sb;
    SbOptions opts;
} Box;

static int box_gc(lua_State *L)
{
    Box *box = (Box *)luaL_checkudata(L, 1, BOX_MT);
    if (box->S) {
        lua_close(box->S);
        box->S = NULL;
    }
    parley_sandbox_free_options(&box->opts);
    return 0;
}

typedef struct InfoArgs {
    const char *source, *chunkname;
    size_t len;
} InfoArgs;

#define INFO_FIELDS 6
static const char *const info_fields[INFO_FIELDS] = {"id",       "version", "description", "params_json",
                                                     "severity", "needs_json"};

/* Runs in the sandbox state: leaves the INFO_FIELDS values (strings or nil) on the stack. */
static int info_main(lua_State *L)
{
    InfoArgs *a = (InfoArgs *)lua_touserdata(L, 1);
    const char *who = parley_sandbox_display_name(a->chunkname);
    int rule;
    SbBuf b;
    parley_sandbox_setup(L);
    parley_sandbox_load_rule(L, a->source, a->len, a->chunkname);
    rule = lua_gettop(L);
    lua_getfield(L, rule, "id");
    lua_getfield(L, rule, "version");
    if (lua_getfield(L, rule, "description") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "%s: rule's description must be a string (got %s)", who, luaL_typename(L, -1));
    lua_getfield(L, rule, "params");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "{}");
    } else {
        if (!lua_istable(L, -1))
            return luaL_error(L, "%s: rule's params must be a table (got %s)", who, luaL_typename(L, -1));
        sbbuf_init(L, &b, 256);
        sbjson_encode(L, -2, &b, SBJSON_OBJECT_IF_EMPTY, "params");
        lua_pushlstring(L, b.p, b.n);
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    /* the default severity of its findings, checked by the engine */
    if (lua_getfield(L, rule, "severity") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "%s: rule's severity must be a string (got %s)", who, luaL_typename(L, -1));
    /* what the engine prepares before the rules run (needs = {"people"}), checked by it */
    if (lua_getfield(L, rule, "needs") != LUA_TNIL) {
        if (!lua_istable(L, -1))
            return luaL_error(L, "%s: rule's needs must be a list (got %s)", who, luaL_typename(L, -1));
        sbbuf_init(L, &b, 64);
        sbjson_encode(L, -2, &b, 0, "needs");
        lua_pushlstring(L, b.p, b.n);
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    return INFO_FIELDS;
}

/* Pushes nil and the sandbox's error: the limit that tripped, or what the chunk raised. */
static void push_failure(lua_State *L, Box *box)
{
    luaL_pushfail(L);
    if (box->sb.tripped)
        lua_pushstring(L, box->sb.message);
    else if (lua_type(box->S, -1) == LUA_TSTRING)
        lua_pushstring(L, lua_tostring(box->S, -1));
    else
        lua_pushfstring(L, "rule raised an error object of type %s", luaL_typename(box->S, -1));
}

static void push_info(lua_State *L, Box *box)
{
    int i;
    lua_createtable(L, 0, INFO_FIELDS);
    for (i = 0; i < INFO_FIELDS; i++) {
        if (lua_type(box->S, i + 1) == LUA_TSTRING) {
            size_t len;
            const char *s = lua_tolstring(box->S, i + 1, &len);
            lua_pushlstring(L, s, len);
            lua_setfield(L, -2, info_fields[i]);
        }
    }
}

/* core.rule_info(source, chunkname, limits, opts): see docs/sandbox.md. */
static int l_rule_info(lua_State *L)
{
    InfoArgs a;
    Limits lim;
    Box *box;
    int status, ok;
    a.source = luaL_checklstring(L, 1, &a.len);
    a.chunkname = luaL_optstring(L, 2, "=rule");
    parley_sandbox_read_limits(L, lua_isnoneornil(L, 3) ? 0 : 3, &lim);
    lua_settop(L, 4);
    box = (Box *)lua_newuserdatauv(L, sizeof(Box), 0); /* 5 */
    memset(box, 0, sizeof *box);
    luaL_setmetatable(L, BOX_MT);
    parley_sandbox_read_options(L, 4, &box->opts, NULL);
    parley_sandbox_init(&box->sb, &lim, &box->opts);
    box->S = parley_sandbox_newstate(&box->sb);
    if (box->S == NULL) { /* too little memory for even an empty state */
        luaL_pushfail(L);
        lua_pushstring(L, box->sb.message);
        return 2;
    }
    lua_pushcfunction(box->S, info_main);
    lua_pushlightuserdata(box->S, &a);
    {
        Watchdog *w = parley_watchdog_start(); /* nothing raises until it is stopped */
        parley_watchdog_watch(w, &box->sb);
        status = lua_pcall(box->S, 1, INFO_FIELDS, 0);
        parley_watchdog_unwatch(&box->sb);
        parley_watchdog_stop(w);
    }
    parley_sandbox_settle(&box->sb, status);
    ok = status == LUA_OK && !box->sb.tripped;
    if (ok)
        push_info(L, box);
    else
        push_failure(L, box);
    parley_sandbox_close(box->S, &box->sb);
    box->S = NULL;
    parley_sandbox_free_options(&box->opts);
    return ok ? 1 : 2;
}

int parley_open_sandbox_info(lua_State *L)
{
    luaL_newmetatable(L, BOX_MT);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_rule_info);
    lua_setfield(L, -2, "rule_info");
    return 0;
}
