/* SPDX-License-Identifier: MIT */
/* The finding contract: ctx:finding{severity=, message=, evidence=, measures=, details=}
 * checks what a rule reports (check_finding), then encodes each datum once, as the JSON text
 * parley.json gives for it and the store keeps as it is, and computes the finding's
 * fingerprint (encode_finding). The severities and evidence kinds are the caller's
 * (vocab.SEVERITIES and vocab.EVIDENCE_KINDS, through the options of core.run_rules).
 *
 * The fingerprint is the rule and what the finding is about, so that the same gap found
 * again in a later run has the same fingerprint whatever its message or measures say:
 *   sha256(rule_id .. "\n" .. json.encode(evidence with each kind's ids sorted)):sub(1, 32)
 * Stores match runs by it, so this text must never change. */
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "sandbox.h"

#define DETAILS_MAX (64 * 1024)
#define FINGERPRINT_DIGITS 32

/* The fields of a kept finding, in the registry array FINDINGS_KEY: finding k (from 0) has
 * its fields at k * FIELDS + 1 .. k * FIELDS + FIELDS, in this order; details is false when
 * the rule gave none. */
enum { F_SEVERITY, F_MESSAGE, F_EVIDENCE, F_MEASURES, F_DETAILS, F_FINGERPRINT, FIELDS };
static const char *const result_names[FIELDS] = {"severity",      "message",      "evidence_json",
                                                 "measures_json", "details_json", "fingerprint"};

static const char *const finding_fields[] = {"severity", "message", "evidence", "measures", "details", NULL};

/* Stack slots of a checked finding's fields (0: not given). */
typedef struct Checked {
    int severity, message, evidence, measures, details;
} Checked;

static int in_fields(const char *s)
{
    int i;
    for (i = 0; finding_fields[i]; i++)
        if (strcmp(s, finding_fields[i]) == 0)
            return 1;
    return 0;
}

/* Whether the value at idx is a string in list. */
static int string_in(lua_State *L, int idx, const TextList *list)
{
    size_t len;
    const char *s;
    if (lua_type(L, idx) != LUA_TSTRING)
        return 0;
    s = lua_tolstring(L, idx, &len);
    return parley_textlist_has(list, s, len);
}

static const char *type_or_string(lua_State *L, int idx)
{
    return lua_type(L, idx) == LUA_TSTRING ? lua_tostring(L, idx) : luaL_typename(L, idx);
}

/* Whether the string at idx is an id as a dataset's are: not empty, no white space or
 * control characters (check.lua's id_checker: Lua's %s and %c). */
static int is_id(lua_State *L, int idx)
{
    size_t len, i;
    const unsigned char *s = (const unsigned char *)lua_tolstring(L, idx, &len);
    if (len == 0)
        return 0;
    for (i = 0; i < len; i++)
        if (s[i] <= 0x20 || s[i] == 0x7f)
            return 0;
    return 1;
}

/* Whether the table at t is a list of ids (keys exactly 1..n); adds n to *ids. */
static int is_ids_array(lua_State *L, int t, lua_Integer *ids)
{
    lua_Integer n = 0, max = 0;
    lua_pushnil(L);
    while (lua_next(L, t)) {
        if (!lua_isinteger(L, -2) || lua_tointeger(L, -2) < 1 || lua_type(L, -1) != LUA_TSTRING || !is_id(L, -1)) {
            lua_pop(L, 2);
            return 0;
        }
        if (lua_tointeger(L, -2) > max)
            max = lua_tointeger(L, -2);
        n++;
        lua_pop(L, 1);
    }
    parley_sandbox_charge(L, (size_t)n);
    *ids += n;
    return n == max;
}

/* A finding's tables are read raw, each field once, and encoded from what was checked; a
 * metatable could make a later read give something else, so none may have one. */
static void refuse_metatable(lua_State *L, int idx, const char *what)
{
    if (lua_getmetatable(L, idx))
        luaL_error(L, "invalid finding: %s has a metatable (pass plain tables)", what);
}

