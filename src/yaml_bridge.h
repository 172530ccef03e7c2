/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the YAML bridge: yaml_schema.c (what a plain scalar means),
 * yaml_load.c (libyaml events to Lua values) and yaml_dump.c (Lua values to YAML text).
 * Not named yaml.h: with -Isrc that name would shadow libyaml's own header. */
#ifndef PARLEY_YAML_BRIDGE_H
#define PARLEY_YAML_BRIDGE_H

#include <stddef.h>
#include "parley.h"

/* Scalar resolution rules: the YAML 1.2 core schema (the default) or YAML 1.1's. */
enum { PY_SCHEMA_CORE, PY_SCHEMA_11 };

/* What the text of a scalar resolves to. PY_BIGINT is an integer that does not fit in 64 bits;
 * PY_FLOAT is a finite float still to convert (parley_yaml_push_float). */
typedef enum {
    PY_STR, PY_NULL, PY_TRUE, PY_FALSE, PY_INT, PY_BIGINT, PY_FLOAT, PY_INF, PY_NINF, PY_NAN
} py_kind;

/* The type of a plain scalar under schema; *iv receives the value of a PY_INT. */
py_kind parley_yaml_resolve(const char *s, size_t len, int schema, lua_Integer *iv);
/* Only the numeric forms (for the !!int and !!float tags): PY_STR when s is not a number. */
py_kind parley_yaml_number(const char *s, size_t len, int schema, lua_Integer *iv);
/* Pushes the value of a PY_FLOAT scalar s (NUL-terminated at len); 0 if it does not convert. */
int parley_yaml_push_float(lua_State *L, const char *s, size_t len, int schema);

/* Adds dump to the table on top of the stack (core.yaml). */
void parley_yaml_open_dump(lua_State *L);

#endif
