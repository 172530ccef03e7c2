/* SPDX-License-Identifier: MIT */
/* The environment of a rule in the sandbox: what it may call, and how (sandbox_limits.c has
 * the limits, sandbox_run.c runs the rules).
 *
 * Everything here is built fresh in each rule's state. The libraries are opened into the
 * state's own globals, which no rule ever sees; a rule, and each vetted module, gets an
 * environment of its own made of copies of the allowed functions behind read-only proxies.
 * The functions a rule could use to escape a limit are replaced: see docs/sandbox.md. */
#include <string.h>
#include <lualib.h>
#include "sandbox.h"

int luaopen_parley_core(lua_State *L);

#define PROTECTED "protected" /* what getmetatable returns for what a rule must not change */

/* The registry keys (their addresses). */
char parley_sbkey_findings, parley_sbkey_log, parley_sbkey_modules, parley_sbkey_core, parley_sbkey_ctx,
    parley_sbkey_db;
static char PROXY_KEY;

/* --------------------------------------------------- functions for the rule */

/* The metamethods of a read-only proxy (parley_sandbox_push_readonly). */
static int ro_newindex(lua_State *L)
{
    if (lua_type(L, 2) == LUA_TSTRING)
        return luaL_error(L, "attempt to change field '%s' of a read-only table", lua_tostring(L, 2));
    return luaL_error(L, "attempt to change a read-only table");
}

static int ro_next(lua_State *L)
{
    lua_settop(L, 2);
    if (lua_next(L, lua_upvalueindex(1)))
        return 2;
    lua_pushnil(L);
    return 1;
}

/* __pairs must not hand out the table behind the proxy as the iteration state. */
static int ro_pairs(lua_State *L)
{
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_pushcclosure(L, ro_next, 1);
    lua_pushvalue(L, 1);
    lua_pushnil(L);
    return 3;
}

static int ro_len(lua_State *L)
{
    lua_pushinteger(L, (lua_Integer)lua_rawlen(L, lua_upvalueindex(1)));
    return 1;
}

/* Proxies: a rule reads a library through an empty table whose metatable is locked; the
 * table it reads from is a copy private to that environment, so not even rawset on the
 * proxy can change what another environment (a vetted module, the string metatable) sees. */
void parley_sandbox_push_readonly(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_newtable(L);
    lua_createtable(L, 0, 6);
    lua_pushvalue(L, t);
    lua_setfield(L, -2, "__index");
    lua_pushcfunction(L, ro_newindex);
    lua_setfield(L, -2, "__newindex");
    lua_pushvalue(L, t);
    lua_pushcclosure(L, ro_pairs, 1);
    lua_setfield(L, -2, "__pairs");
    lua_pushvalue(L, t);
    lua_pushcclosure(L, ro_len, 1);
    lua_setfield(L, -2, "__len");
    lua_pushliteral(L, PROTECTED);
    lua_setfield(L, -2, "__metatable");
    lua_pushboolean(L, 1);
    lua_rawsetp(L, -2, &PROXY_KEY); /* tells rawset this is a proxy */
    lua_setmetatable(L, -2);
}

static void push_copy(lua_State *L, int t)
{
    t = lua_absindex(L, t);
    lua_newtable(L);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pushvalue(L, -2);
        lua_insert(L, -2);
        lua_rawset(L, -4);
    }
}

/* setmetatable without __gc: finalizers run with hooks off (also at lua_close), so a
 * looping __gc would never be stopped. Without __gc in the metatable when it is set, Lua
 * never marks the object for finalization, whatever is added to the metatable later. */
static int sb_setmetatable(lua_State *L)
{
    int t = lua_type(L, 2);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_argexpected(L, t == LUA_TNIL || t == LUA_TTABLE, 2, "nil or table");
    if (t == LUA_TTABLE) {
        lua_pushliteral(L, "__gc");
        if (lua_rawget(L, 2) != LUA_TNIL)
            return luaL_error(L, "__gc metamethods are not allowed in a rule");
        lua_pop(L, 1);
    }
    if (luaL_getmetafield(L, 1, "__metatable") != LUA_TNIL)
        return luaL_error(L, "cannot change a protected metatable");
    lua_settop(L, 2);
    lua_setmetatable(L, 1);
    return 1;
}

