/* SPDX-License-Identifier: MIT */
/* The SQLite connection (parley.Database) and its row cursors (parley.Cursor).
 *
 * Ownership: a Database userdata owns the sqlite3 handle and a bounded cache of prepared
 * statements; a Cursor owns the statement it iterates and keeps its Database alive through a
 * user value. Closing a Database finalizes every statement, cached or not, so a Cursor checks
 * that its Database is still open before it touches its statement. Nothing here holds malloc'ed
 * memory across a call that can raise. */
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include <sqlite3.h>
#include "parley.h"

#define DATABASE_MT "parley.Database"
#define CURSOR_MT "parley.Cursor"
#define BLOB_MT "parley.Blob"
#define STMT_CACHE_SIZE 64
#define SQL_IN_MESSAGE 300 /* bytes of SQL quoted in an error message */

typedef struct CachedStmt {
    sqlite3_stmt *stmt; /* NULL when the slot is empty */
    size_t len;
    unsigned hash;
    int in_use;              /* a live Cursor is iterating it */
    unsigned long last_used; /* for least-recently-used eviction */
} CachedStmt;

typedef struct Database {
    sqlite3 *db; /* NULL once closed */
    int readonly;
    int tx_depth;
    unsigned long tick;
    unsigned long prepares; /* statements compiled, for the cache's specs */
    int last_slot;          /* slot last handed out: tried first, before hashing */
    CachedStmt cache[STMT_CACHE_SIZE];
} Database;

typedef struct Cursor {
    sqlite3_stmt *stmt; /* NULL once released */
    Database *d;        /* kept alive by user value 1 */
    int slot;           /* cache slot, or -1 for a statement the cursor finalizes */
    int ncols;
} Cursor;

/* ------------------------------------------------------------------ errors */

/* Pushes nil and "SQLite's message (in: SQL)" and returns 2: the runtime-failure convention. */
static int push_failure(lua_State *L, Database *d, int rc, const char *sql, size_t len)
{
    const char *msg = d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc);
    luaL_Buffer b;
    lua_pushnil(L);
    luaL_buffinit(L, &b);
    if (d->readonly && (rc & 0xff) == SQLITE_READONLY)
        luaL_addstring(&b, "store is open read-only: ");
    luaL_addstring(&b, msg);
    if (sql) {
        luaL_addstring(&b, " (in: ");
        if (len > SQL_IN_MESSAGE) {
            luaL_addlstring(&b, sql, SQL_IN_MESSAGE);
            luaL_addstring(&b, "...");
        } else {
            luaL_addlstring(&b, sql, len);
        }
        luaL_addchar(&b, ')');
    }
    luaL_pushresult(&b);
    return 2;
}

static const char *db_path(lua_State *L, int idx)
{
    const char *path;
    lua_getiuservalue(L, idx, 1);
    path = lua_tostring(L, -1);
    lua_pop(L, 1);
    return path ? path : "?";
}

/* The Database methods have the metatable as upvalue 1: comparing it is cheaper than
 * luaL_checkudata's registry lookup by name, which is kept for the error message. */
static Database *check_database(lua_State *L, int idx)
{
    Database *d = (Database *)lua_touserdata(L, idx);
    if (d == NULL || !lua_getmetatable(L, idx)) {
        d = NULL;
    } else {
        if (!lua_rawequal(L, -1, lua_upvalueindex(1)))
            d = NULL;
        lua_pop(L, 1);
    }
    if (d == NULL)
        d = (Database *)luaL_checkudata(L, idx, DATABASE_MT);
    if (d->db == NULL)
        luaL_error(L, "store %s is closed", db_path(L, idx));
    return d;
}

/* ------------------------------------------------------- statement cache */

static unsigned hash_sql(const char *s, size_t len)
{
    unsigned h = 2166136261u;
    size_t i;
    for (i = 0; i < len; i++)
        h = (h ^ (unsigned char)s[i]) * 16777619u;
    return h ? h : 1;
}

