/* SPDX-License-Identifier: MIT */
/* Lua bindings of the name kernels, the table core.names: key, parse, match, jaro_winkler,
 * levenshtein and pack (the compact form link reads).
 * lua/parley/names.lua is the public API on top of these.
 *
 * Text that is not valid UTF-8 is an expected failure: these return nil and a message naming the
 * byte offset. Wrong argument types raise. No function holds malloc'ed memory: names are read
 * into structs on the C stack, long code point arrays into userdata. */
#include <string.h>
#include <utf8proc.h>
#include "names.h"

#define SIM_MAX_CPS 10000 /* longest string jaro_winkler and levenshtein accept, in code points */
#define SIM_STACK 256

static int fail_utf8(lua_State *L, const char *what, size_t bad)
{
    lua_pushnil(L);
    lua_pushfstring(L, "%sinvalid UTF-8 at byte %d", what, (int)bad + 1);
    return 2;
}

static int l_key(lua_State *L)
{
    size_t len, bad = 0;
    const char *s = luaL_checklstring(L, 1, &len);
    luaL_Buffer b;
    luaL_buffinit(L, &b);
    if (parley_names_key(s, len, &b, &bad) < 0)
        return fail_utf8(L, "", bad);
    luaL_pushresult(&b);
    return 1;
}

static const char *suffix_name(int s)
{
    static const char *const names[] = {NULL, "-ov", "-ova", "-yan", "-zade", "-li",
                                        "-ovich", "-ovna", "oglu", "qizi", "-dze", "-shvili",
                                        "georgian", "genitive"};
    return s > 0 && s <= SUF_GEN ? names[s] : NULL;
}

static const char *role_name(int r)
{
    return r == ROLE_GIVEN ? "given" : r == ROLE_SURNAME ? "surname" : r == ROLE_PATRONYMIC ? "patronymic" : "marker";
}

/* Sets field of the table on top to the words of s with role joined by spaces, if any. */
static void set_role_text(lua_State *L, const char *s, const NameRec *r, int role, const char *field)
{
    luaL_Buffer b;
    int i, any = 0;
    luaL_buffinit(L, &b);
    for (i = 0; i < r->n; i++)
        if (r->w[i].role == role) {
            if (any)
                luaL_addchar(&b, ' ');
            luaL_addlstring(&b, s + r->w[i].src, r->w[i].srclen);
            any = 1;
        }
    luaL_pushresult(&b);
    if (any)
        lua_setfield(L, -2, field);
    else
        lua_pop(L, 1);
}

static int l_parse(lua_State *L)
{
    size_t len, bad = 0;
    const char *s = luaL_checklstring(L, 1, &len);
    NameRec r;
    int i;
    if (parley_names_read(s, len, &r, &bad) < 0)
        return fail_utf8(L, "", bad);
    lua_createtable(L, 0, 6);
    set_role_text(L, s, &r, ROLE_GIVEN, "given");
    set_role_text(L, s, &r, ROLE_SURNAME, "surname");
    set_role_text(L, s, &r, ROLE_PATRONYMIC, "patronymic");
    lua_pushstring(L, r.surname_first < 0 ? "single" : r.surname_first ? "surname-first" : "given-first");
    lua_setfield(L, -2, "order");
    lua_pushinteger(L, r.dropped);
    lua_setfield(L, -2, "dropped");
    lua_createtable(L, r.n, 0);
    for (i = 0; i < r.n; i++) {
        const NameWord *w = &r.w[i];
        const char *suf = suffix_name(w->suffix);
        lua_createtable(L, 0, 4);
        lua_pushlstring(L, s + w->src, w->srclen);
        lua_setfield(L, -2, "text");
        lua_pushlstring(L, w->key, w->len);
        lua_setfield(L, -2, "key");
        lua_pushstring(L, role_name(w->role));
        lua_setfield(L, -2, "role");
        if (suf) {
            lua_pushstring(L, suf);
            lua_setfield(L, -2, "suffix");
        }
        lua_rawseti(L, -2, i + 1);
    }
    lua_setfield(L, -2, "words");
    return 1;
}

