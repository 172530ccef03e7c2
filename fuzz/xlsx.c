/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for parley.core.read_xlsx, the spreadsheet reader under parley.tables.
 *
 * Per input: a fresh lua_State with parley.core, then a Lua check that reads the bytes as a
 * workbook, its first sheet and then the sheet named "Errors", under pcall, and asserts what
 * docs/tables.md promises: it never raises on any bytes; it returns nil and a message, or an
 * array of rows, each an array of strings, and an array of problems with a positive row and
 * column and a message. Any error escaping the check is a broken promise and aborts, as do
 * the sanitizers' reports (libzip and expat run under them too, through parley's calls). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, bytes = ...\n"
    "for _, opts in ipairs({ {}, { sheet = 'Errors' } }) do\n"
    "  local ok, rows, problems = pcall(core.read_xlsx, bytes, opts)\n"
    "  assert(ok, tostring(rows))\n"
    "  if rows == nil then\n"
    "    assert(type(problems) == 'string' and #problems > 0)\n"
    "  else\n"
    "    assert(#rows == select('#', table.unpack(rows)))\n"
    "    for _, row in ipairs(rows) do\n"
    "      assert(type(row) == 'table')\n"
    "      for k, cell in pairs(row) do\n"
    "        assert(math.type(k) == 'integer' and k >= 1 and k <= #row and type(cell) == 'string')\n"
    "      end\n"
    "    end\n"
    "    for _, p in ipairs(problems) do\n"
    "      assert(math.type(p.row) == 'integer' and math.type(p.column) == 'integer')\n"
    "      assert(type(p.message) == 'string')\n"
    "    end\n"
    "  end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = luaL_newstate();
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 2, 0, 0) != LUA_OK) {
        fprintf(stderr, "xlsx: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