/* Pushes t[key] (raw) and returns its slot, or pops it and returns 0 when it is nil. */
static int field(lua_State *L, int t, const char *key)
{
    lua_pushstring(L, key);
    if (lua_rawget(L, t) == LUA_TNIL) {
        lua_pop(L, 1);
        return 0;
    }
    return lua_gettop(L);
}

/* Raises "invalid finding: ..." for anything the contract does not allow, in a fixed order
 * of checks so that a rule always hears of the same mistake first. */
static void check_finding(lua_State *L, const Sandbox *sb, int t, Checked *c)
{
    const TextList *severities = &sb->opts->severities, *kinds = &sb->opts->evidence_kinds;
    lua_Integer ids = 0;
    refuse_metatable(L, t, "the finding");
    lua_pushnil(L);
    while (lua_next(L, t)) {
        lua_pop(L, 1);
        if (lua_type(L, -1) != LUA_TSTRING || !in_fields(lua_tostring(L, -1)))
            luaL_error(L, "invalid finding: unknown field %s (fields: severity, message, evidence, measures, details)",
                       type_or_string(L, -1));
    }
    c->severity = field(L, t, "severity");
    if (c->severity && !string_in(L, c->severity, severities)) {
        parley_textlist_push_joined(L, severities);
        luaL_error(L, "invalid finding: severity must be one of %s (got %s)", lua_tostring(L, -1),
                   type_or_string(L, c->severity));
    }
    if (!c->severity && sb->severity == NULL)
        luaL_error(L, "invalid finding: severity is required (the job gives no default severity)");
    c->message = field(L, t, "message");
    if (!c->message || lua_type(L, c->message) != LUA_TSTRING || lua_rawlen(L, c->message) == 0)
        luaL_error(L, "invalid finding: message must be a non-empty string");
    c->evidence = field(L, t, "evidence");
    if (c->evidence) {
        if (!lua_istable(L, c->evidence))
            luaL_error(L, "invalid finding: evidence must be a table (got %s)", luaL_typename(L, c->evidence));
        refuse_metatable(L, c->evidence, "evidence");
        lua_pushnil(L);
        while (lua_next(L, c->evidence)) {
            if (!string_in(L, -2, kinds)) {
                parley_textlist_push_joined(L, kinds);
                luaL_error(L, "invalid finding: unknown evidence kind %s (kinds: %s)", type_or_string(L, -3),
                           lua_tostring(L, -1));
            }
            if (lua_istable(L, -1))
                refuse_metatable(L, -1, "an evidence list");
            if (!lua_istable(L, -1) || !is_ids_array(L, lua_gettop(L), &ids))
                luaL_error(L, "invalid finding: evidence.%s must be a list of ids (strings without white space "
                              "or control characters)", lua_tostring(L, -2));
            if (ids > sb->lim.evidence_ids)
                luaL_error(L, "invalid finding: evidence holds more than %I ids (limits.evidence_ids)",
                           (lua_Integer)sb->lim.evidence_ids);
            lua_pop(L, 1);
        }
    }
    c->measures = field(L, t, "measures");
    if (c->measures) {
        if (!lua_istable(L, c->measures))
            luaL_error(L, "invalid finding: measures must be a table (got %s)", luaL_typename(L, c->measures));
        refuse_metatable(L, c->measures, "measures");
        lua_pushnil(L);
        while (lua_next(L, c->measures)) {
            if (lua_type(L, -2) != LUA_TSTRING)
                luaL_error(L, "invalid finding: measures must be named (got a %s key)", luaL_typename(L, -2));
            if (lua_type(L, -1) != LUA_TNUMBER || !isfinite((double)lua_tonumber(L, -1)))
                luaL_error(L, "invalid finding: measures.%s must be a finite number", lua_tostring(L, -2));
            lua_pop(L, 1);
        }
    }
    c->details = field(L, t, "details");
    if (c->details && !lua_istable(L, c->details))
        luaL_error(L, "invalid finding: details must be a table (got %s)", luaL_typename(L, c->details));
    if (c->details)
        refuse_metatable(L, c->details, "details");
}

