/* SPDX-License-Identifier: MIT */
/* core.run_rules(jobs, opts): runs each rule in a fresh lua_State of its own, created by the
 * worker thread that runs it, with its own limits (sandbox_limits.c), environment
 * (sandbox_env.c) and read-only connection to the store.
 *
 * Everything a worker needs is copied into C memory before the threads start, and a worker
 * owns everything it creates: its state (which owns the connection) is closed and its
 * results are copied into the batch, a userdata of the caller's state whose __gc frees them,
 * before the worker takes the next job. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"

#define BATCH_MT "parley.SandboxBatch"
#define MAX_THREADS 256

/* The name of each LIMIT_* in results; LIMIT_CURSORS is "memory": open queries hold SQLite's memory. */
static const char *const limit_names[] = {NULL, "instructions", "memory", "time", "sql", "disk", "memory", NULL};

/* ctx.db: what a rule may do with its connection. The connection itself stays an upvalue
 * of these functions, out of the rule's reach (there is no debug library). guard (sandbox_sql.c)
 * runs before each query. */
static const char DB_VIEW[] =
    "local db, require, guard = ...\n"
    "local view = {}\n"
    "function view.query(_, sql, ...) guard(sql) return db:query(sql, ...) end\n"
    "function view.first(_, sql, ...) guard(sql) return db:first(sql, ...) end\n"
    "local function typed(name)\n"
    "  return function(_, filter) guard() return require('parley.records')[name](db, filter) end\n"
    "end\n"
    "view.claims = typed('claims')\n"
    "view.lists = typed('lists')\n"
    "view.persons = typed('persons')\n"
    "view.exchanges = typed('exchanges')\n"
    "view.parties = typed('parties')\n"
    "view.sources = typed('sources')\n"
    "function view.vocabulary() return require('parley.records').vocabulary(db) end\n"
    "return view\n";

typedef struct Job {
    Text rule_id, source, chunkname, store, params_json, severity; /* severity.p: NULL if none */
    Limits lim;
    /* results */
    int ok, limit;
    Text error;
    Finding *findings;
    Text *log;
    lua_Integer nfindings, nlog, total;
    double seconds;
    lua_Integer instructions;
    size_t memory_peak;
} Job;

typedef struct Batch {
    Job *jobs;
    lua_Integer njobs, next;
    lua_Integer ready; /* jobs[0..ready) may start; the rest wait for opts.meanwhile to return */
    SbOptions opts;
    Watchdog *watchdog;
    pthread_mutex_t lock;
    pthread_cond_t released; /* signalled when ready becomes njobs */
    int lock_ready, cond_ready;
} Batch;

/* ------------------------------------------------------------- one job */

/* Pushes ctx.db: the view of the rule's connection. */
static void push_db_view(lua_State *L, const Job *job, Sandbox *sb)
{
    /* SQLite allocates outside the rule's allocator: sandbox_sql.c bounds what it may use */
    if (!parley_store_push_rule_db(L, job->store.p, parley_sandbox_vfs(), parley_sandbox_setup_db, sb))
        lua_error(L);
    lua_pushvalue(L, -1);
    lua_rawsetp(L, LUA_REGISTRYINDEX, &DB_KEY);
    if (luaL_loadbufferx(L, DB_VIEW, sizeof DB_VIEW - 1, "=ctx.db", "t") != LUA_OK)
        lua_error(L);
    lua_newtable(L); /* the view needs no globals */
    lua_setupvalue(L, -2, 1);
    lua_insert(L, -2);
    lua_pushcfunction(L, parley_sandbox_require);
    lua_pushcfunction(L, parley_sandbox_db_guard);
    lua_call(L, 3, 1);
    parley_sandbox_push_readonly(L, -1);
    lua_remove(L, -2);
}

/* The body of a job, run under lua_pcall in the job's own state: everything that can fail
 * raises, and the worker reads what happened from the Sandbox and the registry. */
static int job_main(lua_State *L)
{
    Job *job = (Job *)lua_touserdata(L, 1);
    Sandbox *sb = parley_sandbox_get(L);
    int rule, ctx;
    parley_sandbox_setup(L);
    parley_sandbox_load_rule(L, job->source.p, job->source.len, job->chunkname.p);
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
    push_db_view(L, job, sb);
    lua_setfield(L, ctx, "db");
    lua_pushcfunction(L, parley_sandbox_finding);
    lua_setfield(L, ctx, "finding");
    lua_pushcfunction(L, parley_sandbox_log);
    lua_setfield(L, ctx, "log");
    lua_getfield(L, rule, "run");
    lua_pushvalue(L, ctx);
    lua_call(L, 1, 0);
    return 0;
}

