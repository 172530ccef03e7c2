/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for parley.core.yaml.load with opts.marks and for load_all.
 *
 * Per input: a fresh lua_State with parley.core, then a Lua check that calls the C functions
 * under pcall and asserts what the marks promise: every table produced has a marks entry with
 * a 1-based line and column, and every key of it a position in keys and in values. load_all
 * must agree with load on the first document of a single-document input. Any error escaping
 * the check aborts, as do the sanitizers' reports.
 * One input in four runs instead under a Lua allocator that fails past a budget (256 KB to
 * 2.25 MB, from the input's bytes): memory errors then strike at every point of the loader,
 * and only the sanitizers judge (nothing may leak or be touched after it is freed). */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, text, limited = ...\n"
    "if limited then\n"
    "  pcall(core.yaml.load, text, { marks = true })\n"
    "  pcall(core.yaml.load_all, text, { marks = true, tags = { ['!t'] = function(v) return v end } })\n"
    "  return\n"
    "end\n"
    "local y = core.yaml\n"
    "local function pos(p)\n"
    "  assert(type(p) == 'table' and math.type(p.line) == 'integer' and p.line >= 1\n"
    "         and math.type(p.column) == 'integer' and p.column >= 1, 'bad position')\n"
    "end\n"
    "local function check(value, marks)\n"
    "  local todo, seen = { value }, {}\n"
    "  while #todo > 0 do\n"
    "    local t = table.remove(todo)\n"
    "    if type(t) == 'table' and not seen[t] then\n"
    "      seen[t] = true\n"
    "      local m = marks[t]\n"
    "      assert(m, 'a table without marks')\n"
    "      pos(m)\n"
    "      for k, v in pairs(t) do\n"
    "        pos(m.keys[k]); pos(m.values[k])\n"
    "        todo[#todo + 1] = v\n"
    "      end\n"
    "    end\n"
    "  end\n"
    "end\n"
    "local ok, v, marks = pcall(y.load, text, { marks = true, max_depth = 300 })\n"
    "if ok then\n"
    "  assert(type(marks) == 'table')\n"
    "  check(v, marks)\n"
    "else\n"
    "  assert(type(v) == 'string' and v:find('^<string>:%d+:%d+: .'), tostring(v))\n"
    "end\n"
    "-- load_all accepts all that load does (its depth limit is higher)\n"
    "local ok2, docs, marks2 = pcall(y.load_all, text, { marks = true, name = 'f.yaml' })\n"
    "if ok2 then\n"
    "  for _, d in ipairs(docs) do check(d, marks2) end\n"
    "  if ok then assert(#docs <= 1 and (#docs == 1) == (v ~= nil), 'load and load_all disagree') end\n"
    "else\n"
    "  assert(not ok, 'load accepted what load_all refused: ' .. tostring(docs))\n"
    "  assert(type(docs) == 'string' and docs:find('^f.yaml:%d+:%d+: .'), tostring(docs))\n"
    "end\n";

typedef struct Budget {
    size_t used, limit;
} Budget;

/* The standard allocator, refusing to grow past b->limit bytes in use. */
static void *limited_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    Budget *b = (Budget *)ud;
    size_t old = ptr ? osize : 0;
    void *p;
    if (nsize == 0) {
        free(ptr);
        b->used -= old;
        return NULL;
    }
    if (nsize > old && b->used - old + nsize > b->limit)
        return NULL;
    p = realloc(ptr, nsize);
    if (p)
        b->used = b->used - old + nsize;
    return p;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    Budget budget = {0, (size_t)-1};
    int limited = size % 4 == 3, status;
    lua_State *L = lua_newstate(limited_alloc, &budget);
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pushlstring(L, (const char *)data, size);
    lua_pushboolean(L, limited);
    if (limited) {
        unsigned h = 2166136261u;
        size_t i;
        for (i = 0; i < size; i++)
            h = (h ^ data[i]) * 16777619u;
        budget.limit = budget.used + 256 * 1024 + h % (2048 * 1024);
    }
    status = lua_pcall(L, 3, 0, 0);
    if (status != LUA_OK && !(limited && status == LUA_ERRMEM)) {
        fprintf(stderr, "yaml_marks: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
