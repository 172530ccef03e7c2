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

/* Pushes the array a JSON text of plain strings is ('["a","b"]', as json.encode writes tags and
 * ids: no escape, no control character, no blank), or returns 0 when the text is anything else
 * (then parley.json.decode reads it: this is only its common case, made without a Lua call). */
static int push_string_array(lua_State *L, const char *s, size_t len)
{
    size_t i = 1;
    lua_Integer n = 0;
    if (len < 2 || s[0] != '[')
        return 0;
    if (len == 2 && s[1] == ']') {
        lua_newtable(L);
        return 1;
    }
    /* a first pass checks the whole text, so that nothing is pushed for a text declined */
    for (;;) {
        if (i >= len || s[i] != '"')
            return 0;
        for (i++; i < len && s[i] != '"'; i++) {
            unsigned char c = (unsigned char)s[i];
            if (c == '\\' || c < 0x20 || c == 0x7f)
                return 0;
        }
        if (i >= len)
            return 0;
        i++; /* the closing quote */
        n++;
        if (i < len && s[i] == ',') {
            i++;
            continue;
        }
        if (i == len - 1 && s[i] == ']')
            break;
        return 0;
    }
    lua_createtable(L, (int)n, 0);
    for (i = 1, n = 0;;) {
        size_t start = i + 1, end = start;
        while (s[end] != '"')
            end++;
        lua_pushlstring(L, s + start, end - start);
        lua_rawseti(L, -2, ++n);
        i = end + 1;
        if (s[i] == ']')
            break;
        i++; /* the comma */
    }
    return 1;
}

/* rec[key] = r[column] (raw), key and column at plan[entry][kk], [kc]; returns the type */
static int copy_column(lua_State *L, int r, int entry, lua_Integer kc)
{
    lua_rawgeti(L, entry, kc);
    return lua_rawget(L, r);
}

/* core.read_coded(r, rec, plan, decode): the coded fields of a row that record_schema reads the
 * same way for every table, in C (read_row did them through a Lua codec call each: most of
 * the cost of reading a claim back). plan: an array of entries, each
 *   {1, key, period_key, column, precision_column, start_column, end_column}  a date: rec[key]
 *       = the text, rec[period_key] = {text=, precision=, first=, last=}, when the text is there;
 *   {2, key, subkeys, subcolumns, booleans}  a group (a count): rec[key] = {subkey = value}
 *       with each present column (booleans[i]: stored 1 or 0, read as true or false), or
 *       nothing when none is present;
 *   {3, key, column}  JSON text: rec[key] = decode(text) (plain string arrays decoded here);
 *   {4, key, column, list_column}  one value or a list: rec[key] = r[column] when r[list_column]
 *       is nil.
 * Returns rec. */
