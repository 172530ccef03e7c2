/* SPDX-License-Identifier: MIT */
/* The limits of a sandbox state: what stops a rule that loops, eats memory or runs too long.
 *
 *   - an allocator that caps every allocation and reallocation (the Suricata CVE was a cap
 *     applied to reallocations only), so string.rep and table bombs stop at memory_mb;
 *   - a count hook that charges instructions and checks the wall clock; once a limit is
 *     passed it stays tripped and the hook raises on every instruction, in every coroutine,
 *     so pcall, xpcall handlers and coroutine.wrap cannot swallow it;
 *   - an SQLite progress handler on the rule's read-only connection that interrupts a query
 *     once the time or the SQL step budget is spent;
 *   - the watchdog (sandbox_watchdog.c), which marks the sandbox expired and interrupts SQLite
 *     at the deadline, so a long C call between two checks overruns by at most that one call.
 * C functions are not hooked, so those whose running time a rule controls (string.rep of "",
 * table.insert/remove/move over a fake length, pattern matching in sandbox_match.c, and those
 * of sandbox_charge.c, whose cost grows with their arguments) are replaced by versions that
 * charge their work through parley_sandbox_charge. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "sandbox.h"

#define HOOK_EVERY 1000 /* instructions between two calls of the count hook */

double parley_sandbox_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void parley_sandbox_trip(Sandbox *sb, int kind)
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
    case LIMIT_DISK:
        snprintf(sb->message, sizeof sb->message, "rule's SQL wrote more than %g MB of temporary files",
                 sb->lim.temp_mb);
        break;
    case LIMIT_CURSORS:
        snprintf(sb->message, sizeof sb->message, "rule kept more than %d queries open at once", MAX_STATEMENTS);
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
        parley_sandbox_trip(sb, LIMIT_MEMORY);
    else if (sb->instructions > sb->lim.instructions)
        parley_sandbox_trip(sb, LIMIT_INSTRUCTIONS);
    else if (sb->expired || parley_sandbox_now() > sb->deadline)
        parley_sandbox_trip(sb, LIMIT_TIME);
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
            parley_sandbox_trip(sb, LIMIT_MEMORY);
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
        parley_sandbox_trip(sb, LIMIT_MEMORY); /* the host itself is out of memory */
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
        if (sb->instructions > sb->lim.instructions || n > (size_t)(sb->lim.instructions - sb->instructions))
            sb->instructions = sb->lim.instructions + 1; /* saturates: n can be near SIZE_MAX */
        else
            sb->instructions += (lua_Integer)n;
        check_budget(sb);
    }
    if (sb->tripped)
        parley_sandbox_raise(L, sb);
}

/* SQLite's progress handler: interrupts the statement once any limit has tripped, the SQL
 * step budget (the instruction limit, counted separately) is spent, or time is up. */
int parley_sandbox_progress(void *ud)
{
    Sandbox *sb = (Sandbox *)ud;
    if (!sb->tripped) {
        sb->sql_steps += PROGRESS_EVERY;
        if (sb->sql_steps > sb->lim.instructions)
            parley_sandbox_trip(sb, LIMIT_SQL);
        else
            check_budget(sb);
    }
    return sb->tripped != LIMIT_NONE;
}

void parley_sandbox_init(Sandbox *sb, const Limits *lim, const SbOptions *opts)
{
    memset(sb, 0, sizeof *sb);
    sb->lim = *lim;
    sb->cap = (size_t)(lim->memory_mb * 1024.0 * 1024.0);
    sb->start = parley_sandbox_now();
    sb->deadline = sb->start + lim->seconds;
    sb->opts = opts;
}

lua_State *parley_sandbox_newstate(Sandbox *sb)
{
    lua_State *S = lua_newstate(sb_alloc, sb);
    if (S == NULL) {
        parley_sandbox_trip(sb, LIMIT_MEMORY);
        return NULL;
    }
    lua_sethook(S, hook, LUA_MASKCOUNT, HOOK_EVERY);
    return S;
}

void parley_sandbox_settle(Sandbox *sb, int status)
{
    if (status == LUA_ERRMEM || sb->pending)
        parley_sandbox_trip(sb, LIMIT_MEMORY);
    else if (sb->expired) /* the watchdog's interrupt ended the run before any check saw it */
        parley_sandbox_trip(sb, LIMIT_TIME);
}

/* Raising is over: the hook now raises at once, so nothing of the rule runs again, even at
 * lua_close. */
void parley_sandbox_close(lua_State *S, Sandbox *sb)
{
    parley_sandbox_trip(sb, LIMIT_CLOSING);
    lua_settop(S, 0);
    lua_sethook(S, hook, LUA_MASKCOUNT, 1);
    lua_close(S);
}
