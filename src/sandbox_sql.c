/* SPDX-License-Identifier: MIT */
/* What a rule's connection may cost: time, SQLite's memory and temporary disk.
 *
 *   - a busy handler that waits for a locked store only until the rule's deadline, and then
 *     reports the time limit (a fixed busy timeout would wait 5 s for every query);
 *   - sqlite3_limit on the sizes a rule controls (SQL text, compound SELECTs, expression
 *     depth, bound parameters, program size), so that preparing one statement, which no
 *     progress handler watches, stays small;
 *   - a bounded page cache (which also bounds the sorter's memory before it spills), and
 *     temporary tables and sorts in files;
 *   - a thin VFS over the default one that counts the bytes written to the connection's
 *     temporary files and refuses to write past the rule's temp_mb (the disk limit);
 *   - a guard run before each query of ctx.db: live statements are capped, and SQLite's memory
 *     for the connection (page cache and prepared statements) counts against memory_mb.
 * docs/sandbox.md says what these bound and what they do not. */
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sqlite3.h>
#include "sandbox.h"

#define RULE_VFS "parley-rule"
#define SQL_LENGTH_MAX 100000   /* bytes of one SQL text */
#define COMPOUND_MAX 50         /* terms of a compound SELECT */
#define EXPR_DEPTH_MAX 100      /* depth of an expression tree */
#define VARIABLES_MAX 1000      /* ?NNN parameters of one statement */
#define CACHE_KIB 2048          /* page cache of the connection */
#define BUSY_SLEEP_NS 5000000L  /* 5 ms between two tries of a locked store */
#define MEASURE_SQL_OVER 1024   /* SQL texts longer than this make the guard measure statements */
#define MEASURE_EVERY 32        /* and it measures at least every this many queries */

/* ------------------------------------------------------- the counting VFS */

/* Which sandbox the running thread works for: temporary files are opened by the thread that
 * runs the statement (the sorter's worker threads are limited to 0 on rule connections). */
static pthread_key_t current_key;
static pthread_once_t vfs_once = PTHREAD_ONCE_INIT;
static int vfs_ready;
static sqlite3_vfs rule_vfs;

typedef struct RuleFile {
    sqlite3_file base;
    Sandbox *sb;            /* NULL: not a temporary file, nothing counted */
    sqlite3_int64 written;  /* the file's high-water mark */
    sqlite3_file *real;     /* the default VFS's file, right after this struct */
} RuleFile;

#define REAL(f) (((RuleFile *)(f))->real)

static int rf_close(sqlite3_file *f)
{
    return REAL(f)->pMethods->xClose(REAL(f));
}

static int rf_read(sqlite3_file *f, void *buf, int n, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, n, off);
}

static int rf_write(sqlite3_file *f, const void *buf, int n, sqlite3_int64 off)
{
    RuleFile *rf = (RuleFile *)f;
    if (rf->sb && off + n > rf->written) {
        Sandbox *sb = rf->sb;
        sb->temp_bytes += off + n - rf->written;
        rf->written = off + n;
        if ((double)sb->temp_bytes > sb->lim.temp_mb * 1048576.0) {
            parley_sandbox_trip(sb, LIMIT_DISK);
            return SQLITE_FULL;
        }
    }
    return REAL(f)->pMethods->xWrite(REAL(f), buf, n, off);
}

