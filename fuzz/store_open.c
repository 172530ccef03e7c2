/* SPDX-License-Identifier: MIT */
/* libFuzzer harness: a hostile store file -> parley.open (connection, schema check against the
 * canonical schema, migration of an older version) and parley verify. Neither may raise or
 * crash on any file: parley.open returns a store or nil and a message, verify a report or nil
 * and a message. A store that opens has parley's schema exactly, so its records are read back
 * too (an iterator may raise on a corrupt page: that is its contract, and is caught). The seed
 * is a real store with 512-byte pages, small enough for -max_len.
 * Lua modules come from LUA_PATH_5_4 (tools/fuzz.sh points it at the tree). */
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char *SCRIPT =
    "local bytes, dir = ...\n"
    "local parley = require 'parley'\n"
    "local verify = require 'parley.verify'\n"
    "local path = dir .. '/store.db'\n"
    "for _, s in ipairs({ '', '-wal', '-shm', '-journal' }) do os.remove(path .. s) end\n"
    "local f = assert(io.open(path, 'wb'))\n"
    "assert(f:write(bytes))\n"
    "assert(f:close())\n"
    "local ok, db, err = pcall(parley.open, path, { busy_timeout_ms = 0 })\n"
    "if not ok then return 'parley.open raised: ' .. tostring(db) end\n"
    "if db then\n"
    "   pcall(function() for _ in db:claims() do end for _ in db:persons() do end end)\n"
    "   db:close()\n"
    "elseif type(err) ~= 'string' then\n"
    "   return 'parley.open gave neither a store nor a message'\n"
    "end\n"
    "local vok, report = pcall(verify.store, path)\n"
    "if not vok then return 'verify raised: ' .. tostring(report) end\n";

static lua_State *L;
static int script_ref;
static char dir[64];
static unsigned long runs;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_getfield(L, -1, "private_dir");
    if (lua_pcall(L, 0, 1, 0) != LUA_OK || !lua_isstring(L, -1)) {
        fprintf(stderr, "no private directory\n");
        abort();
    }
    snprintf(dir, sizeof dir, "%s", lua_tostring(L, -1));
    lua_pop(L, 2);
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
    lua_pushstring(L, dir);
    if (lua_pcall(L, 2, 1, 0) != LUA_OK) {
        fprintf(stderr, "harness error: %s\n", lua_tostring(L, -1));
        abort();
    }
    if (lua_isstring(L, -1)) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    lua_pop(L, 1);
    if (++runs % 64 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
