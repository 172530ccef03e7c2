/* The rule sandbox: core.rule_info(source, chunkname, limits) and core.run_rules(jobs, opts).
 *
 * Each rule runs in a fresh lua_State of its own, created by the thread that runs it, with
 *   - an allocator that caps every allocation and reallocation (the Suricata CVE was a cap
 *     applied to reallocations only), so string.rep and table bombs stop at memory_mb;
 *   - a count hook that charges instructions and checks the wall clock; once a limit is
 *     passed it stays tripped and the hook raises on every instruction, in every coroutine,
 *     so pcall, xpcall handlers and coroutine.wrap cannot swallow it;
 *   - an SQLite progress handler on the rule's read-only connection that interrupts a query
 *     once the time or the SQL step budget is spent;
 *   - an environment built from an allow-list (sandbox_env.c): no io, debug, package, os
 *     beyond time/date/clock, text-only load, no __gc (finalizers run with hooks off),
 *     library tables as read-only proxies over private copies, a locked string metatable.
 * C functions are not hooked, so those whose running time a rule controls without
 * allocating (string.rep of "", table.insert/remove/move over a fake length, pattern
 * matching in sandbox_match.c) are replaced by versions that charge their work through
 * parley_sandbox_charge.
 *
 * A worker owns everything it creates: its state (which owns the connection) is closed and
 * its results are copied into the batch, a userdata of the caller's state whose __gc frees
 * them, before the worker takes the next job. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sandbox.h"

#define HOOK_EVERY 1000     /* instructions between two calls of the count hook */
#define PROGRESS_EVERY 1000 /* SQLite virtual-machine steps between two progress checks */
#define DETAILS_MAX (64 * 1024)
#define BATCH_MT "parley.SandboxBatch"
#define BOX_MT "parley.SandboxState"

static const char *const limit_names[] = {NULL, "instructions", "memory", "time", "sql", NULL};

static const char *const severities[] = {"info", "low", "medium", "high", "critical", NULL};
static const char *const evidence_kinds[] = {"claims", "lists", "exchanges", "persons", "sources", "parties", NULL};
static const char *const finding_fields[] = {"severity", "message", "evidence", "measures", "details", NULL};
/* Looked up on package.path when the caller gives no modules. */
static const char *const default_modules[] = {"parley.json",          "parley.dates",   "parley.text",
                                              "parley.record_schema", "parley.records", "parley.names",
                                              "parley.rulekit",       NULL};


static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* ------------------------------------------------------------------ limits */

static void trip(Sandbox *sb, int kind)
{
    if (sb->tripped)
        return;
    sb->tripped = kind;
    switch (kind) {
    case LIMIT_INSTRUCTIONS:
        snprintf(sb->message, sizeof sb->message, "rule ran more than %lld instructions",
                 (long long)sb->lim.instructions);
        break;
    case LIMIT_MEMORY:
        snprintf(sb->message, sizeof sb->message, "rule used more than %g MB of memory", sb->lim.memory_mb);
        break;
    case LIMIT_TIME:
        snprintf(sb->message, sizeof sb->message, "rule ran longer than %g seconds", sb->lim.seconds);
        break;
    case LIMIT_SQL:
        snprintf(sb->message, sizeof sb->message, "rule's SQL ran more than %lld steps",
                 (long long)sb->lim.instructions);
        break;
    default:
        snprintf(sb->message, sizeof sb->message, "rule sandbox is closing");
    }
}

static void check_budget(Sandbox *sb)
{
    if (sb->tripped)
        return;
    if (sb->pending)
        trip(sb, LIMIT_MEMORY);
    else if (sb->instructions > sb->lim.instructions)
        trip(sb, LIMIT_INSTRUCTIONS);
    else if (now() > sb->deadline)
        trip(sb, LIMIT_TIME);
}

static void *sb_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
    Sandbox *sb = (Sandbox *)ud;
    size_t old = ptr ? osize : 0; /* without ptr, osize is the kind of object */
    void *p;
    if (nsize == 0) {
        free(ptr);
        sb->used -= old;
        return NULL;
    }
    if (nsize > old && (sb->used > sb->cap || nsize - old > sb->cap - sb->used)) {
        if (sb->pending && ptr == sb->pend_ptr && osize == sb->pend_osize && nsize == sb->pend_nsize)
            trip(sb, LIMIT_MEMORY);
        sb->pending = 1;
        sb->pend_ptr = ptr;
        sb->pend_osize = osize;
        sb->pend_nsize = nsize;
        return NULL;
    }
    p = realloc(ptr, nsize);
    if (p == NULL) {
        if (nsize <= old) { /* Lua assumes shrinking never fails: keep the larger block */
            sb->used -= old - nsize;
            return ptr;
        }
        trip(sb, LIMIT_MEMORY); /* the host itself is out of memory */
        return NULL;
    }
    if (sb->pending && ptr == sb->pend_ptr && osize == sb->pend_osize && nsize == sb->pend_nsize)
        sb->pending = 0; /* the retry after an emergency collection fitted */
    sb->used = sb->used - old + nsize;
    if (sb->used > sb->peak)
        sb->peak = sb->used;
    return p;
}

