/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the name kernels: key, parse, match (with evidence) and link, called
 * through Lua as a user would, with pcall, in a fresh lua_State per input.
 *
 * The input is split at the first 0xFF byte (never valid UTF-8, so it also lands inside the
 * names when there are two or more): the part before is name a, the part after is name b.
 * The bytes are given as they are, so the names carry invalid UTF-8, NUL bytes, combining marks
 * and long runs whenever the fuzzer makes them. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char *const script =
    "local core, a, b = ...\n"
    "local k = core.names.key(a)\n"
    "assert(k == nil or type(k) == 'string')\n"
    "local p = core.names.parse(b)\n"
    "assert(p == nil or type(p) == 'table')\n"
    "local ok, score, why = core.names.match(a, b, core.names.threshold, 1990, 1991, 'x', 'x', b, a)\n"
    "assert(type(ok) == 'boolean' and score >= 0 and score <= 1 and type(why) == 'string')\n"
    "local pa, pb = core.names.pack(a), core.names.pack(b)\n"
    "if pa and pb then\n"
    "  local pairs_, unc, n = core.names.link({pa, pb}, {pb, pa}, nil, nil, nil, nil, 0.86, 0.7, false)\n"
    "  assert(#pairs_ + #unc <= 2 and n <= 4)\n"
    "end\n"
    "local j = core.names.jaro_winkler(a:sub(1, 300), b:sub(1, 300))\n"
    "assert(j == nil or (j >= 0 and j <= 1))\n"
    "local d = core.names.levenshtein(a:sub(1, 300), b:sub(1, 300))\n"
    "assert(d == nil or d >= 0)\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = luaL_newstate();
    const uint8_t *cut = memchr(data, 0xFF, size);
    size_t la = cut ? (size_t)(cut - data) : size;
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    if (luaL_loadstring(L, script) != LUA_OK)
        abort();
    lua_pushvalue(L, -2);
    lua_pushlstring(L, (const char *)data, la);
    lua_pushlstring(L, cut ? (const char *)cut + 1 : "", cut ? size - la - 1 : 0);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        /* the kernels return nil and a message for bad input; an error here is a bug */
        const char *msg = lua_tostring(L, -1);
        fprintf(stderr, "error: %s\n", msg ? msg : "?");
        abort();
    }
    lua_close(L);
    return 0;
}
