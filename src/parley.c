/* SPDX-License-Identifier: MIT */
/* Entry point of parley.core: builds the module table from each concern in modules.h,
 * and owns the null sentinel shared by the store (binds it as SQL NULL) and the YAML bridge. */
#include <time.h>
#include <unistd.h>
#include "parley.h"

#define NULL_KEY "parley.null"

static int null_tostring(lua_State *L)
{
    lua_pushliteral(L, "parley.null");
    return 1;
}

/* The sentinel is a full userdata so that it prints as what it is and cannot be confused
 * with a C NULL pointer coming from anywhere else. */
static void create_null(lua_State *L)
{
    lua_newuserdatauv(L, 0, 0);
    luaL_newmetatable(L, "parley.Null");
    lua_pushcfunction(L, null_tostring);
    lua_setfield(L, -2, "__tostring");
    lua_pushliteral(L, "parley.null");
    lua_setfield(L, -2, "__metatable");
    lua_setmetatable(L, -2);
    lua_pushvalue(L, -1);
    lua_setfield(L, LUA_REGISTRYINDEX, NULL_KEY);
}

void parley_push_null(lua_State *L)
{
    lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY);
}

int parley_is_null(lua_State *L, int idx)
{
    int same;
    if (lua_type(L, idx) != LUA_TUSERDATA)
        return 0;
    idx = lua_absindex(L, idx);
    parley_push_null(L);
    same = lua_rawequal(L, idx, -1);
    lua_pop(L, 1);
    return same;
}

/* core.cpu_count(): the default number of threads for a reconciliation run. */
static int l_cpu_count(lua_State *L)
{
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    lua_pushinteger(L, n > 0 ? n : 1);
    return 1;
}

/* core.monotime(): seconds on a monotonic clock, for progress lines (os.clock is CPU time and
 * os.time whole seconds). */
static int l_monotime(lua_State *L)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    lua_pushnumber(L, (lua_Number)ts.tv_sec + (lua_Number)ts.tv_nsec / 1e9);
    return 1;
}

LUAMOD_API int luaopen_parley_core(lua_State *L)
{
    lua_newtable(L);
    lua_pushliteral(L, PARLEY_VERSION);
    lua_setfield(L, -2, "version");
    lua_getfield(L, LUA_REGISTRYINDEX, NULL_KEY);
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        create_null(L);
    }
    lua_setfield(L, -2, "null");
    lua_pushcfunction(L, l_cpu_count);
    lua_setfield(L, -2, "cpu_count");
    lua_pushcfunction(L, l_monotime);
    lua_setfield(L, -2, "monotime");
#define PARLEY_MODULE(name) parley_open_##name(L);
#include "modules.h"
#undef PARLEY_MODULE
    return 1;
}
