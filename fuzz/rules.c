/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for rule text, the sandbox's untrusted input: core.rule_info and then
 * core.run_rules on a small store, with tight limits (200,000 instructions, 8 MB, 0.5 s, 4 MB
 * of temporary files) and the vetted modules and vocabulary the engine passes.
 *
 * Whatever the text, rule_info returns a table or nil and a message, and run_rules returns one
 * result whose outcome is "ok" or "error" (with an error text), whose findings' JSON texts
 * decode with parley.json to what encodes back to the same text, and the host state is
 * unharmed. Anything else aborts, as do the sanitizers' reports. The store is made once per
 * process (LLVMFuzzerInitialize) in a private temporary directory; Lua modules come from
 * LUA_PATH_5_4 (tools/fuzz.sh points it at the tree). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char SETUP[] =
    "local dir = ...\n"
    "local parley = require 'parley'\n"
    "local engine = require 'parley.engine'\n"
    "local store = dir .. '/fuzz.db'\n"
    "local db = assert(parley.open(store))\n"
    "package.path = 'spec/?.lua;' .. package.path -- tools/fuzz.sh runs from the tree's top\n"
    "assert(db:import(require('fixtures').small()))\n"
    "db:close()\n"
    "return store, engine.sandbox_options()\n";

static const char CHECK[] =
    "local core, json, store, opts, text = ...\n"
    "local limits = { instructions = 200000, memory_mb = 8, seconds = 0.5, findings = 20, log_lines = 20,\n"
    "  temp_mb = 4 }\n"
    "local info, err = core.rule_info(text, '=fuzz', limits, opts)\n"
    "assert(type(info) == 'table' or (info == nil and type(err) == 'string'), 'rule_info: ' .. tostring(err))\n"
    "local r = core.run_rules({ { rule_id = 'fuzz', source = text, store = store, severity = 'low',\n"
    "  limits = limits } }, { threads = 1, modules = opts.modules, severities = opts.severities,\n"
    "  evidence_kinds = opts.evidence_kinds })\n"
    "assert(#r == 1)\n"
    "r = r[1]\n"
    "assert(r.outcome == 'ok' or (r.outcome == 'error' and type(r.error) == 'string'), 'outcome')\n"
    "for _, f in ipairs(r.findings) do\n"
    "  for _, k in ipairs({ 'evidence_json', 'measures_json', 'details_json' }) do\n"
    "    if f[k] then assert(json.encode(json.decode(f[k])) == f[k], k .. ': ' .. f[k]) end\n"
    "  end\n"
    "  assert(type(f.message) == 'string' and #f.fingerprint == 32)\n"
    "end\n";

static lua_State *L;
static int check_ref, store_ref, opts_ref, core_ref, json_ref;
static char dir[] = "/tmp/parley-fuzz-rules.XXXXXX";

static void cleanup(void)
{
    char path[64];
    const char *const suffix[] = {"", "-wal", "-shm"};
    int i;
    for (i = 0; i < 3; i++) {
        snprintf(path, sizeof path, "%s/fuzz.db%s", dir, suffix[i]);
        unlink(path);
    }
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (mkdtemp(dir) == NULL)
        abort();
    atexit(cleanup);
    L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    core_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (luaL_loadstring(L, SETUP) != LUA_OK)
        abort();
    lua_pushstring(L, dir);
    if (lua_pcall(L, 1, 2, 0) != LUA_OK) {
        fprintf(stderr, "setup: %s\n", lua_tostring(L, -1));
        abort();
    }
    opts_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    store_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    lua_getglobal(L, "require");
    lua_pushliteral(L, "parley.json");
    lua_call(L, 1, 1);
    json_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static unsigned long runs;
    lua_rawgeti(L, LUA_REGISTRYINDEX, check_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, core_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, json_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, store_ref);
    lua_rawgeti(L, LUA_REGISTRYINDEX, opts_ref);
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 5, 0, 0) != LUA_OK) {
        fprintf(stderr, "rules: %s\n", lua_tostring(L, -1));
        abort();
    }
    if (++runs % 64 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