/* Pushes the JSON text of the table at idx (0: an empty table, "[]" as parley.json has it). */
static void push_json(lua_State *L, int idx, size_t limit, const char *limit_error, const char *what)
{
    SbBuf b;
    if (idx == 0) {
        lua_pushliteral(L, "[]");
        return;
    }
    sbbuf_init(L, &b, 256);
    b.limit = limit; /* stops encoding as soon as it is too large */
    b.limit_error = limit_error;
    sbjson_encode(L, idx, &b, 0, what);
    lua_pushlstring(L, b.p, b.n);
    lua_remove(L, b.idx);
}

typedef struct Id {
    const char *s;
    size_t len;
    lua_Integer i;
} Id;

static int id_order(const void *pa, const void *pb)
{
    const Id *a = (const Id *)pa, *b = (const Id *)pb;
    int c = memcmp(a->s, b->s, a->len < b->len ? a->len : b->len);
    if (c)
        return c;
    return a->len < b->len ? -1 : a->len > b->len;
}

/* Pushes a copy of the checked evidence at ev with each kind's ids sorted by their bytes (as
 * Lua's < sorts strings), the ids themselves shared with the rule's lists. */
static void push_sorted_evidence(lua_State *L, int ev)
{
    int sorted;
    lua_newtable(L);
    sorted = lua_gettop(L);
    lua_pushnil(L);
    while (lua_next(L, ev)) {
        int list = lua_gettop(L);
        size_t n = lua_rawlen(L, list), i;
        Id *ids = (Id *)lua_newuserdatauv(L, n ? n * sizeof(Id) : 1, 0);
        for (i = 0; i < n; i++) {
            lua_rawgeti(L, list, (lua_Integer)i + 1); /* the list holds the string: s stays valid */
            ids[i].s = lua_tolstring(L, -1, &ids[i].len);
            ids[i].i = (lua_Integer)i + 1;
            lua_pop(L, 1);
        }
        parley_sandbox_charge(L, n * 16); /* about log2 n comparisons of each */
        qsort(ids, n, sizeof(Id), id_order);
        lua_createtable(L, (int)n, 0);
        for (i = 0; i < n; i++) {
            lua_rawgeti(L, list, ids[i].i);
            lua_rawseti(L, -2, (lua_Integer)i + 1);
        }
        lua_pushvalue(L, list - 1); /* the kind */
        lua_insert(L, -2);
        lua_rawset(L, sorted);
        lua_settop(L, list - 1);
    }
}

static void push_fingerprint(lua_State *L, const Sandbox *sb, int ev)
{
    char hex[64];
    SbBuf b;
    sbbuf_init(L, &b, 256);
    sbbuf_add(L, &b, sb->rule_id, strlen(sb->rule_id));
    sbbuf_add(L, &b, "\n", 1);
    if (ev) {
        push_sorted_evidence(L, ev);
        sbjson_encode(L, -1, &b, 0, "evidence");
        lua_pop(L, 1);
    } else {
        sbbuf_add(L, &b, "[]", 2);
    }
    parley_sha256_hex(b.p, b.n, hex);
    lua_pushlstring(L, hex, FINGERPRINT_DIGITS);
    lua_remove(L, b.idx);
}

/* Pushes the FIELDS values of a checked finding, in the order of the registry layout. */
static void encode_finding(lua_State *L, const Sandbox *sb, const Checked *c)
{
    if (c->severity)
        lua_pushvalue(L, c->severity);
    else
        lua_pushstring(L, sb->severity);
    lua_pushvalue(L, c->message);
    push_json(L, c->evidence, 0, NULL, "evidence");
    push_json(L, c->measures, 0, NULL, "measures");
    if (c->details)
        push_json(L, c->details, DETAILS_MAX, "invalid finding: details take more than 64 KiB as JSON",
                  "invalid finding: details");
    else
        lua_pushboolean(L, 0);
    push_fingerprint(L, sb, c->evidence);
}