Sandbox *parley_sandbox_get(lua_State *L)
{
    void *ud;
    if (lua_getallocf(L, &ud) != sb_alloc)
        return NULL;
    return (Sandbox *)ud;
}

int parley_sandbox_raise(lua_State *L, Sandbox *sb)
{
    lua_sethook(L, lua_gethook(L), LUA_MASKCOUNT, 1); /* from now on, every instruction */
    lua_pushstring(L, sb->message);
    return lua_error(L);
}

/* The count hook. Coroutines inherit it from the thread that creates them, so every thread
 * of the state is charged; after a trip each thread that calls it switches to every
 * instruction, so a thread created before the trip stops too, within HOOK_EVERY. */
static void hook(lua_State *L, lua_Debug *ar)
{
    Sandbox *sb = parley_sandbox_get(L);
    (void)ar;
    if (sb == NULL)
        return;
    if (!sb->tripped) {
        sb->instructions += HOOK_EVERY;
        check_budget(sb);
    }
    if (sb->tripped)
        parley_sandbox_raise(L, sb);
}

void parley_sandbox_charge(lua_State *L, size_t n)
{
    Sandbox *sb = parley_sandbox_get(L);
    if (sb == NULL)
        return;
    if (!sb->tripped) {
        sb->instructions += (lua_Integer)n;
        check_budget(sb);
    }
    if (sb->tripped)
        parley_sandbox_raise(L, sb);
}

/* SQLite's progress handler: interrupts the statement once any limit has tripped, the SQL
 * step budget (the instruction limit, counted separately) is spent, or time is up. */
static int progress(void *ud)
{
    Sandbox *sb = (Sandbox *)ud;
    if (!sb->tripped) {
        sb->sql_steps += PROGRESS_EVERY;
        if (sb->sql_steps > sb->lim.instructions)
            trip(sb, LIMIT_SQL);
        else
            check_budget(sb);
    }
    return sb->tripped != LIMIT_NONE;
}

static void sandbox_init(Sandbox *sb, const Limits *lim, const Module *mods, int nmods)
{
    memset(sb, 0, sizeof *sb);
    sb->lim = *lim;
    sb->cap = (size_t)(lim->memory_mb * 1024.0 * 1024.0);
    sb->start = now();
    sb->deadline = sb->start + lim->seconds;
    sb->mods = mods;
    sb->nmods = nmods;
}

/* ------------------------------------------------------------------- rules */

static const char *display_name(const char *chunkname)
{
    return (chunkname[0] == '@' || chunkname[0] == '=') ? chunkname + 1 : chunkname;
}

/* Loads and calls a rule chunk in a fresh environment; leaves its table on the stack after
 * checking it has a string id, a string version and a function run. */
static void load_rule(lua_State *L, const char *source, size_t len, const char *chunkname)
{
    const char *who = display_name(chunkname);
    if (luaL_loadbufferx(L, source, len, chunkname, "t") != LUA_OK) {
        const char *msg = lua_tostring(L, -1);
        if (msg && strncmp(msg, who, strlen(who)) != 0) /* "attempt to load a binary chunk" says not where */
            lua_pushfstring(L, "%s: %s", who, msg);
        lua_error(L);
    }
    parley_sandbox_push_env(L);
    lua_setupvalue(L, -2, 1);
    lua_call(L, 0, 1);
    if (!lua_istable(L, -1))
        luaL_error(L, "%s: rule must return a table (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -1, "id") != LUA_TSTRING)
        luaL_error(L, "%s: rule's id must be a string (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -2, "version") != LUA_TSTRING)
        luaL_error(L, "%s: rule's version must be a string (got %s)", who, luaL_typename(L, -1));
    if (lua_getfield(L, -3, "run") != LUA_TFUNCTION)
        luaL_error(L, "%s: rule's run must be a function (got %s)", who, luaL_typename(L, -1));
    lua_pop(L, 3);
}

/* ctx:finding{...}: validates the finding and appends its JSON to the job's findings. */
static int check_strings_array(lua_State *L, int t)
{
    lua_Integer n = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_type(L, -1) != LUA_TSTRING) {
            lua_pop(L, 2);
            return 0;
        }
        if (lua_tointeger(L, -2) > max)
            max = lua_tointeger(L, -2);
        n++;
        lua_pop(L, 1);
    }
    parley_sandbox_charge(L, (size_t)n);
    return n == max;
}

static int in_list(const char *s, const char *const *list)
{
    int i;
    for (i = 0; list[i]; i++)
        if (strcmp(s, list[i]) == 0)
            return 1;
    return 0;
}

