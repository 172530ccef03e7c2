/* SPDX-License-Identifier: MIT */
/* The writing half of the limit for bench/import.lua: the rows a parley import wrote, written
 * again straight on the SQLite C API.
 *
 * usage: import_c SOURCE DEST
 *
 * SOURCE is a store parley imported one dataset into; DEST a fresh store parley.open made (the
 * same schema, with its indexes and triggers, and no rows: a fresh store has none, so every
 * row of SOURCE is one the import wrote). Before the clock starts this reads every row of
 * every table of SOURCE into memory, each value with its SQLite type, and opens DEST with the
 * pragmas of parley.core.connect (journal_mode=WAL, foreign_keys=ON). Timed: BEGIN IMMEDIATE,
 * then for each table one prepared INSERT with positional parameters (bind, step, reset per
 * row), COMMIT. Each table is written after the tables it references (PRAGMA foreign_key_list;
 * a table that references itself, or a cycle, is taken as it comes): while a deferred foreign
 * key waits for its parent row SQLite looks for the children of every parent row inserted, a
 * scan of the child table where its column has no index, so parents first is the fastest order
 * (and the one parley writes in). Prints
 *   rows N
 *   write_s SECONDS      (wall clock)
 *   write_cpu_s SECONDS  (this process's CPU time)
 * DEST is left for the caller to compare and remove. Exit 0 on success. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sqlite3.h>

static double clock_s(clockid_t id)
{
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void die(sqlite3 *db, const char *what)
{
    fprintf(stderr, "import_c: %s: %s\n", what, db ? sqlite3_errmsg(db) : "?");
    exit(1);
}

static void *grow(void *p, size_t n)
{
    p = realloc(p, n);
    if (!p) {
        fprintf(stderr, "import_c: out of memory\n");
        exit(1);
    }
    return p;
}

static char *copy_text(const char *s, size_t n)
{
    char *out = grow(NULL, n + 1);
    memcpy(out, s, n);
    out[n] = 0;
    return out;
}

/* One value of a row, as SQLite typed it. */
struct value {
    int type;
    sqlite3_int64 i;
    double r;
    char *s;
    int n;
};

struct table {
    char *name;
    char **refs; /* the tables it references */
    int nrefs;
    int placed;
    char *insert;
    int ncols;
    long nrows;
    struct value *values; /* nrows * ncols */
};

static void exec(sqlite3 *db, const char *sql)
{
    if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
        die(db, sql);
}

/* Reads every row of table t (its name set) from src. */
static void read_table(sqlite3 *src, struct table *t)
{
    char sql[512];
    sqlite3_stmt *st;
    size_t cap = 0, used = 0, len;
    char *insert, *cols;
    int c;

    snprintf(sql, sizeof sql, "SELECT * FROM \"%s\"", t->name);
    if (sqlite3_prepare_v2(src, sql, -1, &st, NULL) != SQLITE_OK)
        die(src, sql);
    t->ncols = sqlite3_column_count(st);
    cols = grow(NULL, 1);
    cols[0] = 0;
    len = 0;
    for (c = 0; c < t->ncols; c++) {
        const char *name = sqlite3_column_name(st, c);
        size_t n = strlen(name);
        cols = grow(cols, len + n + 6);
        len += (size_t)sprintf(cols + len, "%s\"%s\"", c ? ", " : "", name);
    }
    insert = grow(NULL, len + strlen(t->name) + 4 * (size_t)t->ncols + 64);
    used = (size_t)sprintf(insert, "INSERT INTO \"%s\" (%s) VALUES (", t->name, cols);
    for (c = 0; c < t->ncols; c++)
        used += (size_t)sprintf(insert + used, "%s?", c ? ", " : "");
    strcpy(insert + used, ")");
    free(cols);
    t->insert = insert;
    t->nrows = 0;
    t->values = NULL;
    used = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        if (used + (size_t)t->ncols > cap) {
            cap = cap ? cap * 2 : 1024;
            while (cap < used + (size_t)t->ncols)
                cap *= 2;
            t->values = grow(t->values, cap * sizeof *t->values);
        }
        for (c = 0; c < t->ncols; c++) {
            struct value *v = &t->values[used++];
            memset(v, 0, sizeof *v);
            v->type = sqlite3_column_type(st, c);
            switch (v->type) {
            case SQLITE_INTEGER: v->i = sqlite3_column_int64(st, c); break;
            case SQLITE_FLOAT: v->r = sqlite3_column_double(st, c); break;
            case SQLITE_TEXT:
                v->n = sqlite3_column_bytes(st, c);
                v->s = copy_text((const char *)sqlite3_column_text(st, c), (size_t)v->n);
                break;
            case SQLITE_BLOB:
                v->n = sqlite3_column_bytes(st, c);
                v->s = copy_text(sqlite3_column_blob(st, c), (size_t)v->n);
                break;
            default: break;
            }
        }
        t->nrows++;
    }
    sqlite3_finalize(st);
}