static int only_space(const char *s)
{
    for (; *s; s++)
        if (!(*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r' || *s == ';'))
            return 0;
    return 1;
}

/* Finds or compiles the statement for sql. On success *out is the statement (NULL for SQL that
 * is only blanks or comments), *slot its cache slot or -1, and *tail the text after the first
 * statement. Statements with a tail are never cached: they are a script, run once.
 * A cached statement keeps its old bindings: every caller binds all of its parameters
 * (bind_args), so there is nothing to clear. */
static int acquire_stmt(Database *d, const char *sql, size_t len, sqlite3_stmt **out, int *slot,
                        const char **tail)
{
    unsigned h;
    int i, victim = -1, rc;
    sqlite3_stmt *st = NULL;
    CachedStmt *last = &d->cache[d->last_slot];
    *slot = -1;
    *tail = sql + len;
    /* The same SQL as last time (a loop of writes): no hash, no search. */
    if (last->stmt && !last->in_use && last->len == len &&
        memcmp(sqlite3_sql(last->stmt), sql, len) == 0) {
        last->last_used = ++d->tick;
        *out = last->stmt;
        *slot = d->last_slot;
        return SQLITE_OK;
    }
    h = hash_sql(sql, len);
    for (i = 0; i < STMT_CACHE_SIZE; i++) {
        CachedStmt *c = &d->cache[i];
        if (c->stmt && !c->in_use && c->hash == h && c->len == len &&
            memcmp(sqlite3_sql(c->stmt), sql, len) == 0) {
            c->last_used = ++d->tick;
            *out = c->stmt;
            *slot = i;
            d->last_slot = i;
            return SQLITE_OK;
        }
    }
    rc = sqlite3_prepare_v3(d->db, sql, (int)len, SQLITE_PREPARE_PERSISTENT, &st, tail);
    d->prepares++;
    if (rc != SQLITE_OK) {
        sqlite3_finalize(st);
        return rc;
    }
    *out = st;
    if (st == NULL || !only_space(*tail))
        return SQLITE_OK;
    for (i = 0; i < STMT_CACHE_SIZE; i++) {
        CachedStmt *c = &d->cache[i];
        if (c->stmt == NULL) {
            victim = i;
            break;
        }
        if (!c->in_use && (victim < 0 || c->last_used < d->cache[victim].last_used))
            victim = i;
    }
    if (victim >= 0) {
        CachedStmt *c = &d->cache[victim];
        if (c->stmt)
            sqlite3_finalize(c->stmt);
        c->stmt = st;
        c->len = len;
        c->hash = h;
        c->in_use = 0;
        c->last_used = ++d->tick;
        *slot = victim;
        d->last_slot = victim;
    }
    return SQLITE_OK;
}

/* Gives a statement back: a cached one is reset for its next user, another is finalized. */
static void release_stmt(Database *d, sqlite3_stmt *st, int slot)
{
    if (st == NULL || d->db == NULL)
        return;
    if (slot >= 0 && d->cache[slot].stmt == st) {
        sqlite3_reset(st);
        d->cache[slot].in_use = 0;
    } else {
        sqlite3_finalize(st);
    }
}

static void close_database(Database *d)
{
    sqlite3_stmt *st;
    int i;
    if (d->db == NULL)
        return;
    for (i = 0; i < STMT_CACHE_SIZE; i++) {
        d->cache[i].stmt = NULL;
        d->cache[i].in_use = 0;
    }
    /* Live cursors' statements too: they see d->db == NULL afterwards and let go. */
    while ((st = sqlite3_next_stmt(d->db, NULL)) != NULL)
        sqlite3_finalize(st);
    sqlite3_close_v2(d->db);
    d->db = NULL;
    d->tx_depth = 0;
}

/* ---------------------------------------------------------------- binding */

static void bind_value(lua_State *L, sqlite3_stmt *st, int param, int idx, int arg,
                       sqlite3_destructor_type dtor)
{
    int rc = SQLITE_OK;
    switch (lua_type(L, idx)) {
    case LUA_TNIL:
        rc = sqlite3_bind_null(st, param);
        break;
    case LUA_TBOOLEAN:
        rc = sqlite3_bind_int(st, param, lua_toboolean(L, idx));
        break;
    case LUA_TNUMBER:
        if (lua_isinteger(L, idx))
            rc = sqlite3_bind_int64(st, param, (sqlite3_int64)lua_tointeger(L, idx));
        else
            rc = sqlite3_bind_double(st, param, lua_tonumber(L, idx));
        break;
    case LUA_TSTRING: {
        size_t len;
        const char *s = lua_tolstring(L, idx, &len);
        rc = sqlite3_bind_text64(st, param, s, len, dtor, SQLITE_UTF8);
        break;
    }
    case LUA_TUSERDATA:
        if (parley_is_null(L, idx)) {
            rc = sqlite3_bind_null(st, param);
            break;
        }
        if (luaL_testudata(L, idx, BLOB_MT)) {
            size_t len;
            const char *s;
            lua_getiuservalue(L, idx, 1);
            s = lua_tolstring(L, -1, &len);
            rc = sqlite3_bind_blob64(st, param, s, len, dtor);
            lua_pop(L, 1);
            break;
        }
        /* fall through */
    default:
        luaL_argerror(L, arg,
                      lua_pushfstring(L, "cannot bind a %s to SQL parameter %d", luaL_typename(L, idx), param));
    }
    if (rc != SQLITE_OK)
        luaL_error(L, "cannot bind SQL parameter %d: %s", param, sqlite3_errstr(rc));
}

/* Binds the arguments from index first on: one table binds by name (:name, @name, $name) or,
 * for ?NNN and ?, by position in the table; otherwise the arguments bind by position and
 * their number must match the statement's. Every parameter is bound.
 * dtor is SQLITE_STATIC only for db:exec, whose statement runs to completion and has its
 * bindings cleared before the call returns, while the bound strings are on the stack;
 * cursors outlive their arguments and bind SQLITE_TRANSIENT copies. */
static void bind_args(lua_State *L, sqlite3_stmt *st, int first, sqlite3_destructor_type dtor)
{
    int nargs = lua_gettop(L) - first + 1;
    int nparams = sqlite3_bind_parameter_count(st);
    int i;
    if (nargs == 1 && lua_type(L, first) == LUA_TTABLE) {
        /* Bound SQLITE_STATIC, a value must stay on the stack until the statement has run: one
         * made by an __index metamethod has no other reference. */
        int keep = dtor == SQLITE_STATIC;
        if (keep)
            luaL_checkstack(L, nparams, "too many SQL parameters");
        for (i = 1; i <= nparams; i++) {
            const char *name = sqlite3_bind_parameter_name(st, i);
            if (name == NULL)
                lua_rawgeti(L, first, i);
            else if (name[0] == '?')
                lua_rawgeti(L, first, (lua_Integer)strtoll(name + 1, NULL, 10));
            else
                lua_getfield(L, first, name + 1);
            bind_value(L, st, i, -1, first, dtor);
            if (!keep)
                lua_pop(L, 1);
        }
        return;
    }
    if (nargs != nparams)
        luaL_error(L, "SQL statement has %d parameter%s, %d value%s given", nparams,
                   nparams == 1 ? "" : "s", nargs, nargs == 1 ? "" : "s");
    for (i = 1; i <= nargs; i++)
        bind_value(L, st, i, first + i - 1, first + i - 1, dtor);
}

/* ------------------------------------------------------------------- rows */

/* Pushes a column's value (nil for NULL). The value comes from sqlite3_column_value once, then
 * the sqlite3_value_* accessors: each sqlite3_column_* call looks the column up again and runs
 * SQLite's API-exit check, and a text column took three of them (type, text, bytes). SQLite
 * calls the value "unprotected": reading it is unsafe only while another thread uses the same
 * connection, which parley never does (connections are opened SQLITE_OPEN_NOMUTEX, one thread
 * each; the sandbox's watchdog only calls sqlite3_interrupt). */
static void push_value(lua_State *L, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_INTEGER:
        lua_pushinteger(L, (lua_Integer)sqlite3_value_int64(v));
        break;
    case SQLITE_FLOAT:
        lua_pushnumber(L, sqlite3_value_double(v));
        break;
    case SQLITE_TEXT: {
        const char *s = (const char *)sqlite3_value_text(v); /* before _bytes, as SQLite asks */
        lua_pushlstring(L, s, (size_t)sqlite3_value_bytes(v));
        break;
    }
    case SQLITE_BLOB: {
        const void *p = sqlite3_value_blob(v);
        lua_pushlstring(L, p ? (const char *)p : "", (size_t)sqlite3_value_bytes(v));
        break;
    }
    default:
        lua_pushnil(L);
    }
}

/* Pushes the current row as a table keyed by column name; NULL columns are absent.
 * names is the index (stack or upvalue) of the column-name array. */
static void push_row(lua_State *L, sqlite3_stmt *st, int ncols, int names)
{
    int i;
    lua_createtable(L, 0, ncols);
    for (i = 0; i < ncols; i++) {
        sqlite3_value *v = sqlite3_column_value(st, i);
        if (sqlite3_value_type(v) == SQLITE_NULL)
            continue;
        lua_rawgeti(L, names, i + 1);
        push_value(L, v);
        lua_rawset(L, -3);
    }
}

static void push_column_names(lua_State *L, sqlite3_stmt *st, int ncols)
{
    int i;
    lua_createtable(L, ncols, 0);
    for (i = 0; i < ncols; i++) {
        lua_pushstring(L, sqlite3_column_name(st, i));
        lua_rawseti(L, -2, i + 1);
    }
}

/* -------------------------------------------------------------- Database */

/* What a store's own schema may do when it is read: a received store is input, not code.
 * SQLITE_DBCONFIG_DEFENSIVE refuses what could corrupt the file from SQL (writable_schema,
 * journal_mode=OFF, writes to shadow tables), and trusted_schema off keeps functions with side
 * effects out of triggers, views, CHECKs and indexes the file carries (parley.schema also
 * refuses any such object it did not create, before a statement touches the store). */
static void distrust_schema(sqlite3 *db)
{
    sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, (int *)NULL);
    sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, (int *)NULL);
}