static void add_field(lua_State *L, SbBuf *b, const char *key, int comma)
{
    if (comma)
        sbbuf_add(L, b, ",", 1);
    sbbuf_add(L, b, "\"", 1);
    sbbuf_add(L, b, key, strlen(key));
    sbbuf_add(L, b, "\":", 2);
}

static int ctx_finding(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    const char *severity;
    size_t len;
    int t = 2, sev, ev, ms, dt;
    SbBuf b;
    if (lua_type(L, t) != LUA_TTABLE)
        return luaL_error(L, "invalid finding: ctx:finding expects a table (got %s)", luaL_typename(L, t));
    lua_settop(L, 2);
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !in_list(lua_tostring(L, -1), finding_fields))
            return luaL_error(L, "invalid finding: unknown field %s (fields: severity, message, evidence, "
                                 "measures, details)",
                              lua_type(L, -1) == LUA_TSTRING ? lua_tostring(L, -1) : luaL_typename(L, -1));
    }
    sev = lua_getfield(L, t, "severity") == LUA_TNIL ? 0 : lua_gettop(L);
    if (sev && (lua_type(L, sev) != LUA_TSTRING || !in_list(lua_tostring(L, sev), severities)))
        return luaL_error(L, "invalid finding: severity must be one of info, low, medium, high, critical (got %s)",
                          lua_type(L, sev) == LUA_TSTRING ? lua_tostring(L, sev) : luaL_typename(L, sev));
    severity = sev ? lua_tostring(L, sev) : sb->severity;
    if (lua_getfield(L, t, "message") != LUA_TSTRING || lua_rawlen(L, -1) == 0)
        return luaL_error(L, "invalid finding: message must be a non-empty string");
    ev = lua_getfield(L, t, "evidence") == LUA_TNIL ? 0 : lua_gettop(L);
    if (ev) {
        if (!lua_istable(L, ev))
            return luaL_error(L, "invalid finding: evidence must be a table (got %s)", luaL_typename(L, ev));
        lua_pushnil(L);
        while (lua_next(L, ev)) {
            if (lua_type(L, -2) != LUA_TSTRING || !in_list(lua_tostring(L, -2), evidence_kinds))
                return luaL_error(L, "invalid finding: unknown evidence kind %s (kinds: claims, lists, exchanges, "
                                     "persons, sources, parties)",
                                  lua_type(L, -2) == LUA_TSTRING ? lua_tostring(L, -2) : luaL_typename(L, -2));
            if (!lua_istable(L, -1) || !check_strings_array(L, lua_gettop(L)))
                return luaL_error(L, "invalid finding: evidence.%s must be a list of string ids",
                                  lua_tostring(L, -2));
            lua_pop(L, 1);
        }
    }
    ms = lua_getfield(L, t, "measures") == LUA_TNIL ? 0 : lua_gettop(L);
    if (ms) {
        if (!lua_istable(L, ms))
            return luaL_error(L, "invalid finding: measures must be a table (got %s)", luaL_typename(L, ms));
        lua_pushnil(L);
        while (lua_next(L, ms)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                return luaL_error(L, "invalid finding: measures must be named (got a %s key)", luaL_typename(L, -2));
            if (lua_type(L, -1) != LUA_TNUMBER || !isfinite((double)lua_tonumber(L, -1)))
                return luaL_error(L, "invalid finding: measures.%s must be a finite number", lua_tostring(L, -2));
            lua_pop(L, 1);
        }
    }
    dt = lua_getfield(L, t, "details") == LUA_TNIL ? 0 : lua_gettop(L);
    if (dt && !lua_istable(L, dt))
        return luaL_error(L, "invalid finding: details must be a table (got %s)", luaL_typename(L, dt));

    sbbuf_init(L, &b, 256);
    sbbuf_add(L, &b, "{", 1);
    if (dt) {
        add_field(L, &b, "details", 0);
        b.limit = b.n + DETAILS_MAX; /* stops encoding as soon as it is too large */
        b.limit_error = "invalid finding: details take more than 64 KiB as JSON";
        sbjson_encode(L, dt, &b, 0, "invalid finding: details");
        b.limit = 0;
    }
    add_field(L, &b, "evidence", dt != 0);
    if (ev) {
        sbjson_encode(L, ev, &b, SBJSON_OBJECT_IF_EMPTY, "evidence");
    } else {
        sbbuf_add(L, &b, "{}", 2);
    }
    add_field(L, &b, "measures", 1);
    if (ms)
        sbjson_encode(L, ms, &b, SBJSON_OBJECT_IF_EMPTY, "measures");
    else
        sbbuf_add(L, &b, "{}", 2);
    add_field(L, &b, "message", 1);
    lua_getfield(L, t, "message");
    sbjson_encode(L, -1, &b, 0, "message");
    lua_pop(L, 1);
    add_field(L, &b, "rule", 1);
    lua_pushstring(L, sb->rule_id);
    sbjson_encode(L, -1, &b, 0, "rule");
    lua_pop(L, 1);
    add_field(L, &b, "severity", 1);
    lua_pushstring(L, severity);
    sbjson_encode(L, -1, &b, 0, "severity");
    lua_pop(L, 1);
    sbbuf_add(L, &b, "}", 1);
    len = b.n;
    sb->total++;
    if (sb->stored < sb->lim.findings) {
        lua_rawgetp(L, LUA_REGISTRYINDEX, &FINDINGS_KEY);
        lua_pushlstring(L, b.p, len);
        lua_rawseti(L, -2, ++sb->stored);
    }
    return 0;
}

