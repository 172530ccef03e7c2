/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for core.names.link on arbitrary packed bytes: the packed form is what
 * parley.names hands the kernel, but a rule can call core.names.link itself with any strings.
 *
 * The input is cut at each 0xFE byte into entries; the first byte of the input says how many
 * entries go to the left list (the rest go right), its low bit whether to compare exhaustively;
 * each entry's last byte, when there is one, is also its year of birth (1900 + the byte).
 * The kernel must either raise "names.link: entry N is not a packed name" or return pairs
 * (one-to-one, indices in range, scores in [0, 1]), uncertain pairs likewise, and a count of
 * pairs compared no greater than left x right. Anything else aborts. A valid packed name of
 * core.names.pack is added to each side so that the comparison itself runs too. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <lua.h>
#include <lauxlib.h>
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

static const char CHECK[] =
    "local core, entries, nleft, exhaustive = ...\n"
    "local left, right, bl, br = { core.names.pack('Elvin Mammadov') }, { core.names.pack('Mammadov Elvin') }, {}, {}\n"
    "for i, e in ipairs(entries) do\n"
    "  local side, born = i <= nleft and left or right, i <= nleft and bl or br\n"
    "  side[#side + 1] = e\n"
    "  if #e > 0 then born[#side] = 1900 + e:byte(-1) end\n"
    "end\n"
    "local ok, pairs_, unc, compared = pcall(core.names.link, left, right, bl, br, nil, nil, 0.86, 0.7, exhaustive)\n"
    "if not ok then\n"
    "  assert(tostring(pairs_):find('names.link: entry %d+ is not a packed name'), tostring(pairs_))\n"
    "  return\n"
    "end\n"
    "assert(compared <= #left * #right, 'compared')\n"
    "local ul, ur = {}, {}\n"
    "for _, list in ipairs({ pairs_, unc }) do\n"
    "  for _, p in ipairs(list) do\n"
    "    assert(p.left >= 1 and p.left <= #left and p.right >= 1 and p.right <= #right, 'index')\n"
    "    assert(not ul[p.left] and not ur[p.right], 'one-to-one')\n"
    "    ul[p.left], ur[p.right] = true, true\n"
    "    assert(p.score >= 0 and p.score <= 1, 'score')\n"
    "  end\n"
    "end\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    lua_State *L = luaL_newstate();
    size_t at = size ? 1 : 0;
    int n = 0;
    if (L == NULL)
        return 0;
    luaL_openlibs(L);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_newtable(L);
    while (at < size) {
        const uint8_t *cut = memchr(data + at, 0xFE, size - at);
        size_t len = cut ? (size_t)(cut - (data + at)) : size - at;
        lua_pushlstring(L, (const char *)data + at, len);
        lua_rawseti(L, -2, ++n);
        at += len + 1;
    }
    lua_pushinteger(L, size ? (data[0] >> 1) % (n + 1) : 0);
    lua_pushboolean(L, size ? data[0] & 1 : 0);
    if (lua_pcall(L, 4, 0, 0) != LUA_OK) {
        fprintf(stderr, "names_link: %s\n", lua_tostring(L, -1));
        abort();
    }
    lua_close(L);
    return 0;
}