/* core.connect(path, {readonly=, busy_timeout_ms=}): the bare connection; parley.open adds the
 * schema checks. WAL journal and foreign keys are set here so every connection has them. */
static int core_connect(lua_State *L)
{
    const char *path = luaL_checkstring(L, 1);
    int readonly = 0, rc, flags;
    lua_Integer busy_ms = 5000;
    Database *d;
    if (!lua_isnoneornil(L, 2)) {
        luaL_checktype(L, 2, LUA_TTABLE);
        lua_getfield(L, 2, "readonly");
        readonly = lua_toboolean(L, -1);
        lua_getfield(L, 2, "busy_timeout_ms");
        if (!lua_isnil(L, -1)) {
            int ok;
            busy_ms = lua_tointegerx(L, -1, &ok);
            if (!ok || busy_ms < 0 || busy_ms > 0x7fffffff)
                return luaL_argerror(L, 2, "busy_timeout_ms must be a non-negative integer");
        }
        lua_pop(L, 2);
    }
    d = (Database *)lua_newuserdatauv(L, sizeof(Database), 1);
    memset(d, 0, sizeof(Database));
    luaL_setmetatable(L, DATABASE_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    d->readonly = readonly;
    flags = readonly ? SQLITE_OPEN_READONLY : (SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE);
    rc = sqlite3_open_v2(path, &d->db, flags | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        const char *msg = d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc);
        lua_pushnil(L);
        lua_pushfstring(L, "cannot open store %s: %s", path, msg);
        sqlite3_close_v2(d->db);
        d->db = NULL;
        return 2;
    }
    sqlite3_extended_result_codes(d->db, 1);
    distrust_schema(d->db);
    sqlite3_busy_timeout(d->db, (int)busy_ms);
    if (!readonly) {
        rc = sqlite3_exec(d->db, "PRAGMA journal_mode=WAL", NULL, NULL, NULL);
        if (rc != SQLITE_OK) {
            lua_pushnil(L);
            lua_pushfstring(L, "cannot open store %s: %s", path, sqlite3_errmsg(d->db));
            close_database(d);
            return 2;
        }
    }
    sqlite3_exec(d->db, readonly ? "PRAGMA foreign_keys=ON; PRAGMA query_only=ON" : "PRAGMA foreign_keys=ON",
                 NULL, NULL, NULL);
    return 1;
}