/* The names of the tables t references, other than itself. */
static void read_refs(sqlite3 *src, struct table *t)
{
    char sql[512];
    sqlite3_stmt *st;
    snprintf(sql, sizeof sql, "SELECT DISTINCT \"table\" FROM pragma_foreign_key_list('%s')", t->name);
    if (sqlite3_prepare_v2(src, sql, -1, &st, NULL) != SQLITE_OK)
        die(src, sql);
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *ref = (const char *)sqlite3_column_text(st, 0);
        if (strcmp(ref, t->name) == 0)
            continue;
        t->refs = grow(t->refs, sizeof *t->refs * (size_t)(t->nrefs + 1));
        t->refs[t->nrefs++] = copy_text(ref, strlen(ref));
    }
    sqlite3_finalize(st);
}

/* Whether every table t references is placed (or is not a table of the store). */
static int ready(const struct table *tables, int n, const struct table *t)
{
    int r, i;
    for (r = 0; r < t->nrefs; r++)
        for (i = 0; i < n; i++)
            if (strcmp(tables[i].name, t->refs[r]) == 0 && !tables[i].placed)
                return 0;
    return 1;
}

/* The order to write the tables in: each after those it references. */
static int *write_order(struct table *tables, int n)
{
    int *order = grow(NULL, sizeof *order * (size_t)(n ? n : 1));
    int k, i;
    for (k = 0; k < n; k++) {
        int pick = -1;
        for (i = 0; i < n && pick < 0; i++)
            if (!tables[i].placed && ready(tables, n, &tables[i]))
                pick = i;
        for (i = 0; i < n && pick < 0; i++) /* a cycle: the first left */
            if (!tables[i].placed)
                pick = i;
        tables[pick].placed = 1;
        order[k] = pick;
    }
    return order;
}

int main(int argc, char **argv)
{
    sqlite3 *src = NULL, *dst = NULL;
    sqlite3_stmt *st;
    struct table *tables = NULL;
    int ntables = 0, i, k, *order;
    long r, total = 0;
    double t0, c0, t_write, c_write;

    if (argc != 3) {
        fprintf(stderr, "usage: import_c SOURCE DEST\n");
        return 2;
    }
    if (sqlite3_open_v2(argv[1], &src, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
        die(src, "open source");
    if (sqlite3_prepare_v2(src,
                           "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
                           "ORDER BY rowid",
                           -1, &st, NULL) != SQLITE_OK)
        die(src, "read schema");
    while (sqlite3_step(st) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        tables = grow(tables, sizeof *tables * (size_t)(ntables + 1));
        memset(&tables[ntables], 0, sizeof *tables);
        tables[ntables++].name = copy_text(name, strlen(name));
    }
    sqlite3_finalize(st);
    for (i = 0; i < ntables; i++) {
        read_table(src, &tables[i]);
        read_refs(src, &tables[i]);
    }
    order = write_order(tables, ntables);
    sqlite3_close(src);

    if (sqlite3_open_v2(argv[2], &dst, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
        die(dst, "open destination");
    exec(dst, "PRAGMA journal_mode=WAL");
    exec(dst, "PRAGMA foreign_keys=ON");

    t0 = clock_s(CLOCK_MONOTONIC);
    c0 = clock_s(CLOCK_PROCESS_CPUTIME_ID);
    exec(dst, "BEGIN IMMEDIATE");
    {
        for (k = 0; k < ntables; k++) {
            struct table *t = &tables[order[k]];
            if (t->nrows == 0)
                continue;
            if (sqlite3_prepare_v2(dst, t->insert, -1, &st, NULL) != SQLITE_OK)
                die(dst, t->insert);
            for (r = 0; r < t->nrows; r++) {
                int c;
                for (c = 0; c < t->ncols; c++) {
                    const struct value *v = &t->values[r * t->ncols + c];
                    switch (v->type) {
                    case SQLITE_INTEGER: sqlite3_bind_int64(st, c + 1, v->i); break;
                    case SQLITE_FLOAT: sqlite3_bind_double(st, c + 1, v->r); break;
                    case SQLITE_TEXT: sqlite3_bind_text(st, c + 1, v->s, v->n, SQLITE_STATIC); break;
                    case SQLITE_BLOB: sqlite3_bind_blob(st, c + 1, v->s, v->n, SQLITE_STATIC); break;
                    default: sqlite3_bind_null(st, c + 1); break;
                    }
                }
                if (sqlite3_step(st) != SQLITE_DONE)
                    die(dst, t->insert);
                sqlite3_reset(st);
                total++;
            }
            sqlite3_finalize(st);
        }
    }
    exec(dst, "COMMIT");
    t_write = clock_s(CLOCK_MONOTONIC) - t0;
    c_write = clock_s(CLOCK_PROCESS_CPUTIME_ID) - c0;
    sqlite3_close(dst);
    printf("rows %ld\nwrite_s %.6f\nwrite_cpu_s %.6f\n", total, t_write, c_write);
    return 0;
}