/* ctx.db: what a rule may do with its connection. The connection itself stays an upvalue
 * of these functions, out of the rule's reach (there is no debug library). */
static const char DB_VIEW[] =
    "local db, require, error = ...\n"
    "local view = {}\n"
    "function view.query(_, sql, ...) return db:query(sql, ...) end\n"
    "function view.first(_, sql, ...) return db:first(sql, ...) end\n"
    "local function typed(name)\n"
    "  return function(_, filter) return require('parley.records')[name](db, filter) end\n"
    "end\n"
    "view.claims = typed('claims')\n"
    "view.lists = typed('lists')\n"
    "view.persons = typed('persons')\n"
    "view.exchanges = typed('exchanges')\n"
    "view.parties = typed('parties')\n"
    "view.sources = typed('sources')\n"
    "return view\n";

typedef struct Job {
    Text rule_id, source, chunkname, store, params_json, severity;
    Limits lim;
    /* results */
    int ok, limit;
    Text error;
    Text *findings, *log;
    lua_Integer nfindings, nlog, total;
    double seconds;
    lua_Integer instructions;
    size_t memory_peak;
} Job;

/* The body of a job, run under lua_pcall in the job's own state: everything that can fail
 * raises, and the worker reads what happened from the Sandbox and the registry. */
static int job_main(lua_State *L)
{
    Job *job = (Job *)lua_touserdata(L, 1);
    Sandbox *sb = parley_sandbox_get(L);
    int rule, ctx;
    parley_sandbox_setup(L);
    load_rule(L, job->source.p, job->source.len, job->chunkname.p);
    rule = lua_gettop(L);
    lua_createtable(L, 0, 4);
    ctx = lua_gettop(L);
    lua_pushvalue(L, ctx);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &CTX_KEY);
    if (job->params_json.p)
        sbjson_decode(L, job->params_json.p, job->params_json.len, "params_json");
    else
        lua_newtable(L);
    if (!lua_istable(L, -1))
        return luaL_error(L, "params_json must hold a JSON object");
    lua_setfield(L, ctx, "params");
    /* SQLite allocates outside the rule's allocator: its strings and blobs are held to the
     * rule's memory cap by SQLITE_LIMIT_LENGTH instead */
    if (!parley_store_push_rule_db(L, job->store.p, progress, sb, PROGRESS_EVERY,
                                   sb->lim.memory_mb * 1048576.0 < 1e9 ? (int)(sb->lim.memory_mb * 1048576.0) : 1000000000))
        return lua_error(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &DB_KEY);
    if (luaL_loadbufferx(L, DB_VIEW, sizeof DB_VIEW - 1, "=ctx.db", "t") != LUA_OK)
        return lua_error(L);
    lua_newtable(L); /* the view needs no globals */
    lua_setupvalue(L, -2, 1);
    lua_insert(L, -2);
    lua_pushcfunction(L, parley_sandbox_require);
    lua_getglobal(L, "error");
    lua_call(L, 3, 1);
    parley_sandbox_push_readonly(L, -1);
    lua_setfield(L, ctx, "db");
    lua_pop(L, 1);
    lua_pushcfunction(L, ctx_finding);
    lua_setfield(L, ctx, "finding");
    lua_pushcfunction(L, parley_sandbox_log);
    lua_setfield(L, ctx, "log");
    lua_getfield(L, rule, "run");
    lua_pushvalue(L, ctx);
    lua_call(L, 1, 0);
    return 0;
}

/* ------------------------------------------------------------------- batch */

typedef struct Batch {
    Job *jobs;
    lua_Integer njobs, next;
    Module *mods;
    int nmods;
    pthread_mutex_t lock;
    int lock_ready;
} Batch;

static void free_text(Text *t)
{
    free(t->p);
    t->p = NULL;
}

static void free_texts(Text *t, lua_Integer n)
{
    lua_Integer i;
    if (t == NULL)
        return;
    for (i = 0; i < n; i++)
        free(t[i].p);
    free(t);
}

