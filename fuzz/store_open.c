/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for opening a store file someone else wrote: the input is written as a
 * database file, then parley.open reads it (checks it is a parley store of a known version,
 * migrates an older one) and, when it opens, the typed readers run over it.
 *
 * parley.open must return a store or nil and a message, never raise; the readers may fail
 * only with a message. Seeds (fuzz/corpus/store_open) are a current store with records, a
 * store at schema version 2 that needs migrating, and files that are not stores; they use
 * 512-byte pages so that they fit the fuzzer's 64 KiB inputs. Anything else aborts, as do the
 * sanitizers' reports. Lua modules come from LUA_PATH_5_4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local path = ...\n"
    "local parley = require 'parley'\n"
    "local ok, db, err = pcall(parley.open, path)\n"
    "assert(ok, 'parley.open raised: ' .. tostring(db))\n"
    "if not db then assert(type(err) == 'string', 'no message'); return end\n"
    "for _, kind in ipairs({ 'claims', 'lists', 'persons', 'exchanges', 'parties', 'sources' }) do\n"
    "  local fine, e = pcall(function() for _ in db[kind](db) do end end)\n"
    "  assert(fine or type(e) == 'string', kind)\n"
    "end\n"
    "db:close()\n";

static lua_State *L;
static int check_ref;
static char dir[] = "/tmp/parley-fuzz-store.XXXXXX";
static char path[64];

static void remove_files(void)
{
    const char *const suffix[] = {"", "-wal", "-shm", "-journal"};
    char p[80];
    int i;
    for (i = 0; i < 4; i++) {
        snprintf(p, sizeof p, "%s%s", path, suffix[i]);
        unlink(p);
    }
}

static void cleanup(void)
{
    remove_files();
    rmdir(dir);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    if (mkdtemp(dir) == NULL)
        abort();
    snprintf(path, sizeof path, "%s/store.db", dir);
    atexit(cleanup);
    L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pop(L, 1);
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
    FILE *f;
    remove_files();
    f = fopen(path, "wb");
    if (f == NULL || fwrite(data, 1, size, f) != size || fclose(f) != 0)
        abort();
    lua_rawgeti(L, LUA_REGISTRYINDEX, check_ref);
    lua_pushstring(L, path);
    if (lua_pcall(L, 1, 0, 0) != LUA_OK) {
        fprintf(stderr, "store_open: %s\n", lua_tostring(L, -1));
        abort();
    }
    if (++runs % 64 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