static int l_read_coded(lua_State *L)
{
    lua_Integer n, i;
    luaL_checktype(L, 1, LUA_TTABLE);
    luaL_checktype(L, 2, LUA_TTABLE);
    luaL_checktype(L, 3, LUA_TTABLE);
    luaL_checktype(L, 4, LUA_TFUNCTION);
    lua_settop(L, 4);
    n = (lua_Integer)lua_rawlen(L, 3);
    for (i = 1; i <= n; i++) {
        lua_Integer kind;
        int entry;
        lua_rawgeti(L, 3, i); /* 5: the entry */
        entry = 5;
        luaL_checktype(L, entry, LUA_TTABLE);
        lua_rawgeti(L, entry, 1);
        kind = lua_tointeger(L, -1);
        lua_pop(L, 1);
        if (kind == 1) {
            if (copy_column(L, 1, entry, 4) == LUA_TNIL) { /* 6: the text */
                lua_pop(L, 1);
            } else {
                lua_createtable(L, 0, 4); /* 7: the period */
                lua_pushvalue(L, 6);
                lua_setfield(L, 7, "text");
                copy_column(L, 1, entry, 5);
                lua_setfield(L, 7, "precision");
                copy_column(L, 1, entry, 6);
                lua_setfield(L, 7, "first");
                copy_column(L, 1, entry, 7);
                lua_setfield(L, 7, "last");
                lua_rawgeti(L, entry, 3);
                lua_insert(L, 7);
                lua_rawset(L, 2); /* rec[period_key] = period */
                lua_rawgeti(L, entry, 2);
                lua_insert(L, 6);
                lua_rawset(L, 2); /* rec[key] = text */
            }
        } else if (kind == 2) {
            lua_Integer m, j;
            int made = 0;
            lua_rawgeti(L, entry, 3); /* 6: subkeys */
            lua_rawgeti(L, entry, 4); /* 7: subcolumns */
            lua_rawgeti(L, entry, 5); /* 8: booleans */
            luaL_checktype(L, 6, LUA_TTABLE);
            luaL_checktype(L, 7, LUA_TTABLE);
            luaL_checktype(L, 8, LUA_TTABLE);
            m = (lua_Integer)lua_rawlen(L, 6);
            for (j = 1; j <= m; j++) {
                int v;
                lua_rawgeti(L, 7, j);
                if (lua_rawget(L, 1) == LUA_TNIL) { /* the value */
                    lua_pop(L, 1);
                    continue;
                }
                v = lua_gettop(L);
                if (lua_rawgeti(L, 8, j) == LUA_TBOOLEAN && lua_toboolean(L, -1)) {
                    /* stored 1 or 0: 1 is true, anything else false (as n == 1 in Lua) */
                    int one = lua_type(L, v) == LUA_TNUMBER && lua_tonumber(L, v) == 1;
                    lua_pop(L, 2);
                    lua_pushboolean(L, one);
                } else {
                    lua_pop(L, 1);
                }
                if (!made) {
                    lua_createtable(L, 0, (int)m); /* 9: the group, below the value */
                    lua_insert(L, 9);
                    made = 1;
                }
                lua_rawgeti(L, 6, j);
                lua_insert(L, -2);
                lua_rawset(L, 9); /* group[subkey] = value */
            }
            if (made) {
                lua_rawgeti(L, entry, 2);
                lua_insert(L, 9);
                lua_rawset(L, 2);
            }
            lua_settop(L, 5);
        } else if (kind == 3) {
            size_t len = 0;
            const char *text;
            if (copy_column(L, 1, entry, 3) == LUA_TNIL) { /* 6 */
                lua_pop(L, 1);
            } else {
                /* (a value that is no text goes to the decoder as it is) */
                text = lua_type(L, 6) == LUA_TSTRING ? lua_tolstring(L, 6, &len) : NULL;
                if (!(text && push_string_array(L, text, len))) {
                    lua_pushvalue(L, 4);
                    lua_pushvalue(L, 6);
                    lua_call(L, 1, 1);
                }
                lua_rawgeti(L, entry, 2);
                lua_insert(L, -2);
                lua_rawset(L, 2);
                lua_pop(L, 1); /* the text */
            }
        } else if (kind == 4) {
            if (copy_column(L, 1, entry, 4) == LUA_TNIL) {
                lua_pop(L, 1);
                lua_rawgeti(L, entry, 2);
                copy_column(L, 1, entry, 3);
                lua_rawset(L, 2);
            } else {
                lua_pop(L, 1);
            }
        } else {
            return luaL_error(L, "read_coded: plan[%d] is of no kind known", (int)i);
        }
        lua_settop(L, 4);
    }
    lua_settop(L, 2);
    return 1;
}

int parley_open_record_row(lua_State *L)
{
    lua_pushcfunction(L, l_fill_row);
    lua_setfield(L, -2, "fill_row");
    lua_pushcfunction(L, l_read_fields);
    lua_setfield(L, -2, "read_fields");
    lua_pushcfunction(L, l_read_coded);
    lua_setfield(L, -2, "read_coded");
    return 0;
}