static void batch_free(Batch *b)
{
    lua_Integer i;
    for (i = 0; b->jobs && i < b->njobs; i++) {
        Job *j = &b->jobs[i];
        free_text(&j->rule_id);
        free_text(&j->source);
        free_text(&j->chunkname);
        free_text(&j->store);
        free_text(&j->params_json);
        free_text(&j->severity);
        free_text(&j->error);
        free_texts(j->findings, j->nfindings);
        free_texts(j->log, j->nlog);
    }
    free(b->jobs);
    b->jobs = NULL;
    b->njobs = 0;
    for (i = 0; b->mods && i < b->nmods; i++) {
        free_text(&b->mods[i].name);
        free_text(&b->mods[i].source);
    }
    free(b->mods);
    b->mods = NULL;
    b->nmods = 0;
    if (b->lock_ready)
        pthread_mutex_destroy(&b->lock);
    b->lock_ready = 0;
}

static int batch_gc(lua_State *L)
{
    batch_free((Batch *)luaL_checkudata(L, 1, BATCH_MT));
    return 0;
}

static Batch *new_batch(lua_State *L)
{
    Batch *b = (Batch *)lua_newuserdatauv(L, sizeof(Batch), 0);
    memset(b, 0, sizeof *b);
    luaL_setmetatable(L, BATCH_MT);
    return b;
}

/* A copy in C memory, NUL-terminated; without the host lua_State, never raises. */
static int copy_text(Text *t, const char *s, size_t len)
{
    t->p = (char *)malloc(len + 1);
    if (t->p == NULL)
        return 0;
    memcpy(t->p, s, len);
    t->p[len] = '\0';
    t->len = len;
    return 1;
}

static void copy_text_or_raise(lua_State *L, Text *t, const char *s, size_t len)
{
    if (!copy_text(t, s, len))
        luaL_error(L, "not enough memory");
}

/* The vetted modules as a table name -> source on the stack: opts.modules when given, else
 * the default ones found on package.path (read by the host, not by a rule). */
static const char READ_MODULES[] =
    "local names = ...\n"
    "local out = {}\n"
    "if not (package and package.searchpath and io and io.open) then return out end\n"
    "for _, name in ipairs(names) do\n"
    "  local path = package.searchpath(name, package.path)\n"
    "  local f = path and io.open(path, 'rb')\n"
    "  if f then out[name] = f:read('a'); f:close() end\n"
    "end\n"
    "return out\n";

static void copy_modules(lua_State *L, Batch *b, int idx)
{
    int n = 0, i;
    if (idx == 0 || lua_isnoneornil(L, idx)) {
        if (luaL_loadbufferx(L, READ_MODULES, sizeof READ_MODULES - 1, "=parley.sandbox", "t") != LUA_OK)
            lua_error(L);
        lua_newtable(L);
        for (i = 0; default_modules[i]; i++) {
            lua_pushstring(L, default_modules[i]);
            lua_rawseti(L, -2, i + 1);
        }
        lua_call(L, 1, 1);
    } else {
        luaL_checktype(L, idx, LUA_TTABLE);
        lua_pushvalue(L, idx);
    }
    idx = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, idx)) {
        if (lua_type(L, -2) != LUA_TSTRING || lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "modules must map module names to source text");
        n++;
        lua_pop(L, 1);
    }
    b->mods = (Module *)calloc(n ? (size_t)n : 1, sizeof(Module));
    if (b->mods == NULL)
        luaL_error(L, "not enough memory");
    b->nmods = n;
    i = 0;
    lua_pushnil(L);
    while (lua_next(L, idx) && i < n) {
        size_t len;
        const char *s = lua_tolstring(L, -2, &len);
        copy_text_or_raise(L, &b->mods[i].name, s, len);
        s = lua_tolstring(L, -1, &len);
        copy_text_or_raise(L, &b->mods[i].source, s, len);
        i++;
        lua_pop(L, 1);
    }
    lua_pop(L, 1);
}

static lua_Integer limit_integer(lua_State *L, int t, const char *key, lua_Integer dflt, lua_Integer min)
{
    lua_Integer v = dflt;
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        int ok;
        v = lua_tointegerx(L, -1, &ok);
        if (!ok || v < min)
            luaL_error(L, "limits.%s must be an integer of at least %d", key, (int)min);
    }
    lua_pop(L, 1);
    return v;
}

static double limit_number(lua_State *L, int t, const char *key, double dflt)
{
    double v = dflt;
    if (lua_getfield(L, t, key) != LUA_TNIL) {
        int ok;
        v = (double)lua_tonumberx(L, -1, &ok);
        if (!ok || !(v > 0) || v > 1e6)
            luaL_error(L, "limits.%s must be a positive number", key);
    }
    lua_pop(L, 1);
    return v;
}