/* rawset would otherwise add fields to a proxy itself, in front of the library. */
static int sb_rawset(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checkany(L, 2);
    luaL_checkany(L, 3);
    if (lua_getmetatable(L, 1)) {
        int proxy = lua_rawgetp(L, -1, &PROXY_KEY) != LUA_TNIL;
        lua_pop(L, 2);
        if (proxy)
            return ro_newindex(L);
    }
    lua_settop(L, 3);
    lua_rawset(L, 1);
    return 1;
}

/* An error raised from the count hook leaves hooks off (allowhook) until a pcall catches
 * it, and xpcall's message handler runs in between: after a trip the handler is skipped,
 * or a looping handler would never be stopped. */
static int guarded_handler(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    if (sb && sb->tripped)
        return 1;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    return 1;
}

static int finish_pcall(lua_State *L, int status, lua_KContext extra)
{
    if (status != LUA_OK && status != LUA_YIELD) {
        lua_pushboolean(L, 0);
        lua_pushvalue(L, -2);
        return 2;
    }
    return lua_gettop(L) - (int)extra;
}

static int sb_xpcall(lua_State *L)
{
    int n = lua_gettop(L), status;
    luaL_checktype(L, 2, LUA_TFUNCTION);
    lua_pushvalue(L, 2);
    lua_pushcclosure(L, guarded_handler, 1);
    lua_replace(L, 2);
    lua_pushboolean(L, 1);
    lua_pushvalue(L, 1);
    lua_rotate(L, 3, 2);
    status = lua_pcallk(L, n - 2, LUA_MULTRET, 2, 2, finish_pcall);
    return finish_pcall(L, status, 2);
}

/* lcorolib.c's resume, for the wrapped coroutines below. */
static int auxresume(lua_State *L, lua_State *co, int narg)
{
    int status, nres;
    if (!lua_checkstack(co, narg)) {
        lua_pushliteral(L, "too many arguments to resume");
        return -1;
    }
    lua_xmove(L, co, narg);
    status = lua_resume(co, L, narg, &nres);
    if (status == LUA_OK || status == LUA_YIELD) {
        if (!lua_checkstack(L, nres + 1)) {
            lua_pop(co, nres);
            lua_pushliteral(L, "too many results to resume");
            return -1;
        }
        lua_xmove(co, L, nres);
        return nres;
    }
    lua_xmove(co, L, 1);
    return -1;
}

/* Likewise a coroutine killed by the hook keeps hooks off: closing its to-be-closed
 * variables then (coroutine.close, or coroutine.wrap on error) would run their __close
 * without limits. After a trip they are left unclosed; lua_close frees them without
 * running anything. */
static int auxwrap(lua_State *L)
{
    lua_State *co = lua_tothread(L, lua_upvalueindex(1));
    int r = auxresume(L, co, lua_gettop(L));
    if (r < 0) {
        Sandbox *sb = parley_sandbox_get(L);
        int stat = lua_status(co);
        if (stat != LUA_OK && stat != LUA_YIELD && !(sb && sb->tripped)) {
            stat = lua_resetthread(co);
            lua_xmove(co, L, 1);
        }
        if (stat != LUA_ERRMEM && lua_type(L, -1) == LUA_TSTRING) {
            luaL_where(L, 1);
            lua_insert(L, -2);
            lua_concat(L, 2);
        }
        return lua_error(L);
    }
    return r;
}

static int sb_cowrap(lua_State *L)
{
    lua_State *co;
    luaL_checktype(L, 1, LUA_TFUNCTION);
    co = lua_newthread(L);
    lua_pushvalue(L, 1);
    lua_xmove(L, co, 1);
    lua_pushcclosure(L, auxwrap, 1);
    return 1;
}

