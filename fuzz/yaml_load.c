/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for parley.core.yaml.load, and dump on whatever load accepts.
 *
 * Per input: a fresh lua_State with parley.core, then a Lua check that calls the C functions
 * under pcall and asserts the properties the specs promise: a load error is a string
 * "<string>:line:col: problem"; a loaded value dumps (unless it holds a cycle) and the dump
 * loads back equal. An odd-sized input is read with the YAML 1.1 schema. Any error escaping
 * the check is a broken promise and aborts, as do the sanitizers' reports. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, text, schema = ...\n"
    "local y = core.yaml\n"
    "local tags = { ['!t'] = function(v) return v end }\n"
    "local ok, v = pcall(y.load, text, { schema = schema, tags = tags })\n"
    "if not ok then\n"
    "  assert(type(v) == 'string' and v:find('^<string>:%d+:%d+: .'), tostring(v))\n"
    "  return\n"
    "end\n"
    "if v == nil then return end -- no document: dump(nil) is null, by design\n"
    "local ok2, out = pcall(y.dump, v)\n"
    "if not ok2 then\n"
    "  assert(out:find('cannot dump a cycle', 1, true), out)\n"
    "  return\n"
    "end\n"
    "local back = y.load(out)\n"
    "local seen = {}\n"
    "local function same(a, b)\n"
    "  if type(a) ~= type(b) then return false end\n"
    "  if type(a) ~= 'table' then\n"
    "    if a ~= a then return b ~= b end\n"
    "    return a == b and math.type(a) == math.type(b)\n"
    "  end\n"
    "  if seen[a] then return seen[a] == b end\n"
    "  seen[a] = b\n"
    "  for k, x in pairs(a) do if not same(x, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n"
    "assert(same(v, back), 'dump did not load back equal: ' .. out)\n";

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
    lua_pushstring(L, size % 2 ? "1.1" : "1.2");
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        fprintf(stderr, "yaml_load: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
