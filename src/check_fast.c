/* SPDX-License-Identifier: MIT */
/* The common case of checking a mapping against a field spec (parley.check), in C: every key
 * known, every value with a fast form fine by it. It is the first loop of check.fields, run for
 * every record and every mapping within one of an import; what it cannot settle it leaves to
 * the Lua checkers, which say every problem at file:line:col with the key path.
 *
 * core.check_fast(ctx, v, fields, required, null) -> out, or false.
 * fields[name] is the spec's field: {check, fast, required, native, arg, min, max}. For each
 * key of v (v is a mapping: the caller has said so): no such field -> false; a parley.null
 * value is left out; a value with a native form (`native`, check.lua's NATIVE codes) is checked
 * here, any other with a fast form by calling fast(value, ctx); a value either finds not fine
 * -> false. Fine values go into out under their key. Then false unless the number of required
 * fields with a value is `required`. Fields without a fast form are not looked at: the caller
 * checks them after (in the spec's order). The answers are exactly those of check.lua's fast
 * forms, which stay the reference (spec/check_fast_spec.lua compares the two). */
#include <string.h>
#include "parley.h"

/* The native forms (check.lua's NATIVE gives each checker its code). */
enum {
    NATIVE_NONE = 0, /* call the field's fast form */
    NATIVE_STRING = 1,
    NATIVE_ID = 2,      /* a non-empty string with no white space or control character */
    NATIVE_TOKEN = 3,   /* a non-empty string, no blank at either end, no control character */
    NATIVE_ENUM = 4,    /* arg[v] is true */
    NATIVE_INTEGER = 5, /* an integer from min to max (either may be absent) */
    NATIVE_BOOLEAN = 6,
    NATIVE_REF = 7,     /* an id, and ctx.declared[arg][id]; else the fast form decides */
    NATIVE_DATE = 8     /* ctx.parsed_dates[v] when a date; else the fast form decides */
};

/* Lua's %s and %c in the C locale (isspace, iscntrl), which parley's processes keep. */
static int is_space(unsigned char c)
{
    return c == ' ' || (c >= '\t' && c <= '\r');
}

static int is_control(unsigned char c)
{
    return c < 32 || c == 127;
}

static int is_id(const unsigned char *s, size_t n)
{
    size_t i;
    if (n == 0)
        return 0;
    for (i = 0; i < n; i++)
        if (is_space(s[i]) || is_control(s[i]))
            return 0;
    return 1;
}

static int is_token(const unsigned char *s, size_t n)
{
    size_t i;
    if (n == 0 || is_space(s[0]) || is_space(s[n - 1]))
        return 0;
    for (i = 0; i < n; i++)
        if (is_control(s[i]))
            return 0;
    return 1;
}

/* Calls the field's fast form (field at index f) on the value at index v: pushes its result. */
static void call_fast(lua_State *L, int f, int v)
{
    lua_getfield(L, f, "fast");
    lua_pushvalue(L, v);
    lua_pushvalue(L, 1); /* ctx */
    lua_call(L, 2, 1);
}

/* Whether the value at index v is a string that test finds fine. */
static int string_is(lua_State *L, int v, int (*test)(const unsigned char *, size_t))
{
    size_t n;
    const unsigned char *s;
    if (lua_type(L, v) != LUA_TSTRING)
        return 0;
    s = (const unsigned char *)lua_tolstring(L, v, &n);
    return test(s, n);
}

/* Whether t[k] is true, for the table t is (at index t) and the key at index k; the stack as it
 * was. A t that is not a table has nothing. */
static int is_true_in(lua_State *L, int t, int k)
{
    int yes;
    if (lua_type(L, t) != LUA_TTABLE)
        return 0;
    lua_pushvalue(L, k);
    yes = lua_rawget(L, t) == LUA_TBOOLEAN && lua_toboolean(L, -1);
    lua_pop(L, 1);
    return yes;
}

