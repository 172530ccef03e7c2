/* SPDX-License-Identifier: MIT */
/* Internal declarations shared by the files of the rule sandbox (sandbox_*.c); each file
 * keeps everything else static. docs/sandbox.md says which file holds what. */
#ifndef PARLEY_SANDBOX_H
#define PARLEY_SANDBOX_H

#include <stddef.h>
#include <lua.h>
#include <sqlite3.h>
#include "parley.h"

/* ----------------------------------------------------- sandbox_json.c */

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

/* Encodes the value at idx as deterministic JSON, the text parley.json gives (object keys
 * sorted, integers without a decimal point, floats always with one) onto b. what names the value in error messages
 * ("details", "params"). Raises on values JSON cannot hold. */
void sbjson_encode(lua_State *L, int idx, SbBuf *b, int flags, const char *what);

/* Decodes the JSON text s into a Lua value pushed on the stack; JSON null becomes
 * parley.null. Raises with what and the byte offset on malformed input. */
void sbjson_decode(lua_State *L, const char *s, size_t len, const char *what);

/* ---------------------------------------------------- sandbox_match.c */

/* Sets find, match, gmatch and gsub in the table on top of the stack to versions that
 * charge their matching steps. */
void parley_sandbox_patterns(lua_State *L);

/* ------------------------------------------- what the caller hands over */

/* The limits a rule can pass; sandbox_run.c names each in results (limit_names). */
enum { LIMIT_NONE, LIMIT_INSTRUCTIONS, LIMIT_MEMORY, LIMIT_TIME, LIMIT_SQL, LIMIT_DISK, LIMIT_CURSORS, LIMIT_CLOSING };

typedef struct Limits {
    lua_Integer instructions;
    double memory_mb;
    double seconds;
    lua_Integer findings;
    lua_Integer log_lines;
    double temp_mb;           /* bytes of temporary files the rule's SQL may write */
    lua_Integer evidence_ids; /* ids in one finding's evidence */
    double output_mb;         /* encoded text of the findings kept */
} Limits;

/* A copy in C memory, NUL-terminated: threads and finished states never share Lua strings. */
typedef struct Text {
    char *p;
    size_t len;
} Text;

typedef struct TextList {
    Text *items;
    int n;
} TextList;

typedef struct Module {
    Text name, source;
} Module;

/* The options of core.run_rules and core.rule_info in C memory: the vetted modules (name and
 * source text) and the vocabulary a finding is checked against, all given by the engine from
 * lua/parley/vocab.lua. What is not given is empty: no module, no severity, no kind. */
typedef struct SbOptions {
    Module *mods;
    int nmods;
    TextList severities, evidence_kinds;
} SbOptions;

/* sandbox_options.c: reading the caller's arguments into C memory. Each raises on misuse,
 * after which whatever was copied is freed by the owner's __gc (parley_sandbox_free_options). */
int parley_text_copy(Text *t, const char *s, size_t len); /* 0 when out of memory; never raises */
void parley_text_copy_or_raise(lua_State *L, Text *t, const char *s, size_t len);
void parley_text_free(Text *t);
int parley_textlist_has(const TextList *list, const char *s, size_t len);
/* Pushes the items joined by ", " ("(none)" for an empty list), for error messages. */
void parley_textlist_push_joined(lua_State *L, const TextList *list);
/* The options table at idx (0 or nil: none); extra names one more key the caller reads
 * itself (or NULL); any other key raises. */
void parley_sandbox_read_options(lua_State *L, int idx, SbOptions *o, const char *extra);
void parley_sandbox_free_options(SbOptions *o);
/* The limits table at idx (0 or nil: the defaults). */
void parley_sandbox_read_limits(lua_State *L, int idx, Limits *lim);

/* ------------------------------------------------------- a sandbox state */

/* Everything the allocator, the hook and the progress handler of one state share. It lives
 * on the worker's stack (or in a userdata for rule_info) until after lua_close. */
typedef struct Watchdog Watchdog;

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
    double output_bytes; /* of the findings' encoded texts, kept or not */
    const SbOptions *opts;
    const char *rule_id, *severity; /* severity: the default of the job's findings, or NULL */
    /* the watchdog's (sandbox_watchdog.c): set by the monitor thread when the deadline has
     * passed; db and next_watched are changed under the watchdog's mutex */
    volatile int expired;
    Watchdog *watchdog;
    sqlite3 *db;
    struct Sandbox *next_watched;
    /* the connection's (sandbox_sql.c) */
    long long temp_bytes;
    unsigned long queries;
    size_t sqlite_peak;
} Sandbox;

#define PROGRESS_EVERY 1000 /* SQLite virtual-machine steps between two progress checks */

/* sandbox_limits.c: the allocator, the count hook, SQLite's progress handler. */
double parley_sandbox_now(void);
void parley_sandbox_init(Sandbox *sb, const Limits *lim, const SbOptions *opts);
/* A fresh state with the capped allocator and the count hook; NULL (and the memory limit
 * tripped) when even an empty state does not fit. */
lua_State *parley_sandbox_newstate(Sandbox *sb);
void parley_sandbox_trip(Sandbox *sb, int kind);
/* After the state's lua_pcall returned status: a memory error, even one the rule caught,
 * is the memory limit; an error after the watchdog saw the deadline pass is the time limit. */