static int db_close(lua_State *L)
{
    Database *d = (Database *)luaL_checkudata(L, 1, DATABASE_MT);
    close_database(d);
    lua_pushboolean(L, 1);
    return 1;
}

static int db_gc(lua_State *L)
{
    close_database((Database *)luaL_checkudata(L, 1, DATABASE_MT));
    return 0;
}

static int db_tostring(lua_State *L)
{
    Database *d = (Database *)luaL_checkudata(L, 1, DATABASE_MT);
    lua_pushfstring(L, "parley store %s (%s%s)", db_path(L, 1), d->db ? "open" : "closed",
                    d->db && d->readonly ? ", read-only" : "");
    return 1;
}

static int db_isopen(lua_State *L)
{
    Database *d = (Database *)luaL_checkudata(L, 1, DATABASE_MT);
    lua_pushboolean(L, d->db != NULL);
    return 1;
}

static int db_path_method(lua_State *L)
{
    luaL_checkudata(L, 1, DATABASE_MT);
    lua_getiuservalue(L, 1, 1);
    return 1;
}

/* Runs the statements after the first one of a script; no parameters reach them. */
static int run_script_tail(lua_State *L, Database *d, const char *tail)
{
    while (!only_space(tail)) {
        sqlite3_stmt *st = NULL;
        const char *start = tail;
        int rc = sqlite3_prepare_v2(d->db, start, -1, &st, &tail);
        if (rc != SQLITE_OK)
            return push_failure(L, d, rc, start, strlen(start));
        if (st == NULL)
            break;
        while ((rc = sqlite3_step(st)) == SQLITE_ROW)
            ;
        if (rc != SQLITE_DONE) {
            int n = push_failure(L, d, rc, start, (size_t)(tail - start));
            sqlite3_finalize(st);
            return n;
        }
        sqlite3_finalize(st);
    }
    return 0;
}