static int sb_coclose(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    if (sb && sb->tripped)
        return parley_sandbox_raise(L, sb);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

static int sb_collectgarbage(lua_State *L)
{
    const char *opt = luaL_optstring(L, 1, "collect");
    if (strcmp(opt, "count") != 0)
        return luaL_error(L, "collectgarbage('%s') is not allowed in a rule (only 'count')", opt);
    lua_pushnumber(L, (lua_Number)lua_gc(L, LUA_GCCOUNT, 0) + (lua_Number)lua_gc(L, LUA_GCCOUNTB, 0) / 1024);
    return 1;
}

/* load(chunk [, chunkname [, mode [, env]]]): text only, whatever mode says; the chunk's
 * environment is env when it is a table, else the environment load belongs to. */
static int sb_load(lua_State *L)
{
    size_t len;
    const char *s, *name, *mode = luaL_optstring(L, 3, "bt");
    int env, status;
    if (!lua_isnoneornil(L, 4))
        luaL_checktype(L, 4, LUA_TTABLE);
    env = lua_isnoneornil(L, 4) ? lua_upvalueindex(1) : 4;
    if (strchr(mode, 't') == NULL) {
        luaL_pushfail(L);
        lua_pushliteral(L, "only text chunks can be loaded in a rule");
        return 2;
    }
    if (lua_type(L, 1) == LUA_TSTRING) {
        s = lua_tolstring(L, 1, &len);
        name = luaL_optstring(L, 2, s);
    } else {
        luaL_Buffer b;
        luaL_checktype(L, 1, LUA_TFUNCTION);
        name = luaL_optstring(L, 2, "=(load)");
        lua_settop(L, 4);
        luaL_buffinit(L, &b);
        for (;;) {
            lua_pushvalue(L, 1);
            lua_call(L, 0, 1);
            if (lua_isnil(L, -1) || (lua_type(L, -1) == LUA_TSTRING && lua_rawlen(L, -1) == 0)) {
                lua_pop(L, 1);
                break;
            }
            if (lua_type(L, -1) != LUA_TSTRING)
                return luaL_error(L, "reader function must return a string");
            luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
        s = lua_tolstring(L, -1, &len);
    }
    parley_sandbox_charge(L, len); /* compiling is unhooked, and linear in the text */
    status = luaL_loadbufferx(L, s, len, name, "t");
    if (status != LUA_OK) {
        luaL_pushfail(L);
        lua_insert(L, -2);
        return 2;
    }
    lua_pushvalue(L, env);
    if (!lua_setupvalue(L, -2, 1))
        lua_pop(L, 1);
    return 1;
}

/* print and ctx.log: one line of the arguments' tostring joined by tabs, up to log_lines.
 * Called as ctx:log(...) by mistake, it leaves ctx out. */
int parley_sandbox_log(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    int i, first = 1, n = lua_gettop(L);
    luaL_Buffer b;
    if (n >= 1) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
        if (lua_rawequal(L, 1, -1))
            first = 2;
        lua_pop(L, 1);
    }
    if (sb == NULL || sb->nlog >= sb->lim.log_lines)
        return 0;
    if (n > 256) /* only a long call costs enough to count */
        parley_sandbox_charge(L, (size_t)n);
    luaL_buffinit(L, &b);
    for (i = first; i <= n; i++) {
        if (i > first)
            luaL_addchar(&b, '\t');
        luaL_tolstring(L, i, NULL);
        luaL_addvalue(&b);
    }
    luaL_pushresult(&b);
    if (sb->nlog >= sb->lim.log_lines) /* tostring ran rule code that logged */
        return 0;
    lua_rawgetp(L, LUA_REGISTRYINDEX, &LOG_KEY);
    lua_insert(L, -2);
    lua_rawseti(L, -2, ++sb->nlog);
    return 0;
}

/* require: the restricted parley.core, or a vetted module loaded from the text the caller
 * gave, in an environment of its own, once per state; it is returned as a read-only
 * proxy, so a rule cannot change what another vetted module sees of it. */
int parley_sandbox_require(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    size_t len;
    const char *name = luaL_checklstring(L, 1, &len);
    const Module *m = NULL;
    int i;
    lua_settop(L, 1);
    if (strcmp(name, "parley.core") == 0) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &CORE_KEY);
        return 1;
    }
    lua_rawgetp(L, LUA_REGISTRYINDEX, &MODULES_KEY); /* 2: the cache */
    lua_pushvalue(L, 1);
    switch (lua_rawget(L, 2)) {
    case LUA_TNIL:
        break;
    case LUA_TBOOLEAN:
        return luaL_error(L, "module '%s' requires itself, or failed to load before", name);
    default:
        return 1;
    }
    lua_pop(L, 1);
    for (i = 0; sb && sb->opts && i < sb->opts->nmods; i++)
        if (sb->opts->mods[i].name.len == len && memcmp(sb->opts->mods[i].name.p, name, len) == 0)
            m = &sb->opts->mods[i];
    if (m == NULL)
        return luaL_error(L, "module '%s' is not available to rules", name);
    lua_pushvalue(L, 1);
    lua_pushboolean(L, 0);
    lua_rawset(L, 2);
    lua_pushliteral(L, "@");
    luaL_gsub(L, name, ".", "/");
    lua_pushliteral(L, ".lua");
    lua_concat(L, 3); /* 3: chunk name */
    if (luaL_loadbufferx(L, m->source.p, m->source.len, lua_tostring(L, 3), "t") != LUA_OK)
        return luaL_error(L, "error loading module '%s': %s", name, lua_tostring(L, -1));
    parley_sandbox_push_env(L);
    lua_setupvalue(L, -2, 1);
    lua_pushvalue(L, 1);
    lua_call(L, 1, 1);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushboolean(L, 1);
    } else if (lua_istable(L, -1)) {
        parley_sandbox_push_readonly(L, -1);
        lua_remove(L, -2);
    }
    lua_pushvalue(L, 1);
    lua_pushvalue(L, -2);
    lua_rawset(L, 2);
    return 1;
}

