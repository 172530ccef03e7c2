/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for parley.core.yaml.dump on values no YAML text would give: the input is
 * a small program that builds a Lua value (integers and floats of any bit pattern, strings of
 * any bytes, booleans, parley.null, nested tables with keys of any of those types, a table
 * placed twice or inside itself), run by the Lua builder below.
 *
 * dump must return a text or raise one of its messages ("cannot dump ..."); a text must load
 * back with yaml.load, and, for a value whose keys are all strings or array indices and whose
 * strings are not ambiguous, load back equal. Anything else aborts. */
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, prog = ...\n"
    "local y = core.yaml\n"
    "local pos, made = 1, {}\n"
    "local function byte() local b = prog:byte(pos) or 0; pos = pos + 1; return b end\n"
    "local plain = true -- every key a string or an array index\n"
    "local value\n"
    "local function tbl(depth)\n"
    "  local t = {}\n"
    "  made[#made + 1] = t\n"
    "  for i = 1, byte() % 6 do\n"
    "    if pos > #prog then break end\n"
    "    local k\n"
    "    if byte() % 2 == 0 then k = i else k = value(depth + 1) end\n"
    "    if k == nil or k ~= k then k = i end\n"
    "    if type(k) ~= 'string' and math.type(k) ~= 'integer' then plain = false end\n"
    "    t[k] = value(depth + 1)\n"
    "  end\n"
    "  return t\n"
    "end\n"
    "function value(depth)\n"
    "  local op = byte() % 9\n"
    "  if op == 0 then local i = string.unpack('<i8', prog:sub(pos, pos + 7) .. string.rep('\\0', 8)); pos = pos + 8; return i end\n"
    "  if op == 1 then plain = false; local f = string.unpack('<d', prog:sub(pos, pos + 7) .. string.rep('\\0', 8)); pos = pos + 8; return f end\n"
    "  if op == 2 then local n = byte() % 40; local s = prog:sub(pos, pos + n - 1); pos = pos + n; plain = false; return s end\n"
    "  if op == 3 then return byte() % 2 == 0 end\n"
    "  if op == 4 then return core.null end\n"
    "  if op == 5 and #made > 0 then plain = false; return made[byte() % #made + 1] end\n"
    "  if op == 6 then return ({ 'a', 'key', 'x y', '' })[byte() % 4 + 1] end\n"
    "  if depth < 12 then return tbl(depth) end\n"
    "  return 'leaf'\n"
    "end\n"
    "local v = value(0)\n"
    "local ok, out = pcall(y.dump, v)\n"
    "if not ok then\n"
    "  assert(type(out) == 'string' and out:find('cannot dump', 1, true), tostring(out))\n"
    "  return\n"
    "end\n"
    "assert(type(out) == 'string')\n"
    "local loaded, back = pcall(y.load, out)\n"
    "assert(loaded, 'dump gave a text load refuses: ' .. tostring(back) .. '\\n' .. out)\n"
    "if not plain then return end\n"
    "local seen = {}\n"
    "local function same(a, b)\n"
    "  if type(a) ~= type(b) then return false end\n"
    "  if type(a) ~= 'table' then return a == b and math.type(a) == math.type(b) end\n"
    "  if seen[a] then return seen[a] == b end\n"
    "  seen[a] = b\n"
    "  for k, x in pairs(a) do if not same(x, b[k]) then return false end end\n"
    "  for k in pairs(b) do if a[k] == nil then return false end end\n"
    "  return true\n"
    "end\n"
    "assert(same(v, back), 'dump did not load back equal:\\n' .. out)\n";

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
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
        fprintf(stderr, "yaml_dump: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
