/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: YAML text -> parley.yaml.load with marks -> dataset validation and its
 * messages. Bad YAML may raise (that is the loader's contract); but once a document loads, the
 * validator must report problems, never raise: an error there aborts, so the fuzzer keeps it.
 * Then the same text is imported into an empty store, whose import loads it with the marks of
 * its records only and places what it says by loading records again: its problems and
 * warnings must be exactly those of the validation with every mark.
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
    "local msg, warned\n"
    "local done, err = pcall(function()\n"
    "   local batch, problems = dataset.validate({ { data = data, marks = marks, name = 'fuzz.yaml' } }, {})\n"
    "   msg = dataset.format_problems(problems)\n"
    "   assert(type(msg) == 'string')\n"
    "   warned = table.concat(dataset.format_list(batch.warnings), '\\n')\n"
    "end)\n"
    "if not done then return 'validator raised: ' .. tostring(err) end\n"
    "local db = require('parley').open(':memory:')\n"
    "local ok2, summary, imsg, _, iwarnings = pcall(db.import, db, { text = text, name = 'fuzz.yaml' })\n"
    "db:close()\n"
    "if not ok2 then return 'import raised: ' .. tostring(summary) end\n"
    "local got_msg = summary and '' or imsg\n"
    "local got_warned = table.concat(summary and summary.warnings or iwarnings or {}, '\\n')\n"
    "if not summary and msg == '' then return end -- (refused for what validation does not see: a store's)\n"
    "if got_msg ~= msg then return 'import said\\n' .. got_msg .. '\\nvalidation said\\n' .. msg end\n"
    "if got_warned ~= warned then return 'import warned\\n' .. got_warned .. '\\nvalidation warned\\n' .. warned end\n";

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
