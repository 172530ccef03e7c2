/* SPDX-License-Identifier: MIT */
/* SHA-256 (FIPS 180-4), by OpenSSL's libcrypto, so the store can record the digest of every
 * imported file and of every record. core.sha256(s) returns the lowercase hex digest; the
 * sandbox computes findings' fingerprints with parley_sha256_hex, digest.c record digests with
 * the piecewise form. */
#include <string.h>
#include "parley.h"

void parley_sha256_init(struct parley_sha256 *c)
{
    SHA256_Init(&c->ctx);
}

void parley_sha256_update(struct parley_sha256 *c, const void *data, size_t len)
{
    SHA256_Update(&c->ctx, data, len);
}

void parley_sha256_final_hex(struct parley_sha256 *c, char hex[64])
{
    static const char digits[] = "0123456789abcdef";
    unsigned char md[SHA256_DIGEST_LENGTH];
    int i;
    SHA256_Final(md, &c->ctx);
    for (i = 0; i < SHA256_DIGEST_LENGTH; i++) {
        hex[2 * i] = digits[md[i] >> 4];
        hex[2 * i + 1] = digits[md[i] & 15];
    }
}

void parley_sha256_hex(const void *data, size_t len, char hex[64])
{
    struct parley_sha256 c;
    parley_sha256_init(&c);
    parley_sha256_update(&c, data, len);
    parley_sha256_final_hex(&c, hex);
}

/* core.sha256(s) */
static int l_sha256(lua_State *L)
{
    size_t len;
    const char *s = luaL_checklstring(L, 1, &len);
    char hex[64];
    parley_sha256_hex(s, len, hex);
    lua_pushlstring(L, hex, 64);
    return 1;
}

int parley_open_sha256(lua_State *L)
{
    lua_pushcfunction(L, l_sha256);
    lua_setfield(L, -2, "sha256");
    return 0;
}