/* Reads the patronymic given as evidence into w; 0 when absent or not a name. */
static int evidence_patronymic(lua_State *L, int idx, NameWord *w)
{
    size_t len, bad;
    const char *s;
    NameRec r;
    if (lua_isnoneornil(L, idx))
        return 0;
    s = luaL_checklstring(L, idx, &len);
    if (parley_names_read(s, len, &r, &bad) < 0 || r.n == 0)
        return 0;
    *w = r.w[0];
    return 1;
}

/* names_match(a, b, threshold, born_a, born_b, cat_a, cat_b, pat_a, pat_b)
 * -> is_match, score, explanation; or false, 0, message for invalid UTF-8. */
static int l_match(lua_State *L)
{
    size_t la, lb, bad = 0;
    const char *a = luaL_checklstring(L, 1, &la), *b = luaL_checklstring(L, 2, &lb);
    double threshold = luaL_optnumber(L, 3, NAMES_THRESHOLD), score;
    NameRec ra, rb;
    Evidence ev;
    MatchDetail d;
    luaL_Buffer buf;
    memset(&ev, 0, sizeof ev);
    if (!lua_isnoneornil(L, 4) && !lua_isnoneornil(L, 5)) {
        ev.has_born = 1;
        ev.born_a = (long long)luaL_checkinteger(L, 4);
        ev.born_b = (long long)luaL_checkinteger(L, 5);
    }
    if (!lua_isnoneornil(L, 6) && !lua_isnoneornil(L, 7)) {
        ev.cat_a = luaL_checklstring(L, 6, &ev.cat_la);
        ev.cat_b = luaL_checklstring(L, 7, &ev.cat_lb);
    }
    ev.has_pat_a = evidence_patronymic(L, 8, &ev.pat_a);
    ev.has_pat_b = evidence_patronymic(L, 9, &ev.pat_b);
    if (parley_names_read(a, la, &ra, &bad) < 0) {
        lua_pushboolean(L, 0);
        lua_pushinteger(L, 0);
        lua_pushfstring(L, "a: invalid UTF-8 at byte %d", (int)bad + 1);
        return 3;
    }
    if (parley_names_read(b, lb, &rb, &bad) < 0) {
        lua_pushboolean(L, 0);
        lua_pushinteger(L, 0);
        lua_pushfstring(L, "b: invalid UTF-8 at byte %d", (int)bad + 1);
        return 3;
    }
    score = parley_names_score(&ra, &rb, &ev, &d, NULL, NULL, NULL);
    lua_pushboolean(L, score >= threshold);
    lua_pushnumber(L, score);
    luaL_buffinit(L, &buf);
    parley_names_explain(&buf, a, &ra, b, &rb, &d, score, threshold);
    luaL_pushresult(&buf);
    return 3;
}

/* One code point of strict UTF-8 (no overlong forms, surrogates or values past U+10FFFF):
 * returns its length, or 0 when invalid. */
static int utf8_decode(const unsigned char *p, size_t n, int *cp)
{
    int c = p[0];
    if (c >= 0xC2 && c <= 0xDF && n >= 2 && (p[1] & 0xC0) == 0x80) {
        *cp = (c & 0x1F) << 6 | (p[1] & 0x3F);
        return 2;
    }
    if (c >= 0xE0 && c <= 0xEF && n >= 3 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80) {
        int v = (c & 0x0F) << 12 | (p[1] & 0x3F) << 6 | (p[2] & 0x3F);
        if (v < 0x800 || (v >= 0xD800 && v <= 0xDFFF))
            return 0;
        *cp = v;
        return 3;
    }
    if (c >= 0xF0 && c <= 0xF4 && n >= 4 && (p[1] & 0xC0) == 0x80 && (p[2] & 0xC0) == 0x80 &&
        (p[3] & 0xC0) == 0x80) {
        int v = (c & 0x07) << 18 | (p[1] & 0x3F) << 12 | (p[2] & 0x3F) << 6 | (p[3] & 0x3F);
        if (v < 0x10000 || v > 0x10FFFF)
            return 0;
        *cp = v;
        return 4;
    }
    return 0;
}