/* db:exec(sql, ...): runs a write (or a script without parameters) to completion and returns
 * the number of rows it changed, counting rows changed by triggers and cascades. */
static int db_exec(lua_State *L)
{
    Database *d = check_database(L, 1);
    size_t len;
    const char *sql = luaL_checklstring(L, 2, &len);
    const char *tail;
    sqlite3_stmt *st;
    sqlite3_int64 before = sqlite3_total_changes64(d->db);
    int slot, rc, n;
    rc = acquire_stmt(d, sql, len, &st, &slot, &tail);
    if (rc != SQLITE_OK)
        return push_failure(L, d, rc, sql, len);
    if (st == NULL) {
        lua_pushinteger(L, 0);
        return 1;
    }
    if (!only_space(tail) && lua_gettop(L) > 2) {
        sqlite3_finalize(st);
        return luaL_error(L, "SQL parameters need a single statement, not a script");
    }
    if (slot < 0 && only_space(tail)) {
        /* An uncached statement (cache full of live cursors) must not leak if binding raises:
         * bind it from a cursor that owns it. Rare, so the simple way is fine. */
        Cursor *c = (Cursor *)lua_newuserdatauv(L, sizeof(Cursor), 1);
        c->stmt = st;
        c->d = d;
        c->slot = -1;
        luaL_setmetatable(L, CURSOR_MT);
        lua_pushvalue(L, 1);
        lua_setiuservalue(L, -2, 1);
        lua_insert(L, 3); /* below the arguments, so bind_args sees only them */
        bind_args(L, st, 4, SQLITE_STATIC);
    } else if (only_space(tail)) {
        bind_args(L, st, 3, SQLITE_STATIC);
    }
    while ((rc = sqlite3_step(st)) == SQLITE_ROW)
        ;
    if (rc != SQLITE_DONE) {
        n = push_failure(L, d, rc, sql, (size_t)(tail - sql));
        if (slot >= 0) {
            sqlite3_reset(st);
            sqlite3_clear_bindings(st); /* no pointer into a Lua string outlives the call */
        } else if (!only_space(tail))
            sqlite3_finalize(st); /* a script's first statement; a cursor owns the others */
        return n;
    }
    if (slot >= 0) {
        sqlite3_reset(st);
        sqlite3_clear_bindings(st); /* no pointer into a Lua string outlives the call */
    } else if (only_space(tail)) {
        Cursor *c = (Cursor *)luaL_checkudata(L, 3, CURSOR_MT);
        c->stmt = NULL;
        sqlite3_finalize(st);
    } else {
        sqlite3_finalize(st);
        n = run_script_tail(L, d, tail);
        if (n)
            return n;
    }
    lua_pushinteger(L, (lua_Integer)(sqlite3_total_changes64(d->db) - before));
    return 1;
}

static Cursor *new_cursor(lua_State *L, int db_index, Database *d)
{
    Cursor *c = (Cursor *)lua_newuserdatauv(L, sizeof(Cursor), 2);
    c->stmt = NULL;
    c->d = d;
    c->slot = -1;
    c->ncols = 0;
    luaL_setmetatable(L, CURSOR_MT);
    lua_pushvalue(L, db_index);
    lua_setiuservalue(L, -2, 1);
    return c;
}

/* Prepares sql with the arguments from index 3 on into a new cursor left on the stack.
 * Returns 0, or the number of failure values pushed (nil, message). */
static int open_cursor(lua_State *L, Database *d, Cursor **out)
{
    size_t len;
    const char *sql = luaL_checklstring(L, 2, &len);
    const char *tail;
    int nargs = lua_gettop(L) - 2, rc, slot;
    sqlite3_stmt *st;
    Cursor *c = new_cursor(L, 1, d);
    lua_insert(L, 3); /* cursor below the arguments, so bind_args sees only them */
    rc = acquire_stmt(d, sql, len, &st, &slot, &tail);
    if (rc != SQLITE_OK)
        return push_failure(L, d, rc, sql, len);
    c->stmt = st;
    c->slot = slot;
    if (slot >= 0)
        d->cache[slot].in_use = 1;
    if (st && !only_space(tail))
        return luaL_error(L, "a query takes one SQL statement; use db:exec for scripts");
    if (st) {
        bind_args(L, st, 4, SQLITE_TRANSIENT);
        c->ncols = sqlite3_column_count(st);
        push_column_names(L, st, c->ncols);
        lua_setiuservalue(L, 3, 2);
    } else if (nargs > 0) {
        return luaL_error(L, "SQL statement has 0 parameters, %d values given", nargs);
    }
    lua_settop(L, 3);
    *out = c;
    return 0;
}