void parley_sandbox_settle(Sandbox *sb, int status);
/* Closes the state so that nothing of the rule runs again, not even at lua_close. */
void parley_sandbox_close(lua_State *S, Sandbox *sb);
/* The progress handler to give the rule's connection, with the Sandbox as its argument. */
int parley_sandbox_progress(void *ud);

/* The Sandbox of a state, or NULL for a state that is not a sandbox. */
Sandbox *parley_sandbox_get(lua_State *L);

/* Raises the error of the limit that tripped, and makes the hook of L fire on every
 * instruction from now on. */
int parley_sandbox_raise(lua_State *L, Sandbox *sb);

/* parley_sandbox_charge (declared in parley.h, for the name kernels) raises if the sandbox
 * running in L has passed a limit, and counts n units of work done inside a C function
 * against its instruction budget. */

/* sandbox_watchdog.c: a monitor thread that stops rules at their deadline inside C calls.
 * start gives NULL when no thread can be started (the hook and the progress handler still
 * check the clock); every function accepts NULL. A sandbox is watched from before its rule
 * runs until before its state is closed. */
Watchdog *parley_watchdog_start(void);
void parley_watchdog_stop(Watchdog *w);
void parley_watchdog_watch(Watchdog *w, Sandbox *sb);
void parley_watchdog_set_db(Sandbox *sb, sqlite3 *db);
void parley_watchdog_unwatch(Sandbox *sb);

/* sandbox_sql.c: the rule's connection. */
#define MAX_STATEMENTS 256 /* prepared statements of one connection: store.c caches 64 */
/* The name of the VFS rule connections open with (NULL if it could not be registered). */
const char *parley_sandbox_vfs(void);
/* Makes sb the sandbox whose temporary files the running thread's connections count. */
void parley_sandbox_set_current(Sandbox *sb);
/* The setup parley_store_push_rule_db calls on a new rule connection, with the Sandbox. */
void parley_sandbox_setup_db(sqlite3 *db, void *ud);
/* guard(sql): called by ctx.db before every query (see sandbox_sql.c). */
int parley_sandbox_db_guard(lua_State *L);

/* sandbox_charge.c: replaces, in the library tables of a fresh state, the C functions whose
 * cost grows with their arguments by versions that charge it first. */
void parley_sandbox_charged_libs(lua_State *L);
/* The same for the name kernels in the table at idx (core.names of the state). */
void parley_sandbox_charged_names(lua_State *L, int idx);
/* Replaces core.json_encode in the rule's part of parley.core (at idx) by a charged one. */
void parley_sandbox_charged_core(lua_State *L, int idx);

/* Registry keys of a sandbox state (their addresses; sandbox_env.c). */
extern char parley_sbkey_findings, parley_sbkey_log, parley_sbkey_modules, parley_sbkey_core, parley_sbkey_ctx,
    parley_sbkey_db;
#define FINDINGS_KEY parley_sbkey_findings /* the findings' fields (sandbox_finding.c) */
#define LOG_KEY parley_sbkey_log           /* the log lines */
#define MODULES_KEY parley_sbkey_modules   /* the vetted modules loaded so far */
#define CORE_KEY parley_sbkey_core         /* the restricted parley.core */
#define CTX_KEY parley_sbkey_ctx           /* the rule's ctx */
#define DB_KEY parley_sbkey_db             /* the rule's connection */

/* sandbox_env.c: what a rule sees. */
/* Opens the libraries, the restricted parley.core and the registry tables of a fresh
 * sandbox state. */
void parley_sandbox_setup(lua_State *L);

/* Pushes a fresh environment for a rule or a vetted module. */
void parley_sandbox_push_env(lua_State *L);

/* Pushes a read-only proxy of the table at t. */
void parley_sandbox_push_readonly(lua_State *L, int t);

/* require, and print / ctx.log, as a rule sees them. */
int parley_sandbox_require(lua_State *L);
int parley_sandbox_log(lua_State *L);

/* The chunk name as messages show it ("@gap.lua" and "=gap" are "gap.lua" and "gap"). */
const char *parley_sandbox_display_name(const char *chunkname);

/* Loads and calls a rule chunk (text only) in a fresh environment; leaves its table on the
 * stack after checking it has a string id, a string version and a function run. */
void parley_sandbox_load_rule(lua_State *L, const char *source, size_t len, const char *chunkname);

/* ------------------------------------------------------------ findings */

/* A finding as the caller receives it: each datum encoded once, in sandbox_finding.c, as
 * deterministic JSON (parley.json's text), with its fingerprint; in C memory. */
typedef struct Finding Finding;

/* sandbox_finding.c: ctx:finding, and the findings of a finished state. */
int parley_sandbox_finding(lua_State *L);
/* Copies the findings kept in the finished state S into C memory (raw reads only, which
 * never allocate in S); *got says how many were copied. */
Finding *parley_sandbox_collect_findings(lua_State *S, const Sandbox *sb, lua_Integer *got);
void parley_sandbox_push_findings(lua_State *L, const Finding *f, lua_Integer n);
void parley_sandbox_free_findings(Finding *f, lua_Integer n);

#endif
