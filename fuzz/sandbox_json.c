/* SPDX-License-Identifier: MIT */
/* libFuzzer harness for the rule sandbox's JSON (src/sandbox_json.c): the decoder of
 * ctx.params and the encoder of findings and parameters, called directly under lua_pcall.
 *
 * For each input: decode it; a refusal must be a message naming the value and the byte
 * offset. What decodes must encode (or be refused with a message: a NaN, a key JSON cannot
 * hold), and the encoded text must be a fixed point (decode then encode gives it again) and
 * be what lua/parley/json.lua gives for the same value: the sandbox's texts are stored as
 * parley.json's (docs/sandbox.md). Anything else aborts. Lua modules come from LUA_PATH_5_4. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"
#include <lualib.h>

int luaopen_parley_core(lua_State *L);

/* decode(text) -> value */
static int decode(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    sbjson_decode(L, s, len, "fuzz");
    return 1;
}

/* encode(value) -> text */
static int encode(lua_State *L)
{
    SbBuf b;
    lua_settop(L, 1);
    sbbuf_init(L, &b, 64);
    sbjson_encode(L, 1, &b, 0, "fuzz");
    lua_pushlstring(L, b.p, b.n);
    return 1;
}

static const char CHECK[] =
    "local decode, encode, text = ...\n"
    "local json = require 'parley.json'\n"
    "local ok, v = pcall(decode, text)\n"
    "if not ok then\n"
    "  assert(type(v) == 'string' and v:find('fuzz'), tostring(v))\n"
    "  return\n"
    "end\n"
    "local ok2, out = pcall(encode, v)\n"
    "if not ok2 then\n"
    "  assert(type(out) == 'string' and out:find('fuzz'), tostring(out))\n"
    "  return\n"
    "end\n"
    "assert(encode(decode(out)) == out, 'not a fixed point: ' .. out)\n"
    "assert(json.encode(v) == out, 'parley.json differs: ' .. json.encode(v) .. ' vs ' .. out)\n";

static lua_State *L;
static int check_ref;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc, (void)argv;
    L = luaL_newstate();
    luaL_openlibs(L);
    luaL_requiref(L, "parley.core", luaopen_parley_core, 0);
    lua_pop(L, 1);
    if (luaL_loadbuffer(L, CHECK, sizeof CHECK - 1, "=check") != LUA_OK) {
        fprintf(stderr, "%s\n", lua_tostring(L, -1));
        abort();
    }
    check_ref = luaL_ref(L, LUA_REGISTRYINDEX);
    return 0;
}

int LLVMFuzzerTestOneInput(const unsigned char *data, size_t size)
{
    static unsigned long runs;
    lua_rawgeti(L, LUA_REGISTRYINDEX, check_ref);
    lua_pushcfunction(L, decode);
    lua_pushcfunction(L, encode);
    lua_pushlstring(L, (const char *)data, size);
    if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
        fprintf(stderr, "sandbox_json: %s\n", lua_tostring(L, -1));
        abort();
    }
    if (++runs % 256 == 0)
        lua_gc(L, LUA_GCCOLLECT);
    return 0;
}