static void read_limits(lua_State *L, int idx, Limits *lim)
{
    lim->instructions = 100000000;
    lim->memory_mb = 64;
    lim->seconds = 10;
    lim->findings = 10000;
    lim->log_lines = 1000;
    if (idx == 0 || lua_isnoneornil(L, idx))
        return;
    luaL_checktype(L, idx, LUA_TTABLE);
    idx = lua_absindex(L, idx);
    lim->instructions = limit_integer(L, idx, "instructions", lim->instructions, 1);
    lim->memory_mb = limit_number(L, idx, "memory_mb", lim->memory_mb);
    lim->seconds = limit_number(L, idx, "seconds", lim->seconds);
    lim->findings = limit_integer(L, idx, "findings", lim->findings, 0);
    lim->log_lines = limit_integer(L, idx, "log_lines", lim->log_lines, 0);
}

static void job_text(lua_State *L, int t, lua_Integer i, const char *key, Text *out, const char *dflt)
{
    size_t len;
    const char *s;
    int type = lua_getfield(L, t, key);
    if (type == LUA_TNIL && dflt) {
        copy_text_or_raise(L, out, dflt, strlen(dflt));
    } else if (type == LUA_TNIL && strcmp(key, "params_json") == 0) {
        out->p = NULL;
    } else {
        if (type != LUA_TSTRING)
            luaL_error(L, "jobs[%d].%s must be a string (got %s)", (int)i, key, luaL_typename(L, -1));
        s = lua_tolstring(L, -1, &len);
        copy_text_or_raise(L, out, s, len);
    }
    lua_pop(L, 1);
}

static void read_job(lua_State *L, int t, lua_Integer i, Job *job)
{
    t = lua_absindex(L, t);
    if (!lua_istable(L, t))
        luaL_error(L, "jobs[%d] must be a table", (int)i);
    job_text(L, t, i, "rule_id", &job->rule_id, NULL);
    job_text(L, t, i, "source", &job->source, NULL);
    lua_pushfstring(L, "=%s", job->rule_id.p); /* the default chunk name */
    job_text(L, t, i, "chunkname", &job->chunkname, lua_tostring(L, -1));
    lua_pop(L, 1);
    job_text(L, t, i, "store", &job->store, NULL);
    job_text(L, t, i, "params_json", &job->params_json, NULL);
    job_text(L, t, i, "severity", &job->severity, "medium");
    if (!in_list(job->severity.p, severities))
        luaL_error(L, "jobs[%d].severity must be one of info, low, medium, high, critical", (int)i);
    lua_getfield(L, t, "limits");
    read_limits(L, lua_isnil(L, -1) ? 0 : lua_gettop(L), &job->lim);
    lua_pop(L, 1);
}

/* Copies the strings of a registry array of the finished state into C memory; only raw
 * reads, which never allocate in the state. */
static Text *collect_texts(lua_State *S, void *key, lua_Integer n, lua_Integer *got)
{
    Text *out;
    lua_Integer i;
    *got = 0;
    if (n <= 0)
        return NULL;
    if (lua_rawgetp(S, LUA_REGISTRYINDEX, key) != LUA_TTABLE) {
        lua_pop(S, 1);
        return NULL;
    }
    out = (Text *)calloc((size_t)n, sizeof(Text));
    for (i = 1; out && i <= n; i++) {
        size_t len;
        const char *s;
        lua_rawgeti(S, -1, i);
        s = lua_tolstring(S, -1, &len);
        if (s && copy_text(&out[i - 1], s, len))
            (*got)++;
        lua_pop(S, 1);
        if (!s || *got < i)
            break;
    }
    lua_pop(S, 1);
    return out;
}

/* Turns the end of a state's run into the job's outcome. Raising is over: the hook now
 * raises at once, so nothing of the rule runs again, even at lua_close. */
static void finish(lua_State *S, Sandbox *sb, int status, Job *job)
{
    if (status == LUA_ERRMEM || sb->pending)
        trip(sb, LIMIT_MEMORY);
    if (sb->tripped) {
        job->limit = sb->tripped;
        copy_text(&job->error, sb->message, strlen(sb->message));
    } else if (status != LUA_OK) {
        size_t len;
        const char *msg = lua_type(S, -1) == LUA_TSTRING ? lua_tolstring(S, -1, &len) : NULL;
        char other[64];
        if (msg == NULL) {
            snprintf(other, sizeof other, "rule raised an error object of type %s", luaL_typename(S, -1));
            msg = other;
            len = strlen(other);
        }
        copy_text(&job->error, msg, len);
    }
    job->ok = status == LUA_OK && !sb->tripped;
    job->findings = collect_texts(S, &FINDINGS_KEY, sb->stored, &job->nfindings);
    job->log = collect_texts(S, &LOG_KEY, sb->nlog, &job->nlog);
    job->total = sb->total;
    trip(sb, LIMIT_CLOSING);
    lua_settop(S, 0);
    lua_sethook(S, hook, LUA_MASKCOUNT, 1);
}