/* ctx:finding{...}: checks the finding, encodes it and keeps it, up to limits.findings and
 * limits.output_mb of encoded text; the ones past either are counted only. */
int parley_sandbox_finding(lua_State *L)
{
    Sandbox *sb = parley_sandbox_get(L);
    Checked c;
    int i, top;
    if (sb->tripped) /* a rule past a limit records nothing more, even from a C caller (pcall) */
        return parley_sandbox_raise(L, sb);
    if (lua_type(L, 2) != LUA_TTABLE)
        return luaL_error(L, "invalid finding: ctx:finding expects a table (got %s)", luaL_typename(L, 2));
    lua_settop(L, 2);
    check_finding(L, sb, 2, &c);
    top = lua_gettop(L);
    encode_finding(L, sb, &c);
    sb->total++;
    {
        size_t bytes = 0;
        for (i = 0; i < FIELDS; i++)
            bytes += lua_rawlen(L, top + 1 + i);
        sb->output_bytes += (double)bytes;
        parley_sandbox_charge(L, bytes); /* encoding, sorting and hashing are C, unhooked */
    }
    /* kept while both the count and the bytes the host will copy and decode fit */
    if (sb->stored < sb->lim.findings && sb->output_bytes <= sb->lim.output_mb * 1048576.0) {
        lua_Integer base = sb->stored * FIELDS;
        lua_rawgetp(L, LUA_REGISTRYINDEX, &FINDINGS_KEY);
        for (i = 0; i < FIELDS; i++) {
            lua_pushvalue(L, top + 1 + i);
            lua_rawseti(L, -2, base + 1 + i);
        }
        sb->stored++;
    }
    return 0;
}

/* A kept finding in C memory; details.p is NULL when the rule gave none. */
struct Finding {
    Text field[FIELDS];
};

static void free_fields(Finding *f)
{
    int i;
    for (i = 0; i < FIELDS; i++)
        parley_text_free(&f->field[i]);
}

Finding *parley_sandbox_collect_findings(lua_State *S, const Sandbox *sb, lua_Integer *got)
{
    Finding *out;
    lua_Integer k;
    *got = 0;
    if (sb->stored <= 0)
        return NULL;
    if (lua_rawgetp(S, LUA_REGISTRYINDEX, &FINDINGS_KEY) != LUA_TTABLE) {
        lua_pop(S, 1);
        return NULL;
    }
    out = (Finding *)calloc((size_t)sb->stored, sizeof(Finding));
    for (k = 0; out && k < sb->stored; k++) {
        int i, ok = 1;
        for (i = 0; ok && i < FIELDS; i++) {
            size_t len;
            const char *s;
            lua_rawgeti(S, -1, k * FIELDS + 1 + i);
            s = lua_type(S, -1) == LUA_TSTRING ? lua_tolstring(S, -1, &len) : NULL;
            ok = s ? parley_text_copy(&out[k].field[i], s, len) : i == F_DETAILS;
            lua_pop(S, 1);
        }
        if (!ok) { /* the host is out of memory: keep only the findings copied whole */
            free_fields(&out[k]);
            break;
        }
        (*got)++;
    }
    lua_pop(S, 1);
    return out;
}

void parley_sandbox_push_findings(lua_State *L, const Finding *f, lua_Integer n)
{
    lua_Integer k;
    int i;
    lua_createtable(L, (int)n, 0);
    for (k = 0; k < n; k++) {
        lua_createtable(L, 0, FIELDS);
        for (i = 0; i < FIELDS; i++) {
            if (f[k].field[i].p == NULL)
                continue;
            lua_pushlstring(L, f[k].field[i].p, f[k].field[i].len);
            lua_setfield(L, -2, result_names[i]);
        }
        lua_rawseti(L, -2, k + 1);
    }
}

void parley_sandbox_free_findings(Finding *f, lua_Integer n)
{
    lua_Integer k;
    if (f == NULL)
        return;
    for (k = 0; k < n; k++)
        free_fields(&f[k]);
    free(f);
}
