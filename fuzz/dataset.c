/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: YAML text -> parley.yaml.load with marks -> dataset validation and its
 * messages. Bad YAML may raise (that is the loader's contract); but once a document loads, the
 * validator must report problems, never raise: an error there aborts, so the fuzzer keeps it.
 * Lua modules come from LUA_PATH_5_4 (tools/fuzz.sh points it at the tree). */
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char *SCRIPT =
    "local text = ...\n"
    "local yaml = require 'parley.yaml'\n"
    "local dataset = require 'parley.dataset'\n"
    "local ok, data, marks = pcall(yaml.load, text, { name = 'fuzz.yaml', marks = true })\n"
    "if not ok or (data == nil and type(marks) == 'string') then return end\n"
    "local done, err = pcall(function()\n"
    "   local _, problems = dataset.validate({ { data = data, marks = marks, name = 'fuzz.yaml' } }, {})\n"
    "   local msg = dataset.format_problems(problems)\n"
    "   assert(type(msg) == 'string')\n"
    "end)\n"
    "if not done then return 'validator raised: ' .. tostring(err) end\n";

static lua_State *L;
static int script_ref;
static unsigned long runs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pop(L, 1);
    if (luaL_loadstring(L, SCRIPT) != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    script_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    lua_rawgeti(L, LUA_REGISTRYINDEX, script_ref);
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 1, 1, 0) != LUA_OK) {
        fprintf(stderr, "harness error: %s\n", lua_tostring(L, -1));
        abort();
    }
    if (lua_isstring(L, -1)) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    lua_pop(L, 1);
    if (++runs % 256 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