static void run_job(Job *job, const Batch *batch)
{
    Sandbox sb;
    lua_State *S;
    int status;
    sandbox_init(&sb, &job->lim, batch->mods, batch->nmods);
    sb.rule_id = job->rule_id.p;
    sb.severity = job->severity.p;
    S = lua_newstate(sb_alloc, &sb);
    if (S == NULL) {
        trip(&sb, LIMIT_MEMORY);
        job->limit = LIMIT_MEMORY;
        copy_text(&job->error, sb.message, strlen(sb.message));
    } else {
        lua_sethook(S, hook, LUA_MASKCOUNT, HOOK_EVERY);
        lua_pushcfunction(S, job_main);
        lua_pushlightuserdata(S, job);
        status = lua_pcall(S, 1, 0, 0);
        finish(S, &sb, status, job);
        lua_close(S);
    }
    job->seconds = now() - sb.start;
    job->instructions = sb.instructions;
    job->memory_peak = sb.peak;
}

static void *worker(void *arg)
{
    Batch *b = (Batch *)arg;
    for (;;) {
        lua_Integer i;
        pthread_mutex_lock(&b->lock);
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->njobs)
            break;
        run_job(&b->jobs[i], b);
    }
    return NULL;
}

static void push_texts(lua_State *L, const Text *t, lua_Integer n)
{
    lua_Integer i;
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        lua_pushlstring(L, t[i].p, t[i].len);
        lua_rawseti(L, -2, i + 1);
    }
}

static void push_result(lua_State *L, const Job *j)
{
    lua_createtable(L, 0, 10);
    lua_pushstring(L, j->ok ? "ok" : "error");
    lua_setfield(L, -2, "outcome");
    if (!j->ok) {
        if (j->error.p)
            lua_pushlstring(L, j->error.p, j->error.len);
        else
            lua_pushliteral(L, "rule failed (no memory left to say why)");
        lua_setfield(L, -2, "error");
    }
    if (j->limit && limit_names[j->limit]) {
        lua_pushstring(L, limit_names[j->limit]);
        lua_setfield(L, -2, "limit");
    }
    push_texts(L, j->findings, j->nfindings);
    lua_setfield(L, -2, "findings");
    lua_pushinteger(L, j->total);
    lua_setfield(L, -2, "total");
    lua_pushboolean(L, j->total > j->nfindings);
    lua_setfield(L, -2, "truncated");
    push_texts(L, j->log, j->nlog);
    lua_setfield(L, -2, "log");
    lua_pushnumber(L, j->seconds);
    lua_setfield(L, -2, "seconds");
    lua_pushinteger(L, j->instructions);
    lua_setfield(L, -2, "instructions");
    lua_pushinteger(L, (lua_Integer)j->memory_peak);
    lua_setfield(L, -2, "memory_peak");
}

/* core.run_rules(jobs, opts): see docs/sandbox.md. */
static int core_run_rules(lua_State *L)
{
    lua_Integer n, i, threads = 1;
    int opts = 0, started = 0, t;
    pthread_t *ids;
    Batch *b;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        opts = 2;
        threads = limit_integer(L, 2, "threads", 1, 1);
    }
    lua_settop(L, 2);
    n = (lua_Integer)lua_rawlen(L, 1);
    b = new_batch(L); /* 3 */
    if (opts) {
        lua_getfield(L, opts, "modules");
        copy_modules(L, b, lua_isnil(L, -1) ? 0 : lua_gettop(L));
        lua_pop(L, 1);
    } else {
        copy_modules(L, b, 0);
    }
    b->jobs = (Job *)calloc(n ? (size_t)n : 1, sizeof(Job));
    if (b->jobs == NULL)
        return luaL_error(L, "not enough memory");
    b->njobs = n;
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        read_job(L, -1, i, &b->jobs[i - 1]);
        lua_pop(L, 1);
    }
    if (pthread_mutex_init(&b->lock, NULL) != 0)
        return luaL_error(L, "cannot create a mutex");
    b->lock_ready = 1;
    if (threads > n)
        threads = n;
    if (threads > 256)
        threads = 256;
    ids = (pthread_t *)lua_newuserdatauv(L, (size_t)(threads > 0 ? threads : 1) * sizeof(pthread_t), 0);
    for (t = 0; t < threads; t++) {
        if (pthread_create(&ids[t], NULL, worker, b) != 0)
            break;
        started++;
    }
    if (started == 0)
        worker(b); /* no thread could start: run them here */
    for (t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        push_result(L, &b->jobs[i]);
        lua_rawseti(L, -2, i + 1);
    }
    batch_free(b);
    return 1;
}

/* --------------------------------------------------------------- rule_info */

typedef struct Box {
    lua_State *S;
    Sandbox sb;
} Box;

static int box_gc(lua_State *L)
{
    Box *box = (Box *)luaL_checkudata(L, 1, BOX_MT);
    if (box->S) {
        lua_close(box->S);
        box->S = NULL;
    }
    return 0;
}

typedef struct InfoArgs {
    const char *source, *chunkname;
    size_t len;
} InfoArgs;