/* Copies the log lines of the finished state into C memory; only raw reads, which never
 * allocate in the state. */
static Text *collect_log(lua_State *S, lua_Integer n, lua_Integer *got)
{
    Text *out;
    lua_Integer i;
    *got = 0;
    if (n <= 0)
        return NULL;
    if (lua_rawgetp(S, LUA_REGISTRYINDEX, &LOG_KEY) != LUA_TTABLE) {
        lua_pop(S, 1);
        return NULL;
    }
    out = (Text *)calloc((size_t)n, sizeof(Text));
    for (i = 1; out && i <= n; i++) {
        size_t len;
        const char *s;
        lua_rawgeti(S, -1, i);
        s = lua_tolstring(S, -1, &len);
        if (s && parley_text_copy(&out[i - 1], s, len))
            (*got)++;
        lua_pop(S, 1);
        if (!s || *got < i)
            break;
    }
    lua_pop(S, 1);
    return out;
}

/* Turns the end of a state's run into the job's outcome, then closes the state. */
static void finish(lua_State *S, Sandbox *sb, int status, Job *job)
{
    parley_sandbox_settle(sb, status);
    if (sb->tripped) {
        job->limit = sb->tripped;
        parley_text_copy(&job->error, sb->message, strlen(sb->message));
    } else if (status != LUA_OK) {
        size_t len;
        const char *msg = lua_type(S, -1) == LUA_TSTRING ? lua_tolstring(S, -1, &len) : NULL;
        char other[64];
        if (msg == NULL) {
            snprintf(other, sizeof other, "rule raised an error object of type %s", luaL_typename(S, -1));
            msg = other;
            len = strlen(other);
        }
        parley_text_copy(&job->error, msg, len);
    }
    job->ok = status == LUA_OK && !sb->tripped;
    job->findings = parley_sandbox_collect_findings(S, sb, &job->nfindings);
    job->log = collect_log(S, sb->nlog, &job->nlog);
    job->total = sb->total;
    parley_watchdog_unwatch(sb); /* before the connection closes with the state */
    parley_sandbox_close(S, sb);
}

static void run_job(Job *job, const Batch *batch)
{
    Sandbox sb;
    lua_State *S;
    parley_sandbox_init(&sb, &job->lim, &batch->opts);
    sb.rule_id = job->rule_id.p;
    sb.severity = job->severity.p;
    S = parley_sandbox_newstate(&sb);
    if (S == NULL) {
        job->limit = LIMIT_MEMORY;
        parley_text_copy(&job->error, sb.message, strlen(sb.message));
    } else {
        int status;
        parley_sandbox_set_current(&sb);
        parley_watchdog_watch(batch->watchdog, &sb);
        lua_pushcfunction(S, job_main);
        lua_pushlightuserdata(S, job);
        status = lua_pcall(S, 1, 0, 0);
        finish(S, &sb, status, job);
        parley_sandbox_set_current(NULL);
    }
    job->seconds = parley_sandbox_now() - sb.start;
    job->instructions = sb.instructions;
    job->memory_peak = sb.peak;
}

static void *worker(void *arg)
{
    Batch *b = (Batch *)arg;
    for (;;) {
        lua_Integer i;
        pthread_mutex_lock(&b->lock);
        while (b->next >= b->ready && b->ready < b->njobs)
            pthread_cond_wait(&b->released, &b->lock);
        i = b->next++;
        pthread_mutex_unlock(&b->lock);
        if (i >= b->njobs)
            break;
        run_job(&b->jobs[i], b);
    }
    return NULL;
}

/* --------------------------------------------------------------- the batch */