/* Whether the batch declares the record the reference at index v names: ctx.declared[arg][v]. */
static int is_declared(lua_State *L, int f, int v)
{
    int yes = 0;
    if (lua_getfield(L, 1, "declared") == LUA_TTABLE) {
        lua_getfield(L, f, "arg");
        lua_rawget(L, -2);
        yes = is_true_in(L, lua_gettop(L), v);
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
    return yes;
}

/* Whether the integer at index v is within the field's min and max, compared as Lua compares
 * them (either may be absent, or a float). */
static int in_range(lua_State *L, int f, int v)
{
    int fine = 1;
    if (lua_getfield(L, f, "min") != LUA_TNIL && lua_compare(L, v, -1, LUA_OPLT))
        fine = 0;
    if (lua_getfield(L, f, "max") != LUA_TNIL && lua_compare(L, -1, v, LUA_OPLT))
        fine = 0;
    lua_pop(L, 2);
    return fine;
}

/* The date at index v as parsed before (ctx.parsed_dates[v]): pushes its table and returns 1;
 * returns 0, pushing nothing, when it is known not to be a date, and -1 when it was not parsed. */
static int parsed_date(lua_State *L, int v)
{
    int t;
    if (lua_type(L, v) != LUA_TSTRING && !lua_isinteger(L, v))
        return -1;
    if (lua_getfield(L, 1, "parsed_dates") != LUA_TTABLE) {
        lua_pop(L, 1);
        return -1;
    }
    lua_pushvalue(L, v);
    t = lua_rawget(L, -2);
    if (t == LUA_TTABLE) {
        lua_remove(L, -2);
        return 1;
    }
    lua_pop(L, 2);
    return t == LUA_TBOOLEAN ? 0 : -1;
}

/* Checks the value at index v by the field at index f: pushes the value to keep, or nil. */
static void check_value(lua_State *L, int f, int v)
{
    int fine = 0, native;
    lua_getfield(L, f, "native");
    native = (int)lua_tointeger(L, -1);
    lua_pop(L, 1);
    switch (native) {
    case NATIVE_STRING: fine = lua_type(L, v) == LUA_TSTRING; break;
    case NATIVE_BOOLEAN: fine = lua_type(L, v) == LUA_TBOOLEAN; break;
    case NATIVE_ID: fine = string_is(L, v, is_id); break;
    case NATIVE_TOKEN: fine = string_is(L, v, is_token); break;
    case NATIVE_INTEGER: fine = lua_isinteger(L, v) && in_range(L, f, v); break;
    case NATIVE_ENUM:
        lua_getfield(L, f, "arg");
        lua_pushvalue(L, v);
        fine = lua_rawget(L, -2) != LUA_TNIL && lua_toboolean(L, -1);
        lua_pop(L, 2);
        break;
    case NATIVE_REF:
        /* an id the batch declares is fine at once; any other id is the fast form's to say */
        if (!string_is(L, v, is_id))
            break;
        if (is_declared(L, f, v)) {
            fine = 1;
            break;
        }
        call_fast(L, f, v);
        return;
    case NATIVE_DATE: {
        int known = parsed_date(L, v);
        if (known > 0)
            return;
        if (known == 0)
            break;
        call_fast(L, f, v);
        return;
    }
    default:
        call_fast(L, f, v);
        return;
    }
    if (fine)
        lua_pushvalue(L, v);
    else
        lua_pushnil(L);
}

/* core.check_fast(ctx, v, fields, required, null). A v it settles is a mapping as check.is_map
 * has it (a table without a metatable whose keys are field names), so the caller need not ask
 * first; anything else, a table with a metatable among them, is declined. */
static int l_check_fast(lua_State *L)
{
    lua_Integer required = luaL_checkinteger(L, 4), found = 0;
    luaL_checktype(L, 3, LUA_TTABLE);
    if (lua_type(L, 2) != LUA_TTABLE || lua_getmetatable(L, 2)) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_settop(L, 5);
    lua_createtable(L, 0, 4); /* out, at 6: room for a small mapping (an entry, a count) */
    lua_pushnil(L);
    while (lua_next(L, 2)) {
        /* key at 7, value at 8 */
        int field;
        lua_pushvalue(L, 7);
        if (lua_rawget(L, 3) != LUA_TTABLE) {
            lua_pushboolean(L, 0);
            return 1;
        }
        field = lua_gettop(L); /* 9 */
        if (!lua_rawequal(L, 8, 5)) {
            lua_getfield(L, field, "required");
            if (lua_toboolean(L, -1))
                found++;
            lua_pop(L, 1);
            if (lua_getfield(L, field, "fast") != LUA_TNIL) {
                lua_pop(L, 1);
                check_value(L, field, 8);
                if (lua_isnil(L, -1)) {
                    lua_pushboolean(L, 0);
                    return 1;
                }
                lua_pushvalue(L, 7);
                lua_insert(L, -2);
                lua_rawset(L, 6);
            } else {
                lua_pop(L, 1);
            }
        }
        lua_settop(L, 7);
    }
    if (found != required) {
        lua_pushboolean(L, 0);
        return 1;
    }
    lua_settop(L, 6);
    return 1;
}

int parley_open_check_fast(lua_State *L)
{
    lua_pushcfunction(L, l_check_fast);
    lua_setfield(L, -2, "check_fast");
    return 0;
}
