/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for parley.core.read_csv, the CSV reader under parley.tables.
 *
 * Per input: a fresh lua_State with parley.core, then a Lua check that calls the reader under
 * pcall and asserts what docs/tables.md promises: it never raises on any text; it returns an
 * array of rows, each an array of strings that are valid UTF-8, and an array of problems,
 * each with a positive row, an optional positive column and a message. The first byte picks
 * the options (delimiter, and windows-1251 or UTF-8), so both the checker and the iconv path
 * run. Any error escaping the check is a broken promise and aborts, as do the sanitizers'. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, text, delimiter, encoding = ...\n"
    "local ok, rows, problems = pcall(core.read_csv, text, { delimiter = delimiter, encoding = encoding })\n"
    "assert(ok, tostring(rows))\n"
    "assert(type(rows) == 'table' and type(problems) == 'table')\n"
    "for i, row in ipairs(rows) do\n"
    "  assert(#row >= 1, 'row ' .. i .. ' has no fields')\n"
    "  for _, cell in ipairs(row) do\n"
    "    assert(type(cell) == 'string' and utf8.len(cell), 'a cell that is not UTF-8')\n"
    "  end\n"
    "end\n"
    "assert(#rows == select('#', table.unpack(rows)))\n"
    "for _, p in ipairs(problems) do\n"
    "  assert(math.type(p.row) == 'integer' and p.row >= 1)\n"
    "  assert(p.column == nil or (math.type(p.column) == 'integer' and p.column >= 1))\n"
    "  assert(type(p.message) == 'string' and #p.message > 0)\n"
    "end\n";

static const char DELIMITERS[] = ",;\t|";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L;
    char delimiter[2] = { ',', 0 };
    const char *encoding = "utf-8";
    if (size > 0) {
        delimiter[0] = DELIMITERS[data[0] & 3];
        if (data[0] & 4)
            encoding = "windows-1251";
        data++;
        size--;
    }
    L = luaL_newstate();
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pushlstring(L, (const char *)data, size);
    lua_pushstring(L, delimiter);
    lua_pushstring(L, encoding);
    if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
        fprintf(stderr, "csv: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