static int rf_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    return REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int rf_sync(sqlite3_file *f, int flags)
{
    return REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int rf_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int rf_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int rf_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int rf_check_lock(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int rf_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int rf_sector(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int rf_device(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

static int rf_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **out)
{
    if (REAL(f)->pMethods->iVersion < 2)
        return SQLITE_IOERR;
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, out);
}

static int rf_shm_lock(sqlite3_file *f, int offset, int n, int flags)
{
    if (REAL(f)->pMethods->iVersion < 2)
        return SQLITE_IOERR;
    return REAL(f)->pMethods->xShmLock(REAL(f), offset, n, flags);
}

static void rf_shm_barrier(sqlite3_file *f)
{
    if (REAL(f)->pMethods->iVersion >= 2)
        REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int rf_shm_unmap(sqlite3_file *f, int del)
{
    if (REAL(f)->pMethods->iVersion < 2)
        return SQLITE_OK;
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

static int rf_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **out)
{
    if (REAL(f)->pMethods->iVersion < 3) {
        *out = NULL;
        return SQLITE_OK;
    }
    return REAL(f)->pMethods->xFetch(REAL(f), off, n, out);
}

static int rf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    if (REAL(f)->pMethods->iVersion < 3)
        return SQLITE_OK;
    return REAL(f)->pMethods->xUnfetch(REAL(f), off, p);
}

static const sqlite3_io_methods rule_file_methods = {
    3,           rf_close,      rf_read,       rf_write,       rf_truncate,  rf_sync,
    rf_size,     rf_lock,       rf_unlock,     rf_check_lock,  rf_control,   rf_sector,
    rf_device,   rf_shm_map,    rf_shm_lock,   rf_shm_barrier, rf_shm_unmap, rf_fetch,
    rf_unfetch,
};

#define TEMP_FILES (SQLITE_OPEN_TEMP_DB | SQLITE_OPEN_TEMP_JOURNAL | SQLITE_OPEN_TRANSIENT_DB | SQLITE_OPEN_SUBJOURNAL)

static int rv_open(sqlite3_vfs *vfs, const char *name, sqlite3_file *f, int flags, int *out)
{
    sqlite3_vfs *base = (sqlite3_vfs *)vfs->pAppData;
    RuleFile *rf = (RuleFile *)f;
    int rc;
    memset(rf, 0, sizeof *rf);
    rf->real = (sqlite3_file *)(rf + 1);
    rf->sb = (flags & TEMP_FILES) ? (Sandbox *)pthread_getspecific(current_key) : NULL;
    rc = base->xOpen(base, name, rf->real, flags, out);
    rf->base.pMethods = rc == SQLITE_OK && rf->real->pMethods ? &rule_file_methods : NULL;
    return rc;
}

/* The other methods of the VFS are the default one's, called with it. */
static int rv_delete(sqlite3_vfs *v, const char *n, int sync)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xDelete(b, n, sync);
}

static int rv_access(sqlite3_vfs *v, const char *n, int flags, int *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xAccess(b, n, flags, out);
}

static int rv_full_path(sqlite3_vfs *v, const char *n, int size, char *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xFullPathname(b, n, size, out);
}

static int rv_randomness(sqlite3_vfs *v, int n, char *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xRandomness(b, n, out);
}

static int rv_sleep(sqlite3_vfs *v, int us)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xSleep(b, us);
}

static int rv_time(sqlite3_vfs *v, double *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xCurrentTime(b, out);
}

static int rv_last_error(sqlite3_vfs *v, int n, char *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    return b->xGetLastError ? b->xGetLastError(b, n, out) : 0;
}

static int rv_time64(sqlite3_vfs *v, sqlite3_int64 *out)
{
    sqlite3_vfs *b = (sqlite3_vfs *)v->pAppData;
    double t;
    int rc;
    if (b->iVersion >= 2 && b->xCurrentTimeInt64)
        return b->xCurrentTimeInt64(b, out);
    rc = b->xCurrentTime(b, &t);
    *out = (sqlite3_int64)(t * 86400000.0);
    return rc;
}

static void register_vfs(void)
{
    sqlite3_vfs *base = sqlite3_vfs_find(NULL);
    if (base == NULL || pthread_key_create(&current_key, NULL) != 0)
        return;
    memset(&rule_vfs, 0, sizeof rule_vfs);
    rule_vfs.iVersion = 2;
    rule_vfs.szOsFile = (int)sizeof(RuleFile) + base->szOsFile;
    rule_vfs.mxPathname = base->mxPathname;
    rule_vfs.zName = RULE_VFS;
    rule_vfs.pAppData = base;
    rule_vfs.xOpen = rv_open;
    rule_vfs.xDelete = rv_delete;
    rule_vfs.xAccess = rv_access;
    rule_vfs.xFullPathname = rv_full_path;
    rule_vfs.xRandomness = rv_randomness;
    rule_vfs.xSleep = rv_sleep;
    rule_vfs.xCurrentTime = rv_time;
    rule_vfs.xGetLastError = rv_last_error;
    rule_vfs.xCurrentTimeInt64 = rv_time64;
    vfs_ready = sqlite3_vfs_register(&rule_vfs, 0) == SQLITE_OK;
}