/* Decodes s to code points: into stack (when it fits) or a userdata left on the stack.
 * Returns the count, -1 for invalid UTF-8 (*bad), -2 when longer than SIM_MAX_CPS. */
static int decode(lua_State *L, const char *s, size_t len, int *stack, int **out, size_t *bad)
{
    size_t pos = 0;
    int n = 0;
    int *cps = stack;
    if (len > SIM_STACK) {
        size_t cap = len < (size_t)SIM_MAX_CPS + 1 ? len : (size_t)SIM_MAX_CPS + 1;
        cps = (int *)lua_newuserdatauv(L, cap * sizeof(int), 0);
    } else {
        lua_pushnil(L); /* keeps the stack shape the same either way */
    }
    while (pos < len) {
        const unsigned char *p = (const unsigned char *)s + pos;
        int c, k;
        if (n >= SIM_MAX_CPS)
            return -2;
        if (p[0] < 0x80) { /* the common case, without a call */
            cps[n++] = p[0];
            pos++;
            continue;
        }
        k = utf8_decode(p, len - pos, &c);
        if (k <= 0) {
            *bad = pos;
            return -1;
        }
        cps[n++] = c;
        pos += (size_t)k;
    }
    *out = cps;
    return n;
}

static int check_decoded(lua_State *L, int n, const char *which, size_t bad)
{
    if (n == -1) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: invalid UTF-8 at byte %d", which, (int)bad + 1);
        return 2;
    }
    if (n == -2) {
        lua_pushnil(L);
        lua_pushfstring(L, "%s: longer than %d code points", which, SIM_MAX_CPS);
        return 2;
    }
    return 0;
}

static int ascii(const char *s, size_t n)
{
    unsigned char any = 0;
    size_t i;
    for (i = 0; i < n; i++)
        any |= (unsigned char)s[i];
    return any < 0x80;
}

static int l_jaro_winkler(lua_State *L)
{
    size_t la, lb, bad = 0;
    const char *a = luaL_checklstring(L, 1, &la), *b = luaL_checklstring(L, 2, &lb);
    int sa[SIM_STACK], sb[SIM_STACK], *ca = NULL, *cb = NULL, na, nb, r;
    unsigned char flags[2 * SIM_STACK], *work = flags;
    if (la <= 64 && lb <= 64 && ascii(a, la) && ascii(b, lb)) {
        lua_pushnumber(L, parley_names_jaro_winkler_ascii((const unsigned char *)a, (int)la,
                                                          (const unsigned char *)b, (int)lb));
        return 1;
    }
    na = decode(L, a, la, sa, &ca, &bad);
    if ((r = check_decoded(L, na, "a", bad)))
        return r;
    nb = decode(L, b, lb, sb, &cb, &bad);
    if ((r = check_decoded(L, nb, "b", bad)))
        return r;
    if (na + nb > 2 * SIM_STACK)
        work = (unsigned char *)lua_newuserdatauv(L, (size_t)(na + nb), 0);
    lua_pushnumber(L, parley_names_jaro_winkler_w(ca, na, cb, nb, work));
    return 1;
}

static int l_levenshtein(lua_State *L)
{
    size_t la, lb, bad = 0;
    const char *a = luaL_checklstring(L, 1, &la), *b = luaL_checklstring(L, 2, &lb);
    int sa[SIM_STACK], sb[SIM_STACK], rows[3 * (SIM_STACK + 1)], *ca = NULL, *cb = NULL, *work = rows;
    int na, nb, r;
    na = decode(L, a, la, sa, &ca, &bad);
    if ((r = check_decoded(L, na, "a", bad)))
        return r;
    nb = decode(L, b, lb, sb, &cb, &bad);
    if ((r = check_decoded(L, nb, "b", bad)))
        return r;
    if (nb > SIM_STACK)
        work = (int *)lua_newuserdatauv(L, 3 * (size_t)(nb + 1) * sizeof(int), 0);
    lua_pushinteger(L, parley_names_osa(ca, na, cb, nb, work));
    return 1;
}