static void cursor_release(Cursor *c)
{
    if (c->stmt) {
        release_stmt(c->d, c->stmt, c->slot);
        c->stmt = NULL;
    }
}

/* Steps the cursor: 1 with a row ready, 0 when done (the statement is given back). */
static int cursor_step(lua_State *L, Cursor *c)
{
    int rc;
    if (c->stmt == NULL)
        return 0;
    if (c->d->db == NULL) {
        c->stmt = NULL;
        return luaL_error(L, "store was closed while a query was iterating");
    }
    rc = sqlite3_step(c->stmt);
    if (rc == SQLITE_ROW)
        return 1;
    if (rc == SQLITE_DONE) {
        cursor_release(c);
        return 0;
    }
    {
        const char *sql = sqlite3_sql(c->stmt);
        push_failure(L, c->d, rc, sql, strlen(sql));
        cursor_release(c);
        return lua_error(L);
    }
}

/* The iterator db:query returns: a closure over its cursor (upvalue 1) and the column names
 * (upvalue 2), so a row costs no metatable check and no user-value lookup. */
static int cursor_next(lua_State *L)
{
    Cursor *c = (Cursor *)lua_touserdata(L, lua_upvalueindex(1));
    if (!cursor_step(L, c))
        return 0;
    push_row(L, c->stmt, c->ncols, lua_upvalueindex(2));
    return 1;
}

/* The db:rows iterator: the row's columns as values, no table (the fastest way to scan). */
static int cursor_next_values(lua_State *L)
{
    Cursor *c = (Cursor *)lua_touserdata(L, lua_upvalueindex(1));
    int i;
    if (!cursor_step(L, c))
        return 0;
    luaL_checkstack(L, c->ncols, "too many columns");
    for (i = 0; i < c->ncols; i++)
        push_value(L, sqlite3_column_value(c->stmt, i));
    return c->ncols;
}

/* Opens a cursor for db:query or db:rows and returns the generic-for quadruple: the iterator
 * (a closure over the cursor, and for rows as tables over the column names), the cursor as
 * state, nil, and the cursor again as the to-be-closed value.
 * A statement that does not prepare raises SQLite's message with the SQL: an iterator is used as `for row in db:query(sql)`, where nil and a message would
 * only give "attempt to call a nil value" and lose the message. */
static int iterate(lua_State *L, int as_values)
{
    Database *d = check_database(L, 1);
    Cursor *c;
    if (open_cursor(L, d, &c))
        return lua_error(L); /* the message, above the nil that open_cursor pushed */
    lua_pushvalue(L, 3);
    if (as_values) {
        lua_pushcclosure(L, cursor_next_values, 1);
    } else {
        lua_getiuservalue(L, 3, 2);
        lua_pushcclosure(L, cursor_next, 2);
    }
    lua_pushvalue(L, 3);
    lua_pushnil(L);
    lua_pushvalue(L, 3);
    return 4;
}

/* db:query(sql, ...): iterator, cursor, nil, cursor; the cursor is the to-be-closed value, so
 * a break out of the loop gives the statement back at once. */
static int db_query(lua_State *L)
{
    return iterate(L, 0);
}

/* db:rows(sql, ...): like db:query, but each step returns the columns as values in order:
 * for id, name in db:rows("SELECT id, name FROM parties") do ... end. A row whose first
 * column is NULL would end a generic for, so that column must not be NULL. */
static int db_rows(lua_State *L)
{
    return iterate(L, 1);
}

/* db:first(sql, ...): the first row, or nil when there is none (nil, message on failure). */
static int db_first(lua_State *L)
{
    Database *d = check_database(L, 1);
    Cursor *c;
    int rc, n = open_cursor(L, d, &c);
    if (n)
        return n;
    if (c->stmt == NULL)
        return 0;
    rc = sqlite3_step(c->stmt);
    if (rc == SQLITE_ROW) {
        lua_getiuservalue(L, 3, 2);
        push_row(L, c->stmt, c->ncols, lua_gettop(L));
        cursor_release(c);
        return 1;
    }
    if (rc == SQLITE_DONE) {
        cursor_release(c);
        lua_pushnil(L);
        return 1;
    }
    {
        const char *sql = sqlite3_sql(c->stmt);
        n = push_failure(L, d, rc, sql, strlen(sql));
        cursor_release(c);
        return n;
    }
}

/* db:columns(sql, ...): the names of the columns sql gives, in its order (an empty table for a
 * statement that gives none), without running it: `parley query` prints every column, NULL
 * in every row or not, in the order of the SELECT. */
