/* SPDX-License-Identifier: MIT */
/* core.sort_integers(list): sorts a list of integers in place, ascending.
 *
 * The resolution of people orders hundreds of thousands of pairs by integer keys (a pair's
 * entries' ranks: lua/parley/people.lua) and writes its rows in key order; table.sort compares
 * through the Lua API, element by element (0.25 s for 600,000 keys, three times in a
 * resolution at 100,000 claims). Integers sort the same here, by a radix sort: a few linear
 * passes. The values are copied into userdata (an error leaves nothing to free). */
#include <stdint.h>
#include <string.h>
#include "parley.h"

/* LSD radix sort by bytes of the values with their sign bit flipped (so that they order as
 * unsigned), from v into v or tmp (n values each; count: 8 histograms, in userdata like them,
 * as sorts may run in two rules' threads at once); returns the one that holds the result. The
 * histograms of all eight bytes are made in one pass, and a byte every value shares (the high
 * bytes of keys far below 2^63) is skipped. */
static lua_Integer *radix_sort(lua_Integer *v, lua_Integer *tmp, size_t n, size_t (*count)[256])
{
    const uint64_t sign = (uint64_t)1 << 63;
    size_t i;
    int b, k;
    memset(count, 0, 8 * sizeof *count);
    for (i = 0; i < n; i++) {
        uint64_t u = (uint64_t)v[i] ^ sign;
        for (b = 0; b < 8; b++)
            count[b][(u >> (8 * b)) & 0xff]++;
    }
    for (b = 0; b < 8; b++) {
        size_t pos = 0;
        lua_Integer *swap;
        if (count[b][(((uint64_t)v[0] ^ sign) >> (8 * b)) & 0xff] == n)
            continue; /* every value has this byte: the order stays */
        for (k = 0; k < 256; k++) {
            size_t c = count[b][k];
            count[b][k] = pos;
            pos += c;
        }
        for (i = 0; i < n; i++) {
            uint64_t u = (uint64_t)v[i] ^ sign;
            tmp[count[b][(u >> (8 * b)) & 0xff]++] = v[i];
        }
        swap = v;
        v = tmp;
        tmp = swap;
    }
    return v;
}

static int l_sort_integers(lua_State *L)
{
    lua_Integer n, i;
    lua_Integer *v, *tmp, *sorted;
    size_t(*count)[256];
    luaL_checktype(L, 1, LUA_TTABLE);
    n = luaL_len(L, 1);
    if (n < 2)
        return 0;
    if ((lua_Unsigned)n > ((size_t)-1) / 2 / sizeof *v)
        return luaL_error(L, "sort_integers: list too long");
    v = (lua_Integer *)lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);
    tmp = (lua_Integer *)lua_newuserdatauv(L, (size_t)n * sizeof *v, 0);
    count = (size_t(*)[256])lua_newuserdatauv(L, 8 * sizeof *count, 0);
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, 1, i + 1);
        if (!lua_isinteger(L, -1))
            return luaL_error(L, "sort_integers: item %d is not an integer", (int)(i + 1));
        v[i] = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    sorted = radix_sort(v, tmp, (size_t)n, count);
    for (i = 0; i < n; i++) {
        lua_pushinteger(L, sorted[i]);
        lua_rawseti(L, 1, i + 1);
    }
    return 0;
}

int parley_open_sort(lua_State *L)
{
    lua_pushcfunction(L, l_sort_integers);
    lua_setfield(L, -2, "sort_integers");
    return 0;
}
