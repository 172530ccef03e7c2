/* SPDX-License-Identifier: MIT */
/* The limit for bench/store.lua: the same store workload written directly on the SQLite C API.
 *
 * usage: store_c PATH ROWS
 *
 * Creates a fresh database at PATH (with journal_mode=WAL, synchronous left at its default, as
 * parley.core.connect does), inserts ROWS (text, integer, real) rows in one transaction through
 * one prepared statement (bind, step, reset), then scans them all, reading every column with
 * sqlite3_column_*. The row values are generated before the clock starts, exactly as
 * bench/store.lua generates them. Prints, one per line:
 *   insert_rows_per_s N
 *   scan_rows_per_s N
 *   checksum ROWS TEXT_BYTES INT_SUM REAL_SUM
 * Removes PATH and its -wal/-shm files before and after. Exit status 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "store_c: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void remove_db(const char *path)
{
    char buf[4096];
    unlink(path);
    snprintf(buf, sizeof buf, "%s-wal", path);
    unlink(buf);
    snprintf(buf, sizeof buf, "%s-shm", path);
    unlink(buf);
}

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

int main(int argc, char **argv)
{
    const char *path;
    long rows, i;
    char **texts;
    int *text_len;
    long long *ints;
    double *reals;
    sqlite3 *db = NULL;
    sqlite3_stmt *st;
    double t0, t_insert, t_scan;
    long long scanned = 0, text_bytes = 0, int_sum = 0;
    double real_sum = 0;

    if (argc != 3) {
        fprintf(stderr, "usage: store_c PATH ROWS\n");
        return 2;
    }
    path = argv[1];
    rows = strtol(argv[2], NULL, 10);
    if (rows <= 0)
        return 2;

    /* The data, as bench/store.lua makes it (see make_rows there). */
    texts = malloc(sizeof *texts * (size_t)rows);
    text_len = malloc(sizeof *text_len * (size_t)rows);
    ints = malloc(sizeof *ints * (size_t)rows);
    reals = malloc(sizeof *reals * (size_t)rows);
    if (!texts || !text_len || !ints || !reals)
        return 1;
    for (i = 1; i <= rows; i++) {
        char buf[64];
        int n = (i % 10 == 0) ? snprintf(buf, sizeof buf, "O'Brien & Sons #%ld", i)
                              : snprintf(buf, sizeof buf, "name-%ld-abcdefgh", i);
        texts[i - 1] = malloc((size_t)n + 1);
        if (!texts[i - 1])
            return 1;
        memcpy(texts[i - 1], buf, (size_t)n + 1);
        text_len[i - 1] = n;
        ints[i - 1] = (long long)i * 7919 % 1000003;
        reals[i - 1] = (double)i / 7;
    }

    remove_db(path);
    if (sqlite3_open_v2(path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) !=
        SQLITE_OK)
        die(db, "open");
    exec(db, "PRAGMA journal_mode=WAL");
    exec(db, "PRAGMA foreign_keys=ON");
    exec(db, "CREATE TABLE t(t TEXT, i INTEGER, r REAL)");

    /* Inserts: one transaction, one statement prepared once, bind/step/reset per row. */
    t0 = now();
    exec(db, "BEGIN IMMEDIATE");
    if (sqlite3_prepare_v2(db, "INSERT INTO t(t, i, r) VALUES (?, ?, ?)", -1, &st, NULL) != SQLITE_OK)
        die(db, "prepare insert");
    for (i = 0; i < rows; i++) {
        sqlite3_bind_text(st, 1, texts[i], text_len[i], SQLITE_STATIC);
        sqlite3_bind_int64(st, 2, ints[i]);
        sqlite3_bind_double(st, 3, reals[i]);
        if (sqlite3_step(st) != SQLITE_DONE)
            die(db, "insert");
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    exec(db, "COMMIT");
    t_insert = now() - t0;

    /* Scan: every column of every row. */
    t0 = now();
    if (sqlite3_prepare_v2(db, "SELECT t, i, r FROM t", -1, &st, NULL) != SQLITE_OK)
        die(db, "prepare select");
    for (;;) {
        int rc = sqlite3_step(st);
        if (rc == SQLITE_DONE)
            break;
        if (rc != SQLITE_ROW)
            die(db, "scan");
        if (sqlite3_column_text(st, 0))
            text_bytes += sqlite3_column_bytes(st, 0);
        int_sum += sqlite3_column_int64(st, 1);
        real_sum += sqlite3_column_double(st, 2);
        scanned++;
    }
    sqlite3_finalize(st);
    t_scan = now() - t0;

    sqlite3_close(db);
    remove_db(path);

    printf("insert_rows_per_s %.0f\n", (double)rows / t_insert);
    printf("scan_rows_per_s %.0f\n", (double)scanned / t_scan);
    printf("checksum %lld %lld %lld %.17g\n", scanned, text_bytes, int_sum, real_sum);
    for (i = 0; i < rows; i++)
        free(texts[i]);
    free(texts);
    free(text_len);
    free(ints);
    free(reals);
    return 0;
}
