/* SPDX-License-Identifier: MIT */
/* The plain part of a row record_schema writes (lua/parley/record_schema.lua's insert_row), and
 * of a record it reads back (read_row), in C: an import writes a row for every record and
 * every entry, transfer and name in it, and every rule reads them back; these loops of table
 * stores were a fifth of the Lua work of writing them and of reading them. */
#include "parley.h"

/* core.fill_row(row, links, nlinks, clear_at, put_at, put_key, rec): row[1..nlinks] =
 * links[1..nlinks]; row[clear_at[i]] = nil; row[put_at[i]] = rec[put_key[i]]. Raw reads and
 * writes (records are plain tables); a rec that is not a table (an item of a list of values)
 * has no fields: each put_at position gets nil. Returns row. */
static int l_fill_row(lua_State *L)
{
    lua_Integer nlinks = luaL_checkinteger(L, 3), i, n;
    int rec_is_table = lua_type(L, 7) == LUA_TTABLE;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TTABLE);
    luaL_checktype(L, 5, LUA_TTABLE);
    luaL_checktype(L, 6, LUA_TTABLE);
    lua_settop(L, 7);
    for (i = 1; i <= nlinks; i++) {
        lua_rawgeti(L, 2, i);
        lua_rawseti(L, 1, i);
    }
    n = (lua_Integer)lua_rawlen(L, 4);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 4, i);
        lua_pushnil(L);
        lua_rawset(L, 1);
    }
    n = (lua_Integer)lua_rawlen(L, 5);
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 5, i); /* the position */
        if (rec_is_table) {
            lua_rawgeti(L, 6, i); /* the field's key */
            lua_rawget(L, 7);
        } else {
            lua_pushnil(L);
        }
        lua_rawset(L, 1);
    }
    lua_settop(L, 1);
    return 1;
}

/* core.read_fields(r, keys, columns, more): a new table, its hash part sized for #keys + more
 * fields (a record read back grows no further as its coded fields are added), with
 * rec[keys[i]] = r[columns[i]] read raw (r: a row as db:query gives it). */
static int l_read_fields(lua_State *L)
{
    lua_Integer n, i, more = luaL_checkinteger(L, 4);
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_argcheck(L, more >= 0 && more <= 1000, 4, "from 0 to 1000");
    n = (lua_Integer)lua_rawlen(L, 2);
    lua_settop(L, 3);
    lua_createtable(L, 0, (int)(n + more)); /* at 4 */
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 2, i); /* the record's key */
        lua_rawgeti(L, 3, i); /* the row's column */
        lua_rawget(L, 1);
        lua_rawset(L, 4);
    }
    return 1;
}

int parley_open_record_row(lua_State *L)
{
    lua_pushcfunction(L, l_fill_row);
    lua_setfield(L, -2, "fill_row");
    lua_pushcfunction(L, l_read_fields);
    lua_setfield(L, -2, "read_fields");
    return 0;
}
