/* SPDX-License-Identifier: MIT */
/* Shared declarations of the parley.core C module. */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
#include <stdint.h>
#include <lua.h>
#include <lauxlib.h>

#ifndef PARLEY_VERSION
#define PARLEY_VERSION "scm"
#endif

/* Each concern registers its functions into the module table on top of the stack.
 * The list of concerns is src/modules.h. */
#define PARLEY_MODULE(name) int parley_open_##name(lua_State *L);
#include "modules.h"
#undef PARLEY_MODULE

/* The null sentinel (parley.null), shared by the store and the YAML bridge. */
void parley_push_null(lua_State *L);
int parley_is_null(lua_State *L, int idx);

/* A read-only connection for a rule (store.c): see its comment. setup (the sandbox's) sets
 * the connection's limits and handlers; vfs names the VFS to open it with (NULL: default). */
struct sqlite3;
int parley_store_push_rule_db(lua_State *L, const char *path, const char *vfs, void (*setup)(struct sqlite3 *, void *),
                              void *ud);

/* Charges n units of work done inside a C function to the rule sandbox running in L, and
 * raises if it has passed a limit; does nothing outside a sandbox (sandbox_limits.c). The
 * name kernels call it so that work a rule causes in them is bounded by its limits. */
void parley_sandbox_charge(lua_State *L, size_t n);

/* The SHA-256 of len bytes at s as 64 lowercase hex digits (not NUL-terminated; sha256.c). */
void parley_sha256_hex(const void *s, size_t len, char hex[64]);
/* SHA-256 fed piece by piece (sha256.c): init, update as often as needed, final_hex once. It is
 * OpenSSL's (libcrypto), whose block function uses the processor's SHA instructions where it has
 * them: every record of an import is hashed. Its context is a plain struct (no allocation, so an
 * error raised midway leaks nothing), from the low-level interface OpenSSL 3 still ships. */
#ifndef OPENSSL_SUPPRESS_DEPRECATED
#define OPENSSL_SUPPRESS_DEPRECATED
#endif
#include <openssl/sha.h>
struct parley_sha256 {
    SHA256_CTX ctx;
};
void parley_sha256_init(struct parley_sha256 *c);
void parley_sha256_update(struct parley_sha256 *c, const void *data, size_t len);
void parley_sha256_final_hex(struct parley_sha256 *c, char hex[64]);

#endif
