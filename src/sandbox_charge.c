/* SPDX-License-Identifier: MIT */
/* C functions whose cost grows with their arguments, charged before they run.
 *
 * The count hook never fires inside a C function, so a rule calling os.date with a 500 KB
 * format, table.concat over a million strings or utf8.len of 16 MB in a loop would pass 1,000
 * hook instructions (one clock check) only after minutes. Each function below is replaced, in
 * the rule's private copies of the libraries, by a closure that first charges what the call
 * will cost to the instruction budget (which also checks the clock and the watchdog's flag)
 * and then calls the original. So every call is paid for before it starts, and a rule past its
 * deadline stops at the next call.
 *
 * The cost is in instruction units: one per element a call walks, and one per CHARGE_BYTES
 * bytes it reads or writes (copying 8 bytes is about as quick as one VM instruction). */
#include <lualib.h>
#include "sandbox.h"

#define CHARGE_BYTES 8

enum {
    COST_BYTES,  /* the bytes of every string argument, and one per argument */
    COST_CONCAT, /* table.concat(t, sep, i, j): j - i + 1 elements and the separators */
    COST_UNPACK, /* table.unpack(t, i, j): j - i + 1 elements */
    COST_SORT,   /* n log2 n comparisons over #t */
    COST_FORMAT, /* a format (os.date): each byte of it may expand to a few hundred */
    COST_CELLS   /* an edit-distance table: (bytes of a + 1) * (bytes of b + 1) cells */
};

#define FORMAT_EXPANSION 64
/* Cells of one edit-distance table a rule may ask for: the kernels cannot be interrupted, so
 * one call must stay short (about 10 ms; names are far shorter than 2,000 letters). */
#define MAX_CELLS 4000000

static size_t string_bytes(lua_State *L, int n)
{
    size_t total = (size_t)n, len;
    int i;
    for (i = 1; i <= n; i++)
        if (lua_type(L, i) == LUA_TSTRING) {
            lua_tolstring(L, i, &len);
            total += len / CHARGE_BYTES;
        }
    return total;
}

/* j - i + 1 of t[i..j] as table.concat and table.unpack read them (#t through __len). */
static size_t range(lua_State *L, int first_arg)
{
    lua_Integer i, j;
    if (lua_type(L, 1) != LUA_TTABLE)
        return 1;
    i = luaL_optinteger(L, first_arg, 1);
    j = lua_isnoneornil(L, first_arg + 1) ? luaL_len(L, 1) : luaL_checkinteger(L, first_arg + 1);
    if (j < i)
        return 1;
    if ((lua_Unsigned)j - (lua_Unsigned)i >= (lua_Unsigned)((size_t)-1 / 2))
        return (size_t)-1 / 2;
    return (size_t)((lua_Unsigned)j - (lua_Unsigned)i) + 1;
}

static size_t cost_of(lua_State *L, int kind)
{
    int n = lua_gettop(L);
    size_t len, a, b;
    switch (kind) {
    case COST_CONCAT: {
        size_t sep = 0, count = range(L, 3);
        if (lua_type(L, 2) == LUA_TSTRING)
            lua_tolstring(L, 2, &sep);
        return count + (sep > 0 && count > ((size_t)-1 / 4) / sep ? (size_t)-1 / 4 : count * sep / CHARGE_BYTES);
    }
    case COST_UNPACK:
        return range(L, 2);
    case COST_SORT: {
        lua_Integer cnt = lua_type(L, 1) == LUA_TTABLE ? luaL_len(L, 1) : 1;
        size_t bits = 1;
        if (cnt <= 1)
            return 1;
        if (cnt > ((lua_Integer)1 << 40))
            return (size_t)-1 / 2;
        while (((lua_Integer)1 << bits) < cnt)
            bits++;
        return (size_t)cnt * bits;
    }
    case COST_FORMAT:
        if (lua_type(L, 1) != LUA_TSTRING)
            return 1;
        lua_tolstring(L, 1, &len);
        return 1 + len * FORMAT_EXPANSION / CHARGE_BYTES;
    case COST_CELLS:
        a = b = 0;
        if (lua_type(L, 1) == LUA_TSTRING)
            lua_tolstring(L, 1, &a);
        if (lua_type(L, 2) == LUA_TSTRING)
            lua_tolstring(L, 2, &b);
        return a < 0x7fffffff && b < 0x7fffffff ? (a + 1) * (b + 1) : (size_t)-1 / 2;
    default:
        return string_bytes(L, n);
    }
}