static int info_main(lua_State *L)
{
    InfoArgs *a = (InfoArgs *)lua_touserdata(L, 1);
    int rule;
    SbBuf b;
    parley_sandbox_setup(L);
    load_rule(L, a->source, a->len, a->chunkname);
    rule = lua_gettop(L);
    lua_getfield(L, rule, "id");
    lua_getfield(L, rule, "version");
    if (lua_getfield(L, rule, "description") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "%s: rule's description must be a string (got %s)", display_name(a->chunkname),
                          luaL_typename(L, -1));
    lua_getfield(L, rule, "params");
    if (lua_isnil(L, -1)) {
        lua_pop(L, 1);
        lua_pushliteral(L, "{}");
    } else {
        if (!lua_istable(L, -1))
            return luaL_error(L, "%s: rule's params must be a table (got %s)", display_name(a->chunkname),
                              luaL_typename(L, -1));
        sbbuf_init(L, &b, 256);
        sbjson_encode(L, -2, &b, SBJSON_OBJECT_IF_EMPTY, "params");
        lua_pushlstring(L, b.p, b.n);
        lua_remove(L, -2);
        lua_remove(L, -2);
    }
    /* the default severity of its findings, checked by the engine */
    if (lua_getfield(L, rule, "severity") != LUA_TNIL && lua_type(L, -1) != LUA_TSTRING)
        return luaL_error(L, "%s: rule's severity must be a string (got %s)", display_name(a->chunkname),
                          luaL_typename(L, -1));
    return 5;
}

/* core.rule_info(source, chunkname, limits [, modules]): see docs/sandbox.md. */
static int core_rule_info(lua_State *L)
{
    InfoArgs a;
    Limits lim;
    Batch *b;
    Box *box;
    int status, i;
    static const char *const fields[] = {"id", "version", "description", "params_json", "severity"};
    a.source = luaL_checklstring(L, 1, &a.len);
    a.chunkname = luaL_optstring(L, 2, "=rule");
    read_limits(L, lua_isnoneornil(L, 3) ? 0 : 3, &lim);
    lua_settop(L, 4);
    b = new_batch(L); /* 5 */
    copy_modules(L, b, lua_isnil(L, 4) ? 0 : 4);
    box = (Box *)lua_newuserdatauv(L, sizeof(Box), 0); /* 6 */
    box->S = NULL;
    luaL_setmetatable(L, BOX_MT);
    sandbox_init(&box->sb, &lim, b->mods, b->nmods);
    box->S = lua_newstate(sb_alloc, &box->sb);
    if (box->S == NULL) { /* too little memory for even an empty state */
        trip(&box->sb, LIMIT_MEMORY);
        luaL_pushfail(L);
        lua_pushstring(L, box->sb.message);
        return 2;
    }
    lua_sethook(box->S, hook, LUA_MASKCOUNT, HOOK_EVERY);
    lua_pushcfunction(box->S, info_main);
    lua_pushlightuserdata(box->S, &a);
    status = lua_pcall(box->S, 1, 5, 0);
    if (status == LUA_ERRMEM || box->sb.pending)
        trip(&box->sb, LIMIT_MEMORY);
    if (box->sb.tripped || status != LUA_OK) {
        luaL_pushfail(L);
        if (box->sb.tripped)
            lua_pushstring(L, box->sb.message);
        else if (lua_type(box->S, -1) == LUA_TSTRING)
            lua_pushstring(L, lua_tostring(box->S, -1));
        else
            lua_pushfstring(L, "rule raised an error object of type %s", luaL_typename(box->S, -1));
    } else {
        lua_createtable(L, 0, 5);
        for (i = 0; i < 5; i++) {
            if (lua_type(box->S, i + 1) == LUA_TSTRING) {
                size_t len;
                const char *s = lua_tolstring(box->S, i + 1, &len);
                lua_pushlstring(L, s, len);
                lua_setfield(L, -2, fields[i]);
            }
        }
        lua_pushnil(L); /* keeps the return count at 2 */
    }
    trip(&box->sb, LIMIT_CLOSING);
    lua_settop(box->S, 0);
    lua_sethook(box->S, hook, LUA_MASKCOUNT, 1);
    lua_close(box->S);
    box->S = NULL;
    batch_free(b);
    if (lua_isnil(L, -1) && lua_istable(L, -2)) {
        lua_pop(L, 1);
        return 1;
    }
    return 2;
}

int parley_open_sandbox(lua_State *L)
{
    luaL_newmetatable(L, BATCH_MT);
    lua_pushcfunction(L, batch_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    luaL_newmetatable(L, BOX_MT);
    lua_pushcfunction(L, box_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, core_rule_info);
    lua_setfield(L, -2, "rule_info");
    lua_pushcfunction(L, core_run_rules);
    lua_setfield(L, -2, "run_rules");
    return 0;
}