static int db_columns(lua_State *L)
{
    Database *d = check_database(L, 1);
    Cursor *c;
    int n = open_cursor(L, d, &c);
    if (n)
        return n;
    if (c->stmt == NULL) {
        lua_newtable(L);
        return 1;
    }
    lua_getiuservalue(L, 3, 2);
    cursor_release(c);
    return 1;
}

static int cursor_close(lua_State *L)
{
    cursor_release((Cursor *)luaL_checkudata(L, 1, CURSOR_MT));
    return 0;
}

static int simple_exec(Database *d, const char *sql)
{
    return sqlite3_exec(d->db, sql, NULL, NULL, NULL);
}

/* Undoes what the transaction (depth 0) or savepoint (depth > 0) opened at depth did. */
static void rollback(Database *d, int depth)
{
    char sql[96];
    if (depth == 0) {
        if (!sqlite3_get_autocommit(d->db))
            simple_exec(d, "ROLLBACK");
    } else {
        snprintf(sql, sizeof sql, "ROLLBACK TO parley_%d; RELEASE parley_%d", depth, depth);
        simple_exec(d, sql);
    }
}

/* db:transaction(fn, ...): runs fn(...) inside BEGIN IMMEDIATE ... COMMIT, or inside a
 * savepoint when a transaction is already open. On error rolls back to where it began and
 * re-raises the error object unchanged. Returns true followed by fn's results.
 * A BEGIN or COMMIT that fails (a locked store, a full disk, a deferred constraint) raises
 * SQLite's message after rolling back, like an error of fn: a transaction either happened or
 * raised. Returning nil and a message here was mistaken for success by every caller that ran
 * it under pcall and looked only at pcall's first value, and runs were lost on a full disk. */
static int db_transaction(lua_State *L)
{
    Database *d = check_database(L, 1);
    int depth = d->tx_depth, rc, status, base;
    char sql[96];
    luaL_checktype(L, 2, LUA_TFUNCTION);
    if (depth == 0)
        snprintf(sql, sizeof sql, "%s", d->readonly ? "BEGIN" : "BEGIN IMMEDIATE");
    else
        snprintf(sql, sizeof sql, "SAVEPOINT parley_%d", depth);
    rc = simple_exec(d, sql);
    if (rc != SQLITE_OK) {
        push_failure(L, d, rc, sql, strlen(sql));
        return lua_error(L);
    }
    d->tx_depth = depth + 1;
    base = 1; /* results start after the store argument */
    status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
    if (d->db == NULL) { /* fn closed the store: SQLite rolled back what was open */
        if (status != LUA_OK)
            return lua_error(L);
        return luaL_error(L, "store was closed inside its own transaction");
    }
    d->tx_depth = depth;
    if (status != LUA_OK) {
        rollback(d, depth);
        return lua_error(L);
    }
    if (depth == 0)
        snprintf(sql, sizeof sql, "COMMIT");
    else
        snprintf(sql, sizeof sql, "RELEASE parley_%d", depth);
    rc = simple_exec(d, sql);
    if (rc != SQLITE_OK) {
        push_failure(L, d, rc, sql, strlen(sql));
        rollback(d, depth);
        return lua_error(L);
    }
    lua_pushboolean(L, 1);
    lua_insert(L, base + 1);
    return lua_gettop(L) - base;
}

static int db_in_transaction(lua_State *L)
{
    Database *d = check_database(L, 1);
    lua_pushboolean(L, !sqlite3_get_autocommit(d->db));
    return 1;
}

static int db_last_insert_rowid(lua_State *L)
{
    Database *d = check_database(L, 1);
    lua_pushinteger(L, (lua_Integer)sqlite3_last_insert_rowid(d->db));
    return 1;
}

/* db:stats(): counters the specs use to see the statement cache at work. */
static int db_stats(lua_State *L)
{
    Database *d = check_database(L, 1);
    int i, cached = 0;
    for (i = 0; i < STMT_CACHE_SIZE; i++)
        cached += d->cache[i].stmt != NULL;
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, (lua_Integer)d->prepares);
    lua_setfield(L, -2, "prepares");
    lua_pushinteger(L, cached);
    lua_setfield(L, -2, "cached");
    lua_pushinteger(L, STMT_CACHE_SIZE);
    lua_setfield(L, -2, "cache_size");
    return 1;
}

/* ------------------------------------------------------------------ Blob */

