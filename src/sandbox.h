/* Internal declarations shared by the files of the rule sandbox (sandbox*.c). */
#ifndef PARLEY_SANDBOX_H
#define PARLEY_SANDBOX_H

#include <stddef.h>
#include <lua.h>
#include "parley.h"

/* A growable byte buffer kept in a userdata at a fixed stack index, so that (unlike
 * luaL_Buffer) the stack can be used freely while it grows, and its memory is counted by
 * the state's allocator and reclaimed by the collector if an error unwinds. */
typedef struct SbBuf {
    char *p;
    size_t n, cap;
    int idx;                 /* stack index of the userdata holding p */
    size_t limit;            /* when not 0, growing past it raises limit_error */
    const char *limit_error;
} SbBuf;

void sbbuf_init(lua_State *L, SbBuf *b, size_t cap);
void sbbuf_add(lua_State *L, SbBuf *b, const char *s, size_t len);

/* Flags of sbjson_encode. */
#define SBJSON_OBJECT_IF_EMPTY 1 /* an empty table at the top is {} rather than [] */

/* Encodes the value at idx as deterministic JSON (object keys sorted, integers without a
 * decimal point, floats always with one) onto b. what names the value in error messages
 * ("details", "params"). Raises on values JSON cannot hold. */
void sbjson_encode(lua_State *L, int idx, SbBuf *b, int flags, const char *what);

/* Decodes the JSON text s into a Lua value pushed on the stack; JSON null becomes
 * parley.null. Raises with what and the byte offset on malformed input. */
void sbjson_decode(lua_State *L, const char *s, size_t len, const char *what);

/* Raises if the sandbox running in L has passed a limit, and counts n units of work done
 * inside a C function against its instruction budget (sandbox.c). */
void parley_sandbox_charge(lua_State *L, size_t n);

/* Sets find, match, gmatch and gsub in the table on top of the stack to versions that
 * charge their matching steps (sandbox_match.c). */
void parley_sandbox_patterns(lua_State *L);

/* ------------------------------------------------------- a sandbox state */

enum { LIMIT_NONE, LIMIT_INSTRUCTIONS, LIMIT_MEMORY, LIMIT_TIME, LIMIT_SQL, LIMIT_CLOSING };

typedef struct Limits {
    lua_Integer instructions;
    double memory_mb;
    double seconds;
    lua_Integer findings;
    lua_Integer log_lines;
} Limits;

typedef struct Text {
    char *p;
    size_t len;
} Text;

typedef struct Module {
    Text name, source;
} Module;

/* Everything the allocator, the hook and the progress handler of one state share. It lives
 * on the worker's stack (or in a userdata for rule_info) until after lua_close. */
typedef struct Sandbox {
    Limits lim;
    size_t cap, used, peak;
    /* A refused allocation: Lua collects garbage and retries the same request once, so it
     * only counts as the memory limit if the retry is refused too (or nobody retried). */
    int pending;
    void *pend_ptr;
    size_t pend_osize, pend_nsize;
    int tripped;
    char message[128];
    lua_Integer instructions, sql_steps;
    double start, deadline;
    lua_Integer total, stored, nlog;
    const Module *mods;
    int nmods;
    const char *rule_id, *severity;
} Sandbox;

/* Registry keys of a sandbox state (their addresses; sandbox_env.c). */
extern char parley_sbkey_findings, parley_sbkey_log, parley_sbkey_modules, parley_sbkey_core, parley_sbkey_ctx,
    parley_sbkey_db;
#define FINDINGS_KEY parley_sbkey_findings /* the findings' JSON texts */
#define LOG_KEY parley_sbkey_log           /* the log lines */
#define MODULES_KEY parley_sbkey_modules   /* the vetted modules loaded so far */
#define CORE_KEY parley_sbkey_core         /* the restricted parley.core */
#define CTX_KEY parley_sbkey_ctx           /* the rule's ctx */
#define DB_KEY parley_sbkey_db             /* the rule's connection */

/* The Sandbox of a state, or NULL for a state that is not a sandbox (sandbox.c). */
Sandbox *parley_sandbox_get(lua_State *L);

/* Raises the error of the limit that tripped, and makes the hook of L fire on every
 * instruction from now on (sandbox.c). */
int parley_sandbox_raise(lua_State *L, Sandbox *sb);

/* Opens the libraries, the restricted parley.core and the registry tables of a fresh
 * sandbox state (sandbox_env.c). */
void parley_sandbox_setup(lua_State *L);

/* Pushes a fresh environment for a rule or a vetted module (sandbox_env.c). */
void parley_sandbox_push_env(lua_State *L);

/* Pushes a read-only proxy of the table at t (sandbox_env.c). */
void parley_sandbox_push_readonly(lua_State *L, int t);

/* require, and print / ctx.log, as a rule sees them (sandbox_env.c). */
int parley_sandbox_require(lua_State *L);
int parley_sandbox_log(lua_State *L);

#endif