static void free_log(Text *t, lua_Integer n)
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
        parley_text_free(&j->rule_id);
        parley_text_free(&j->source);
        parley_text_free(&j->chunkname);
        parley_text_free(&j->store);
        parley_text_free(&j->params_json);
        parley_text_free(&j->severity);
        parley_text_free(&j->error);
        parley_sandbox_free_findings(j->findings, j->nfindings);
        j->findings = NULL;
        free_log(j->log, j->nlog);
        j->log = NULL;
    }
    free(b->jobs);
    b->jobs = NULL;
    b->njobs = 0;
    parley_sandbox_free_options(&b->opts);
    if (b->cond_ready)
        pthread_cond_destroy(&b->released);
    if (b->lock_ready)
        pthread_mutex_destroy(&b->lock);
    b->lock_ready = b->cond_ready = 0;
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

/* jobs[i][key] into out; nil gives dflt, or leaves out->p NULL when dflt is NULL and the
 * field is optional. */
static void job_text(lua_State *L, int t, lua_Integer i, const char *key, Text *out, const char *dflt, int optional)
{
    size_t len;
    const char *s;
    int type = lua_getfield(L, t, key);
    if (type == LUA_TNIL && dflt) {
        parley_text_copy_or_raise(L, out, dflt, strlen(dflt));
    } else if (type == LUA_TNIL && optional) {
        out->p = NULL;
    } else {
        if (type != LUA_TSTRING)
            luaL_error(L, "jobs[%d].%s must be a string (got %s)", (int)i, key, luaL_typename(L, -1));
        s = lua_tolstring(L, -1, &len);
        parley_text_copy_or_raise(L, out, s, len);
    }
    lua_pop(L, 1);
}

static void read_job(lua_State *L, int t, lua_Integer i, Job *job, const SbOptions *opts)
{
    t = lua_absindex(L, t);
    if (!lua_istable(L, t))
        luaL_error(L, "jobs[%d] must be a table", (int)i);
    job_text(L, t, i, "rule_id", &job->rule_id, NULL, 0);
    job_text(L, t, i, "source", &job->source, NULL, 0);
    lua_pushfstring(L, "=%s", job->rule_id.p); /* the default chunk name */
    job_text(L, t, i, "chunkname", &job->chunkname, lua_tostring(L, -1), 0);
    lua_pop(L, 1);
    job_text(L, t, i, "store", &job->store, NULL, 0);
    job_text(L, t, i, "params_json", &job->params_json, NULL, 1);
    job_text(L, t, i, "severity", &job->severity, NULL, 1);
    if (job->severity.p && !parley_textlist_has(&opts->severities, job->severity.p, job->severity.len)) {
        parley_textlist_push_joined(L, &opts->severities);
        luaL_error(L, "jobs[%d].severity must be one of %s", (int)i, lua_tostring(L, -1));
    }
    lua_getfield(L, t, "limits");
    parley_sandbox_read_limits(L, lua_isnil(L, -1) ? 0 : lua_gettop(L), &job->lim);
    lua_pop(L, 1);
}

/* ---------------------------------------------------------------- results */

static void push_log(lua_State *L, const Text *t, lua_Integer n)
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
    parley_sandbox_push_findings(L, j->findings, j->nfindings);
    lua_setfield(L, -2, "findings");
    lua_pushinteger(L, j->total);
    lua_setfield(L, -2, "total");
    lua_pushboolean(L, j->total > j->nfindings);
    lua_setfield(L, -2, "truncated");
    push_log(L, j->log, j->nlog);
    lua_setfield(L, -2, "log");
    lua_pushnumber(L, j->seconds);
    lua_setfield(L, -2, "seconds");
    lua_pushinteger(L, j->instructions);
    lua_setfield(L, -2, "instructions");
    lua_pushinteger(L, (lua_Integer)j->memory_peak);
    lua_setfield(L, -2, "memory_peak");
}

/* opts.threads: 1 unless given. */
static lua_Integer read_threads(lua_State *L, int opts)
{
    lua_Integer threads = 1;
    if (opts && lua_getfield(L, opts, "threads") != LUA_TNIL) {
        int ok;
        threads = lua_tointegerx(L, -1, &ok);
        if (!ok || threads < 1)
            luaL_error(L, "opts.threads must be an integer of at least 1");
    }
    if (opts)
        lua_pop(L, 1);
    return threads;
}

/* opts.ready: how many of the jobs, the first ones, may start before opts.meanwhile returns
 * (the others need what it prepares); all of them without it. */