const char *parley_sandbox_display_name(const char *chunkname)
{
    return (chunkname[0] == '@' || chunkname[0] == '=') ? chunkname + 1 : chunkname;
}

void parley_sandbox_load_rule(lua_State *L, const char *source, size_t len, const char *chunkname)
{
    const char *who = parley_sandbox_display_name(chunkname);
    if (luaL_loadbufferx(L, source, len, chunkname, "t") != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (msg && strncmp(msg, who, strlen(who)) != 0) /* "attempt to load a binary chunk" says not where */
            lua_pushfstring(L, "%s: %s", who, msg);
        lua_error(L);
    }
    parley_sandbox_push_env(L);
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        luaL_error(L, "%s: rule must return a table (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -1, "id") != LUA_TSTRING)
        luaL_error(L, "%s: rule's id must be a string (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -2, "version") != LUA_TSTRING)
        luaL_error(L, "%s: rule's version must be a string (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -3, "run") != LUA_TFUNCTION)
        luaL_error(L, "%s: rule's run must be a function (got %s)", who, luaL_typename(L, -1));
    lua_pop(L, 3);
}

/* ------------------------------------------- C functions made interruptible */

/* string.rep("", huge) copies nothing huge times inside one C call; everything else it
 * does is one allocation, which the allocator caps, and a copy, which is charged. */
static int safe_rep(lua_State *L)
{
    size_t l, lsep;
    lua_Integer n;
    luaL_checklstring(L, 1, &l);
    n = luaL_checkinteger(L, 2);
    luaL_optlstring(L, 3, "", &lsep);
    if (n > 0 && l + lsep == 0) {
        lua_pushliteral(L, "");
        return 1;
    }
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    /* the copy is paid for after it is made: the allocator bounds one call's result (so a
     * result too big is the memory limit), the charge bounds a loop of them */
    parley_sandbox_charge(L, lua_rawlen(L, -1) / 8);
    return 1;
}

/* table.insert, table.remove and table.move as in ltablib.c, but a fake __len or a huge
 * range makes them loop inside C: they charge each element moved. */
#define TAB_R 1
#define TAB_W 2
#define TAB_L 4
#define CHARGE_EVERY 1024

static int checkfield(lua_State *L, const char *key, int n)
{
    lua_pushstring(L, key);
    return lua_rawget(L, -n) != LUA_TNIL;
}

static void checktab(lua_State *L, int arg, int what)
{
    if (lua_type(L, arg) != LUA_TTABLE) {
        int n = 1;
        if (lua_getmetatable(L, arg) && (!(what & TAB_R) || checkfield(L, "__index", ++n)) &&
            (!(what & TAB_W) || checkfield(L, "__newindex", ++n)) &&
            (!(what & TAB_L) || checkfield(L, "__len", ++n)))
            lua_pop(L, n);
        else
            luaL_checktype(L, arg, LUA_TTABLE);
    }
}

static lua_Integer aux_getn(lua_State *L, int n, int w)
{
    checktab(L, n, w | TAB_L);
    return luaL_len(L, n);
}

static void charge_step(lua_State *L, lua_Integer *steps)
{
    if (++*steps % CHARGE_EVERY == 0)
        parley_sandbox_charge(L, CHARGE_EVERY);
}

static int tinsert(lua_State *L)
{
    lua_Integer pos, steps = 0;
    lua_Integer e = aux_getn(L, 1, TAB_R | TAB_W);
    e = (lua_Integer)((lua_Unsigned)e + 1u);
    switch (lua_gettop(L)) {
    case 2:
        pos = e;
        break;
    case 3: {
        lua_Integer i;
        pos = luaL_checkinteger(L, 2);
        luaL_argcheck(L, (lua_Unsigned)pos - 1u < (lua_Unsigned)e, 2, "position out of bounds");
        for (i = e; i > pos; i--) {
            charge_step(L, &steps);
            lua_geti(L, 1, i - 1);
            lua_seti(L, 1, i);
        }
        break;
    }
    default:
        return luaL_error(L, "wrong number of arguments to 'insert'");
    }
    lua_seti(L, 1, pos);
    return 0;
}

static int tremove(lua_State *L)
{
    lua_Integer steps = 0;
    lua_Integer size = aux_getn(L, 1, TAB_R | TAB_W);
    lua_Integer pos = luaL_optinteger(L, 2, size);
    if (pos != size)
        luaL_argcheck(L, (lua_Unsigned)pos - 1u <= (lua_Unsigned)size, 2, "position out of bounds");
    lua_geti(L, 1, pos);
    for (; pos < size; pos++) {
        charge_step(L, &steps);
        lua_geti(L, 1, pos + 1);
        lua_seti(L, 1, pos);
    }
    lua_pushnil(L);
    lua_seti(L, 1, pos);
    return 1;
}

static int tmove(lua_State *L)
{
    lua_Integer f = luaL_checkinteger(L, 2);
    lua_Integer e = luaL_checkinteger(L, 3);
    lua_Integer t = luaL_checkinteger(L, 4);
    lua_Integer steps = 0;
    int tt = !lua_isnoneornil(L, 5) ? 5 : 1;
    checktab(L, 1, TAB_R);
    checktab(L, tt, TAB_W);
    if (e >= f) {
        lua_Integer n, i;
        luaL_argcheck(L, f > 0 || e < LUA_MAXINTEGER + f, 3, "too many elements to move");
        n = e - f + 1;
        luaL_argcheck(L, t <= LUA_MAXINTEGER - n + 1, 4, "destination wrap around");
        if (t > e || t <= f || (tt != 1 && !lua_compare(L, 1, tt, LUA_OPEQ))) {
            for (i = 0; i < n; i++) {
                charge_step(L, &steps);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        } else {
            for (i = n - 1; i >= 0; i--) {
                charge_step(L, &steps);
                lua_geti(L, 1, f + i);
                lua_seti(L, tt, t + i);
            }
        }
    }
    lua_pushvalue(L, tt);
    return 1;
}

/* ------------------------------------------------------------ environments */

static const char *const base_names[] = {"assert", "error", "ipairs", "next", "pairs", "pcall", "select", "tonumber",
                                         "tostring", "type", "rawequal", "rawlen", "rawget", "getmetatable",
                                         "_VERSION", NULL};
static const char *const library_names[] = {"string", "table", "math", "utf8", "coroutine", NULL};
static const char *const os_names[] = {"time", "date", "clock", NULL};

/* Pushes a fresh environment: the allowed globals, libraries as read-only proxies over
 * private copies, _G itself, and a locked metatable (setmetatable(_G, ...) fails). */
void parley_sandbox_push_env(lua_State *L)
{
    int env, g, i;
    luaL_checkstack(L, 8, "rule environment");
    lua_createtable(L, 0, 32);
    env = lua_gettop(L);
    lua_pushglobaltable(L);
    g = lua_gettop(L);
    for (i = 0; base_names[i]; i++) {
        lua_getfield(L, g, base_names[i]);
        lua_setfield(L, env, base_names[i]);
    }
    lua_pushcfunction(L, sb_setmetatable);
    lua_setfield(L, env, "setmetatable");
    lua_pushcfunction(L, sb_rawset);
    lua_setfield(L, env, "rawset");
    lua_pushcfunction(L, sb_xpcall);
    lua_setfield(L, env, "xpcall");
    lua_pushcfunction(L, sb_collectgarbage);
    lua_setfield(L, env, "collectgarbage");
    lua_pushcfunction(L, parley_sandbox_log);
    lua_setfield(L, env, "print");
    lua_pushcfunction(L, parley_sandbox_require);
    lua_setfield(L, env, "require");
    lua_pushvalue(L, env);
    lua_pushcclosure(L, sb_load, 1);
    lua_setfield(L, env, "load");
    for (i = 0; library_names[i]; i++) {
        lua_getfield(L, g, library_names[i]);
        push_copy(L, -1);
        parley_sandbox_push_readonly(L, -1);
        lua_setfield(L, env, library_names[i]);
        lua_pop(L, 2);
    }
    lua_getfield(L, g, "os");
    lua_createtable(L, 0, 3);
    for (i = 0; os_names[i]; i++) {
        lua_getfield(L, -2, os_names[i]);
        lua_setfield(L, -2, os_names[i]);
    }
    parley_sandbox_push_readonly(L, -1);
    lua_setfield(L, env, "os");
    lua_pop(L, 3); /* copy, os, the real globals */
    lua_pushvalue(L, env);
    lua_setfield(L, env, "_G");
    lua_createtable(L, 0, 1);
    lua_pushliteral(L, PROTECTED);
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, env);
}

static void lock_metatable(lua_State *L, const char *tname)
{
    if (luaL_getmetatable(L, tname) == LUA_TTABLE) {
        lua_pushliteral(L, PROTECTED);
        lua_setfield(L, -2, "__metatable");
    }
    lua_pop(L, 1);
}

static void replace_field(lua_State *L, int t, const char *name, lua_CFunction f)
{
    t = lua_absindex(L, t);
    lua_pushcfunction(L, f);
    lua_setfield(L, t, name);
}

/* Opens the libraries into the state's own globals (which no rule ever sees), takes out what
 * a rule must not reach through the string metatable, and prepares the registry. */
void parley_sandbox_setup(lua_State *L)
{
    static const luaL_Reg libs[] = {
        {LUA_GNAME, luaopen_base},   {LUA_STRLIBNAME, luaopen_string}, {LUA_TABLIBNAME, luaopen_table},
        {LUA_MATHLIBNAME, luaopen_math}, {LUA_UTF8LIBNAME, luaopen_utf8}, {LUA_COLIBNAME, luaopen_coroutine},
        {LUA_OSLIBNAME, luaopen_os}, {NULL, NULL},
    };
    const luaL_Reg *lib;
    int core, i;
    for (lib = libs; lib->func; lib++) {
        luaL_requiref(L, lib->name, lib->func, 1);
        lua_pop(L, 1);
    }
    parley_sandbox_charged_libs(L);
    /* The string table the string metatable points at. */
    lua_getglobal(L, LUA_STRLIBNAME);
    lua_pushnil(L);
    lua_setfield(L, -2, "dump");
    lua_getfield(L, -1, "rep");
    lua_pushcclosure(L, safe_rep, 1);
    lua_setfield(L, -2, "rep");
    parley_sandbox_patterns(L);
    lua_pop(L, 1);
    lua_pushliteral(L, "");
    if (lua_getmetatable(L, -1)) {
        lua_pushliteral(L, PROTECTED);
        lua_setfield(L, -2, "__metatable");
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    lua_getglobal(L, LUA_TABLIBNAME);
    replace_field(L, -1, "insert", tinsert);
    replace_field(L, -1, "remove", tremove);
    replace_field(L, -1, "move", tmove);
    lua_pop(L, 1);
    lua_getglobal(L, LUA_COLIBNAME);
    replace_field(L, -1, "wrap", sb_cowrap);
    lua_getfield(L, -1, "close");
    lua_pushcclosure(L, sb_coclose, 1);
    lua_setfield(L, -2, "close");
    lua_pop(L, 1);
    /* Fixed seed: the same rule on the same store reports the same findings. */
    lua_getglobal(L, LUA_MATHLIBNAME);
    lua_getfield(L, -1, "randomseed");
    lua_pushinteger(L, 0);
    lua_call(L, 1, 0);
    lua_pop(L, 1);

    /* parley.core for the store's metatables and the null sentinel; rules get a part. */
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    core = lua_gettop(L);
    if (lua_getfield(L, core, "names") == LUA_TTABLE)
        parley_sandbox_charged_names(L, -1);
    lua_pop(L, 1);
    lock_metatable(L, "parley.Database");
    lock_metatable(L, "parley.Cursor");
    lock_metatable(L, "parley.Blob");
    /* The part of parley.core a rule sees: an explicit allow-list. The name kernels
     * (core.names) are pure functions of their arguments, so parley.names works inside a
     * rule; the table is handed over read-only. */
    lua_createtable(L, 0, 10);
    {
        static const char *const shown[] = {"null",        "sha256",      "version",     "names",        "json_encode",
                                            "text_script", "read_fields", "read_coded",  "sort_integers", NULL};
        for (i = 0; shown[i]; i++) {
            if (lua_getfield(L, core, shown[i]) == LUA_TTABLE) {
                parley_sandbox_push_readonly(L, -1);
                lua_remove(L, -2);
            }
            lua_setfield(L, -2, shown[i]);
        }
        parley_sandbox_charged_core(L, -1);
    }
    parley_sandbox_push_readonly(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &CORE_KEY);
    lua_pop(L, 2);

    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &MODULES_KEY);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &FINDINGS_KEY);
    lua_newtable(L);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &LOG_KEY);
}