const char *parley_sandbox_vfs(void)
{
    pthread_once(&vfs_once, register_vfs);
    return vfs_ready ? RULE_VFS : NULL;
}

void parley_sandbox_set_current(Sandbox *sb)
{
    pthread_once(&vfs_once, register_vfs);
    if (vfs_ready)
        pthread_setspecific(current_key, sb);
}

/* ---------------------------------------------------- the connection's setup */

/* Waits for a locked store until the rule's deadline, then gives up as the time limit. */
static int busy_handler(void *ud, int tries)
{
    Sandbox *sb = (Sandbox *)ud;
    double left;
    struct timespec ts;
    (void)tries;
    if (!sb->tripped && (sb->expired || parley_sandbox_now() >= sb->deadline))
        parley_sandbox_trip(sb, LIMIT_TIME);
    if (sb->tripped)
        return 0;
    left = sb->deadline - parley_sandbox_now();
    ts.tv_sec = 0;
    ts.tv_nsec = left < BUSY_SLEEP_NS * 1e-9 ? (long)(left > 0 ? left * 1e9 : 0) : BUSY_SLEEP_NS;
    nanosleep(&ts, NULL);
    return 1;
}

void parley_sandbox_setup_db(sqlite3 *db, void *ud)
{
    Sandbox *sb = (Sandbox *)ud;
    double cap = sb->lim.memory_mb * 1048576.0;
    char pragma[64];
    sqlite3_limit(db, SQLITE_LIMIT_LENGTH, cap < 1e9 ? (int)cap : 1000000000);
    sqlite3_limit(db, SQLITE_LIMIT_SQL_LENGTH, SQL_LENGTH_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_COMPOUND_SELECT, COMPOUND_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_EXPR_DEPTH, EXPR_DEPTH_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, VARIABLES_MAX);
    sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
    sqlite3_limit(db, SQLITE_LIMIT_WORKER_THREADS, 0);
    snprintf(pragma, sizeof pragma, "PRAGMA cache_size=-%d", CACHE_KIB);
    sqlite3_exec(db, pragma, NULL, NULL, NULL);
    sqlite3_exec(db, "PRAGMA temp_store=FILE", NULL, NULL, NULL);
    sqlite3_busy_handler(db, busy_handler, sb);
    sqlite3_progress_handler(db, PROGRESS_EVERY, parley_sandbox_progress, sb);
    parley_watchdog_set_db(sb, db);
}

/* SQLite's memory for the connection: its page cache and its prepared statements. */
static sqlite3_int64 sqlite_memory(sqlite3 *db)
{
    int cache = 0, stmts = 0, hi;
    sqlite3_db_status(db, SQLITE_DBSTATUS_CACHE_USED, &cache, &hi, 0);
    sqlite3_db_status(db, SQLITE_DBSTATUS_STMT_USED, &stmts, &hi, 0);
    return (sqlite3_int64)cache + stmts;
}

/* guard(sql): before each query of ctx.db. Raises a limit when the rule holds more than
 * MAX_STATEMENTS statements or SQLite's memory for it passes what memory_mb leaves. */
int parley_sandbox_db_guard(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    size_t len = 0;
    int n = 0;
    sqlite3_stmt *st;
    if (sb == NULL || sb->db == NULL)
        return 0;
    if (lua_type(L, 1) == LUA_TSTRING)
        lua_tolstring(L, 1, &len);
    parley_sandbox_charge(L, len);
    for (st = sqlite3_next_stmt(sb->db, NULL); st; st = sqlite3_next_stmt(sb->db, st))
        n++;
    if (n >= MAX_STATEMENTS) {
        parley_sandbox_trip(sb, LIMIT_CURSORS);
        return parley_sandbox_raise(L, sb);
    }
    if (len > MEASURE_SQL_OVER || ++sb->queries % MEASURE_EVERY == 0) {
        sqlite3_int64 used = sqlite_memory(sb->db);
        if ((size_t)used > sb->sqlite_peak)
            sb->sqlite_peak = (size_t)used;
        if ((double)used + (double)sb->used > sb->lim.memory_mb * 1048576.0) {
            parley_sandbox_trip(sb, LIMIT_MEMORY);
            return parley_sandbox_raise(L, sb);
        }
    }
    return 0;
}
