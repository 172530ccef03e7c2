/* SPDX-License-Identifier: MIT */
/* The watchdog: one monitor thread per core.run_rules (or core.rule_info) call that stops a
 * rule at its deadline even while it is inside a C function or an SQLite call.
 *
 * The count hook reads the clock only every HOOK_EVERY instructions and the progress handler
 * every PROGRESS_EVERY SQLite steps, so one costly C call between two checks (a long
 * os.date format, a huge table.concat, a wait on a locked store) could overrun the time limit
 * many times over. The monitor wakes every WATCH_PERIOD seconds and, for each watched sandbox
 * past its deadline, marks it expired and calls sqlite3_interrupt on its connection (safe from
 * any thread). Every check reads the mark: the count hook (within 1,000 instructions), the
 * progress handler, the busy handler and every charged C function (sandbox_charge.c), so the
 * overshoot is at most one C call, and those are bounded by their charge or the memory cap.
 *
 * The monitor does not call lua_sethook on the rule's state, although Lua allows it from a
 * signal handler: in Lua 5.4 it walks the thread's CallInfo list (settraps), which the rule's
 * own thread may be freeing at that moment (luaE_shrinkCI in a collection), and it would reach
 * only the main thread, not a coroutine the rule runs in. The hook's next regular call comes
 * within 1,000 instructions anyway.
 *
 * The list of watched sandboxes and each one's connection are read and changed under the
 * watchdog's mutex: a worker unwatches its sandbox before it closes the state (and with it
 * the connection), so the monitor never touches a closed connection or a freed state. */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sqlite3.h>
#include "sandbox.h"

#define WATCH_PERIOD_NS 2000000L /* 2 ms between two looks at the deadlines */

struct Watchdog {
    pthread_t thread;
    pthread_mutex_t lock;
    pthread_cond_t wake;
    int stop;
    Sandbox *watched; /* linked through Sandbox.next_watched */
};

static void expire(Sandbox *sb)
{
    sb->expired = 1;
    if (sb->db)
        sqlite3_interrupt(sb->db);
}

static void *monitor(void *arg)
{
    Watchdog *w = (Watchdog *)arg;
    pthread_mutex_lock(&w->lock);
    while (!w->stop) {
        struct timespec until;
        double now = parley_sandbox_now();
        Sandbox *sb;
        for (sb = w->watched; sb; sb = sb->next_watched)
            if (!sb->expired && now > sb->deadline)
                expire(sb);
        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_nsec += WATCH_PERIOD_NS;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!w->stop && pthread_cond_timedwait(&w->wake, &w->lock, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&w->lock);
    return NULL;
}

Watchdog *parley_watchdog_start(void)
{
    Watchdog *w = (Watchdog *)calloc(1, sizeof *w);
    if (w == NULL)
        return NULL;
    if (pthread_mutex_init(&w->lock, NULL) != 0) {
        free(w);
        return NULL;
    }
    if (pthread_cond_init(&w->wake, NULL) != 0) {
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    if (pthread_create(&w->thread, NULL, monitor, w) != 0) {
        pthread_cond_destroy(&w->wake);
        pthread_mutex_destroy(&w->lock);
        free(w);
        return NULL;
    }
    return w;
}

void parley_watchdog_stop(Watchdog *w)
{
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    w->stop = 1;
    pthread_cond_signal(&w->wake);
    pthread_mutex_unlock(&w->lock);
    pthread_join(w->thread, NULL);
    pthread_cond_destroy(&w->wake);
    pthread_mutex_destroy(&w->lock);
    free(w);
}

void parley_watchdog_watch(Watchdog *w, Sandbox *sb)
{
    sb->watchdog = w;
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    sb->next_watched = w->watched;
    w->watched = sb;
    pthread_mutex_unlock(&w->lock);
}

void parley_watchdog_set_db(Sandbox *sb, sqlite3 *db)
{
    Watchdog *w = sb->watchdog;
    if (w == NULL) {
        sb->db = db;
        return;
    }
    pthread_mutex_lock(&w->lock);
    sb->db = db;
    if (db && sb->expired)
        sqlite3_interrupt(db);
    pthread_mutex_unlock(&w->lock);
}

void parley_watchdog_unwatch(Sandbox *sb)
{
    Watchdog *w = sb->watchdog;
    Sandbox **p;
    if (w == NULL)
        return;
    pthread_mutex_lock(&w->lock);
    for (p = &w->watched; *p; p = &(*p)->next_watched)
        if (*p == sb) {
            *p = sb->next_watched;
            break;
        }
    sb->db = NULL;
    sb->watchdog = NULL;
    pthread_mutex_unlock(&w->lock);
}