/* The compact form of a read name that names_link compares: per word its role, suffix, rules,
 * dropped initial, part split, known given name and key. Small (about 11 bytes a word plus the
 * key) so that 100,000 names fit easily. */
static int l_pack(lua_State *L)
{
    size_t len, bad = 0;
    const char *s = luaL_checklstring(L, 1, &len);
    NameRec r;
    luaL_Buffer b;
    int i;
    if (parley_names_read(s, len, &r, &bad) < 0)
        return fail_utf8(L, "", bad);
    luaL_buffinit(L, &b);
    luaL_addchar(&b, (char)r.n);
    luaL_addchar(&b, (char)(r.dropped > 0));
    luaL_addchar(&b, (char)(r.surname_first + 1));
    for (i = 0; i < r.n; i++) {
        const NameWord *w = &r.w[i];
        luaL_addchar(&b, (char)w->role);
        luaL_addchar(&b, (char)w->suffix);
        luaL_addchar(&b, (char)(w->rules & 0xff));
        luaL_addchar(&b, (char)(w->rules >> 8 & 0xff));
        luaL_addchar(&b, (char)(w->rules >> 16 & 0xff));
        luaL_addchar(&b, (char)(w->rules >> 24 & 0xff));
        luaL_addchar(&b, (char)w->len);
        luaL_addchar(&b, w->init);
        luaL_addchar(&b, (char)w->split);
        luaL_addchar(&b, (char)(w->given & 0xff));
        luaL_addchar(&b, (char)(w->given >> 8 & 0xff));
        luaL_addlstring(&b, w->key, w->len);
    }
    luaL_pushresult(&b);
    return 1;
}

/* The inverse of l_pack, for names_link.c; returns 0 when p is not a packed name. */
int parley_names_unpack(const char *p, size_t len, NameRec *r)
{
    size_t pos = 3;
    int i;
    if (len < 3 || (unsigned char)p[0] > NAMES_MAX_WORDS)
        return 0;
    r->n = (unsigned char)p[0];
    r->dropped = p[1];
    r->surname_first = (unsigned char)p[2] - 1;
    r->rules = 0;
    for (i = 0; i < r->n; i++) {
        NameWord *w = &r->w[i];
        const unsigned char *u = (const unsigned char *)p + pos;
        if (pos + 11 > len)
            return 0;
        w->role = u[0];
        w->suffix = u[1];
        w->rules = (unsigned)u[2] | (unsigned)u[3] << 8 | (unsigned)u[4] << 16 | (unsigned)u[5] << 24;
        w->len = u[6];
        w->init = (char)u[7];
        w->split = u[8];
        w->given = (short)(u[9] | u[10] << 8);
        pos += 11;
        if (w->len > NAMES_KEY_MAX || pos + w->len > len || w->split > w->len)
            return 0; /* not a packed name: a two-part key's first part lies inside it */
        memcpy(w->key, p + pos, w->len);
        w->key[w->len] = '\0';
        w->src = w->srclen = 0;
        pos += w->len;
        r->rules |= w->rules;
    }
    return pos == len;
}

int parley_names_link(lua_State *L);

static const luaL_Reg functions[] = {
    {"key", l_key},
    {"parse", l_parse},
    {"match", l_match},
    {"jaro_winkler", l_jaro_winkler},
    {"levenshtein", l_levenshtein},
    {"pack", l_pack},
    {"link", parley_names_link},
    {NULL, NULL},
};

/* core.names: the name kernels, in a table of their own so the sandbox can hand a rule this
 * one table by name (they are pure functions of their arguments). */
int parley_open_names(lua_State *L)
{
    lua_createtable(L, 0, 9);
    luaL_setfuncs(L, functions, 0);
    lua_pushnumber(L, NAMES_THRESHOLD);
    lua_setfield(L, -2, "threshold");
    lua_pushnumber(L, NAMES_REVIEW);
    lua_setfield(L, -2, "review");
    lua_setfield(L, -2, "names");
    return 0;
}