/* upvalue 1: the original function; upvalue 2: its COST_*. */
static int charged(lua_State *L)
{
    int kind = (int)lua_tointeger(L, lua_upvalueindex(2));
    size_t cost = cost_of(L, kind);
    if (kind == COST_CELLS && cost > MAX_CELLS)
        return luaL_error(L, "names: strings too long to compare in a rule (%I cells, at most %d)",
                          (lua_Integer)(cost < (size_t)LUA_MAXINTEGER ? cost : (size_t)LUA_MAXINTEGER), MAX_CELLS);
    parley_sandbox_charge(L, cost);
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
    return lua_gettop(L);
}

typedef struct Charged {
    const char *lib, *name;
    int kind;
} Charged;

static const Charged charged_functions[] = {
    {LUA_STRLIBNAME, "byte", COST_BYTES},    {LUA_STRLIBNAME, "char", COST_BYTES},
    {LUA_STRLIBNAME, "format", COST_BYTES},  {LUA_STRLIBNAME, "lower", COST_BYTES},
    {LUA_STRLIBNAME, "upper", COST_BYTES},   {LUA_STRLIBNAME, "reverse", COST_BYTES},
    {LUA_STRLIBNAME, "sub", COST_BYTES},     {LUA_STRLIBNAME, "pack", COST_BYTES},
    {LUA_STRLIBNAME, "unpack", COST_BYTES},  {LUA_STRLIBNAME, "packsize", COST_BYTES},
    {LUA_TABLIBNAME, "concat", COST_CONCAT}, {LUA_TABLIBNAME, "unpack", COST_UNPACK},
    {LUA_TABLIBNAME, "sort", COST_SORT},     {LUA_TABLIBNAME, "pack", COST_BYTES},
    {LUA_UTF8LIBNAME, "len", COST_BYTES},    {LUA_UTF8LIBNAME, "char", COST_BYTES},
    {LUA_UTF8LIBNAME, "codepoint", COST_BYTES}, {LUA_UTF8LIBNAME, "offset", COST_BYTES},
    {LUA_OSLIBNAME, "date", COST_FORMAT},    {LUA_GNAME, "tostring", COST_BYTES},
    {LUA_GNAME, "tonumber", COST_BYTES},     {LUA_GNAME, "select", COST_BYTES},
    {NULL, NULL, 0},
};

/* The name kernels a rule reaches through parley.core.names (parley.names calls them). link
 * charges the pairs it compares itself (names_link.c); here it pays for reading its lists. */
static const Charged charged_names[] = {
    {NULL, "levenshtein", COST_CELLS}, {NULL, "jaro_winkler", COST_CELLS},
    {NULL, "key", COST_BYTES},         {NULL, "parse", COST_BYTES},
    {NULL, "match", COST_BYTES},       {NULL, "pack", COST_BYTES},
    {NULL, NULL, 0},
};

static void replace(lua_State *L, int t, const Charged *c)
{
    if (lua_getfield(L, t, c->name) != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushinteger(L, c->kind);
    lua_pushcclosure(L, charged, 2);
    lua_setfield(L, t, c->name);
}

void parley_sandbox_charged_libs(lua_State *L)
{
    const Charged *c;
    for (c = charged_functions; c->name; c++) {
        if (lua_getglobal(L, c->lib) == LUA_TTABLE)
            replace(L, lua_gettop(L), c);
        lua_pop(L, 1);
    }
}

void parley_sandbox_charged_names(lua_State *L, int names)
{
    const Charged *c;
    names = lua_absindex(L, names);
    for (c = charged_names; c->name; c++)
        replace(L, names, c);
}

/* core.json_encode for a rule (parley.json.encode calls it): its work is the text it writes,
 * known only once it is written (a table shared by many parents is written once for each), so
 * it is charged after the call, one unit per CHARGE_BYTES of text; the memory limit bounds the
 * text, and so the call, before that. */
static int charged_json_encode(lua_State *L)
{
    size_t len;
    lua_pushvalue(L, lua_upvalueindex(1));
    lua_insert(L, 1);
    lua_call(L, lua_gettop(L) - 1, 1);
    lua_tolstring(L, -1, &len);
    parley_sandbox_charge(L, 1 + len / CHARGE_BYTES);
    return 1;
}

void parley_sandbox_charged_core(lua_State *L, int core)
{
    core = lua_absindex(L, core);
    if (lua_getfield(L, core, "json_encode") != LUA_TFUNCTION) {
        lua_pop(L, 1);
        return;
    }
    lua_pushcclosure(L, charged_json_encode, 1);
    lua_setfield(L, core, "json_encode");
}