/* core.blob(s): marks a string to be bound as a BLOB rather than TEXT. */
static int core_blob(lua_State *L)
{
    luaL_checktype(L, 1, LUA_TSTRING);
    lua_newuserdatauv(L, 0, 1);
    luaL_setmetatable(L, BLOB_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    return 1;
}

static int core_sqlite_version(lua_State *L)
{
    lua_pushstring(L, sqlite3_libversion());
    return 1;
}

/* ------------------------------------------------------ rule connections */

/* What a rule's SQL may do: read. Writes are already refused by SQLITE_OPEN_READONLY and
 * PRAGMA query_only; the authorizer also keeps out ATTACH (which could open another file),
 * schema changes, transactions a rule could leave open, and pragmas other than those that
 * only describe the schema. */
static int rule_authorizer(void *ud, int action, const char *a, const char *b, const char *c, const char *d)
{
    (void)ud, (void)b, (void)c, (void)d;
    switch (action) {
    case SQLITE_SELECT:
    case SQLITE_READ:
    case SQLITE_FUNCTION:
    case SQLITE_RECURSIVE:
        return SQLITE_OK;
    case SQLITE_PRAGMA:
        if (a && (strcmp(a, "table_info") == 0 || strcmp(a, "table_xinfo") == 0 || strcmp(a, "index_list") == 0 ||
                  strcmp(a, "index_info") == 0 || strcmp(a, "foreign_key_list") == 0))
            return SQLITE_OK;
        return SQLITE_DENY;
    default:
        return SQLITE_DENY;
    }
}

/* Opens a read-only connection to path for a rule and pushes it as a parley.Database: opened
 * with SQLITE_OPEN_READONLY through vfs, setup(db, ud) called (the sandbox's limits and
 * handlers; it runs before the authorizer, so it may set pragmas), then query_only on and the
 * authorizer above. Returns 1, or 0 with an error message pushed. */
int parley_store_push_rule_db(lua_State *L, const char *path, const char *vfs, void (*setup)(sqlite3 *, void *),
                              void *ud)
{
    Database *d = (Database *)lua_newuserdatauv(L, sizeof(Database), 1);
    int rc;
    memset(d, 0, sizeof(Database));
    luaL_setmetatable(L, DATABASE_MT);
    lua_pushstring(L, path);
    lua_setiuservalue(L, -2, 1);
    d->readonly = 1;
    rc = sqlite3_open_v2(path, &d->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, vfs);
    if (rc != SQLITE_OK) {
        const char *msg = d->db ? sqlite3_errmsg(d->db) : sqlite3_errstr(rc);
        lua_pushfstring(L, "cannot open store %s: %s", path, msg);
        sqlite3_close_v2(d->db);
        d->db = NULL;
        return 0;
    }
    sqlite3_extended_result_codes(d->db, 1);
    distrust_schema(d->db);
    if (setup) /* the sandbox's busy handler replaces a fixed busy timeout */
        setup(d->db, ud);
    sqlite3_exec(d->db, "PRAGMA query_only=ON", NULL, NULL, NULL);
    sqlite3_set_authorizer(d->db, rule_authorizer, NULL);
    return 1;
}

static const luaL_Reg database_methods[] = {
    {"close", db_close},
    {"isopen", db_isopen},
    {"path", db_path_method},
    {"exec", db_exec},
    {"query", db_query},
    {"first", db_first},
    {"rows", db_rows},
    {"columns", db_columns},
    {"transaction", db_transaction},
    {"in_transaction", db_in_transaction},
    {"last_insert_rowid", db_last_insert_rowid},
    {"stats", db_stats},
    {NULL, NULL},
};

int parley_open_store(lua_State *L)
{
    luaL_newmetatable(L, DATABASE_MT);
    lua_pushcfunction(L, db_gc);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, db_gc);
    lua_setfield(L, -2, "__close");
    lua_pushcfunction(L, db_tostring);
    lua_setfield(L, -2, "__tostring");
    luaL_newlibtable(L, database_methods);
    lua_pushvalue(L, -2);
    luaL_setfuncs(L, database_methods, 1); /* the metatable, for check_database */
    lua_pushvalue(L, -1);
    lua_setfield(L, -3, "__index");
    /* The methods table is exported so the Lua layer can add the typed API to it. */
    lua_setfield(L, -3, "Database");
    lua_pop(L, 1);

    luaL_newmetatable(L, CURSOR_MT);
    lua_pushcfunction(L, cursor_close);
    lua_setfield(L, -2, "__gc");
    lua_pushcfunction(L, cursor_close);
    lua_setfield(L, -2, "__close");
    lua_pop(L, 1);

    luaL_newmetatable(L, BLOB_MT);
    lua_pop(L, 1);

    lua_pushcfunction(L, core_connect);
    lua_setfield(L, -2, "connect");
    lua_pushcfunction(L, core_blob);
    lua_setfield(L, -2, "blob");
    lua_pushcfunction(L, core_sqlite_version);
    lua_setfield(L, -2, "sqlite_version");
    return 0;
}
