/* SPDX-License-Identifier: MIT */
/* Shared declarations of the parley.core C module. */
#ifndef PARLEY_H
#define PARLEY_H

#include <stddef.h>
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

/* A read-only connection for a rule (store.c): see its comment. */
int parley_store_push_rule_db(lua_State *L, const char *path, int (*progress)(void *), void *ud, int every,
                              int max_length);

/* The SHA-256 of len bytes at s as 64 lowercase hex digits (not NUL-terminated; sha256.c). */
void parley_sha256_hex(const void *s, size_t len, char hex[64]);

#endif