static lua_Integer read_ready(lua_State *L, int opts, lua_Integer n, int meanwhile)
{
    lua_Integer ready = n;
    if (opts && lua_getfield(L, opts, "ready") != LUA_TNIL) {
        int ok;
        ready = lua_tointegerx(L, -1, &ok);
        if (!ok || ready < 0)
            luaL_error(L, "opts.ready must be a non-negative integer");
        if (!meanwhile)
            luaL_error(L, "opts.ready needs opts.meanwhile");
    }
    if (opts)
        lua_pop(L, 1);
    return ready > n ? n : ready;
}

/* Lets every job start (after opts.meanwhile, or when it could not be called). */
static void release_all(Batch *b)
{
    pthread_mutex_lock(&b->lock);
    b->ready = b->njobs;
    pthread_cond_broadcast(&b->released);
    pthread_mutex_unlock(&b->lock);
}

/* core.run_rules(jobs, opts): see docs/sandbox.md. With opts.meanwhile, the caller's thread
 * runs it while threads - 1 workers run the jobs that do not wait for it, then works too. */
static int l_run_rules(lua_State *L)
{
    lua_Integer n, i, threads, workers;
    int opts = 0, started = 0, t, meanwhile = 0, status = LUA_OK;
    pthread_t *ids;
    Batch *b;
    luaL_checktype(L, 1, LUA_TTABLE);
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        opts = 2;
    }
    lua_settop(L, 2);
    threads = read_threads(L, opts);
    if (opts) {
        lua_getfield(L, opts, "meanwhile"); /* 3 */
        if (!lua_isnil(L, 3) && !lua_isfunction(L, 3))
            return luaL_error(L, "opts.meanwhile must be a function");
        meanwhile = lua_isfunction(L, 3);
    } else {
        lua_pushnil(L); /* 3 */
    }
    n = (lua_Integer)lua_rawlen(L, 1);
    b = new_batch(L); /* 4 */
    parley_sandbox_read_options(L, opts, &b->opts, "threads, meanwhile, ready");
    b->ready = read_ready(L, opts, n, meanwhile);
    b->jobs = (Job *)calloc(n ? (size_t)n : 1, sizeof(Job));
    if (b->jobs == NULL)
        return luaL_error(L, "not enough memory");
    b->njobs = n;
    for (i = 1; i <= n; i++) {
        lua_rawgeti(L, 1, i);
        read_job(L, -1, i, &b->jobs[i - 1], &b->opts);
        lua_pop(L, 1);
    }
    if (pthread_mutex_init(&b->lock, NULL) != 0)
        return luaL_error(L, "cannot create a mutex");
    b->lock_ready = 1;
    if (pthread_cond_init(&b->released, NULL) != 0)
        return luaL_error(L, "cannot create a condition variable");
    b->cond_ready = 1;
    if (threads > MAX_THREADS)
        threads = MAX_THREADS;
    /* the caller's thread is one of the threads once meanwhile has returned */
    workers = meanwhile ? threads - 1 : threads;
    if (workers > n)
        workers = n;
    ids = (pthread_t *)lua_newuserdatauv(L, (size_t)(workers > 0 ? workers : 1) * sizeof(pthread_t), 0);
    b->watchdog = parley_watchdog_start(); /* nothing raises until it is stopped */
    for (t = 0; t < workers; t++) {
        if (pthread_create(&ids[t], NULL, worker, b) != 0)
            break;
        started++;
    }
    if (meanwhile) {
        /* an error is raised once every job has run and the threads are joined */
        lua_pushvalue(L, 3);
        status = lua_pcall(L, 0, 0, 0);
        release_all(b);
        worker(b);
    } else if (started == 0) {
        worker(b); /* no thread could start: run them here */
    }
    for (t = 0; t < started; t++)
        pthread_join(ids[t], NULL);
    parley_watchdog_stop(b->watchdog);
    b->watchdog = NULL;
    if (status != LUA_OK) {
        batch_free(b);
        return lua_error(L);
    }
    lua_createtable(L, (int)n, 0);
    for (i = 0; i < n; i++) {
        push_result(L, &b->jobs[i]);
        lua_rawseti(L, -2, i + 1);
    }
    batch_free(b);
    return 1;
}

int parley_open_sandbox_run(lua_State *L)
{
    luaL_newmetatable(L, BATCH_MT);
    lua_pushcfunction(L, batch_gc);
    lua_setfield(L, -2, "__gc");
    lua_pop(L, 1);
    lua_pushcfunction(L, l_run_rules);
    lua_setfield(L, -2, "run_rules");
    return 0;
}
