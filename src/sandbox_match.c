/* SPDX-License-Identifier: MIT */
/* Lua patterns for the rule sandbox: string.find, match, gmatch and gsub with the semantics
 * of Lua 5.4's, but charging their work to the rule's instruction budget.
 *
 * Why: a hook never fires inside a C function, and backtracking makes one call cost up to
 * the subject's length to the power of the pattern's quantifiers (string.find(("a"):rep(1e6),
 * ".-.-.-b") would run for days). Each step of the matcher (a pattern item tried, a
 * character scanned) counts as one instruction; every STEP_CHARGE of them the sandbox
 * checks its limits and raises once one has tripped, so time and instruction limits stop a
 * pathological pattern as they stop a Lua loop. */
#include <ctype.h>
#include <string.h>
#include "sandbox.h"

#define MAXCAPTURES 32
#define MAXDEPTH 200 /* nested matcher calls, as in Lua (MAXCCALLS) */
#define CAP_UNFINISHED (-1)
#define CAP_POSITION (-2)
#define ESC '%'
#define SPECIALS "^$*+?.([%-"
#define STEP_CHARGE 4096

typedef struct Match {
    const char *src_init, *src_end, *p_end;
    lua_State *L;
    size_t steps; /* not yet charged */
    int depth;    /* nested calls left */
    int level;    /* captures open or closed so far */
    struct {
        const char *init;
        ptrdiff_t len;
    } capture[MAXCAPTURES];
} Match;

#define uchar(c) ((unsigned char)(c))

static void charge(Match *m, size_t n)
{
    m->steps += n;
    if (m->steps >= STEP_CHARGE) {
        size_t steps = m->steps;
        m->steps = 0;
        parley_sandbox_charge(m->L, steps);
    }
}

static void prepare(Match *m, lua_State *L, const char *s, size_t ls, const char *p, size_t lp)
{
    m->L = L;
    m->src_init = s;
    m->src_end = s + ls;
    m->p_end = p + lp;
    m->steps = 0;
    m->depth = MAXDEPTH;
    m->level = 0;
}

static void restart(Match *m)
{
    m->level = 0;
    m->depth = MAXDEPTH;
}

/* ------------------------------------------------------------ single items */

/* The end of the single-character class that starts at p. */
static const char *class_end(Match *m, const char *p)
{
    char c = *p++;
    if (c == ESC) {
        if (p >= m->p_end)
            luaL_error(m->L, "malformed pattern (ends with '%%')");
        return p + 1;
    }
    if (c == '[') {
        if (*p == '^')
            p++;
        do { /* the first character of a set may be ']' */
            if (p >= m->p_end)
                luaL_error(m->L, "malformed pattern (missing ']')");
            c = *p++;
            if (c == ESC && p < m->p_end)
                p++;
        } while (*p != ']');
        return p + 1;
    }
    return p;
}

static int match_class(int c, int cl)
{
    int res;
    switch (tolower(cl)) {
    case 'a': res = isalpha(c); break;
    case 'c': res = iscntrl(c); break;
    case 'd': res = isdigit(c); break;
    case 'g': res = isgraph(c); break;
    case 'l': res = islower(c); break;
    case 'p': res = ispunct(c); break;
    case 's': res = isspace(c); break;
    case 'u': res = isupper(c); break;
    case 'w': res = isalnum(c); break;
    case 'x': res = isxdigit(c); break;
    case 'z': res = (c == 0); break; /* deprecated, still in Lua 5.4 */
    default: return cl == c;
    }
    if (isupper(cl))
        res = !res;
    return res;
}

/* Whether c is in the set [...] from p (at '[') to ec (at its ']'). */
static int match_set(int c, const char *p, const char *ec)
{
    int found = 1;
    if (*(p + 1) == '^') {
        found = 0;
        p++;
    }
    while (++p < ec) {
        if (*p == ESC) {
            p++;
            if (match_class(c, uchar(*p)))
                return found;
        } else if (*(p + 1) == '-' && p + 2 < ec) {
            p += 2;
            if (uchar(*(p - 2)) <= c && c <= uchar(*p))
                return found;
        } else if (uchar(*p) == c) {
            return found;
        }
    }
    return !found;
}

static int single_match(Match *m, const char *s, const char *p, const char *ep)
{
    int c;
    if (s >= m->src_end)
        return 0;
    c = uchar(*s);
    switch (*p) {
    case '.': return 1;
    case ESC: return match_class(c, uchar(*(p + 1)));
    case '[': return match_set(c, p, ep - 1);
    default: return uchar(*p) == c;
    }
}

/* ------------------------------------------------------------------ matcher */

static const char *do_match(Match *m, const char *s, const char *p);

static const char *match_balance(Match *m, const char *s, const char *p)
{
    int open, close, depth = 1;
    if (p >= m->p_end - 1)
        luaL_error(m->L, "malformed pattern (missing arguments to '%%b')");
    if (s >= m->src_end || *s != *p)
        return NULL;
    open = *p;
    close = *(p + 1);
    while (++s < m->src_end) {
        charge(m, 1);
        if (*s == close) {
            if (--depth == 0)
                return s + 1;
        } else if (*s == open) {
            depth++;
        }
    }
    return NULL;
}

static const char *max_expand(Match *m, const char *s, const char *p, const char *ep)
{
    ptrdiff_t i = 0;
    while (single_match(m, s + i, p, ep)) {
        charge(m, 1);
        i++;
    }
    for (; i >= 0; i--) { /* the longest first, giving back one at a time */
        const char *res = do_match(m, s + i, ep + 1);
        if (res)
            return res;
    }
    return NULL;
}

static const char *min_expand(Match *m, const char *s, const char *p, const char *ep)
{
    for (;;) {
        const char *res = do_match(m, s, ep + 1);
        if (res)
            return res;
        if (!single_match(m, s, p, ep))
            return NULL;
        s++;
    }
}

static const char *start_capture(Match *m, const char *s, const char *p, int what)
{
    const char *res;
    if (m->level >= MAXCAPTURES)
        luaL_error(m->L, "too many captures");
    m->capture[m->level].init = s;
    m->capture[m->level].len = what;
    m->level++;
    if ((res = do_match(m, s, p)) == NULL)
        m->level--; /* undo the capture */
    return res;
}

static const char *end_capture(Match *m, const char *s, const char *p)
{
    int l;
    const char *res;
    for (l = m->level - 1; l >= 0; l--)
        if (m->capture[l].len == CAP_UNFINISHED)
            break;
    if (l < 0)
        luaL_error(m->L, "invalid pattern capture");
    m->capture[l].len = s - m->capture[l].init;
    if ((res = do_match(m, s, p)) == NULL)
        m->capture[l].len = CAP_UNFINISHED;
    return res;
}

static const char *match_capture(Match *m, const char *s, int c)
{
    int l = c - '1';
    size_t len;
    if (l < 0 || l >= m->level || m->capture[l].len == CAP_UNFINISHED)
        luaL_error(m->L, "invalid capture index %%%d", l + 1);
    len = (size_t)m->capture[l].len;
    charge(m, len / 16);
    if ((size_t)(m->src_end - s) >= len && memcmp(m->capture[l].init, s, len) == 0)
        return s + len;
    return NULL;
}

/* Matches pattern p against the subject from s; returns the end of the match or NULL. */
static const char *do_match(Match *m, const char *s, const char *p)
{
    if (m->depth-- == 0)
        luaL_error(m->L, "pattern too complex");
    for (;;) {
        const char *ep;
        charge(m, 1);
        if (p == m->p_end)
            break;
        switch (*p) {
        case '(':
            if (*(p + 1) == ')')
                s = start_capture(m, s, p + 2, CAP_POSITION);
            else
                s = start_capture(m, s, p + 1, CAP_UNFINISHED);
            goto done;
        case ')':
            s = end_capture(m, s, p + 1);
            goto done;
        case '$':
            if (p + 1 != m->p_end)
                break; /* an ordinary '$' */
            s = (s == m->src_end) ? s : NULL;
            goto done;
        case ESC:
            if (*(p + 1) == 'b') {
                s = match_balance(m, s, p + 2);
                if (s == NULL)
                    goto done;
                p += 4;
                continue;
            }
            if (*(p + 1) == 'f') {
                int before;
                p += 2;
                if (*p != '[')
                    luaL_error(m->L, "missing '[' after '%%f' in pattern");
                ep = class_end(m, p);
                before = (s == m->src_init) ? '\0' : uchar(*(s - 1));
                if (!match_set(before, p, ep - 1) && match_set(s < m->src_end ? uchar(*s) : '\0', p, ep - 1)) {
                    p = ep;
                    continue;
                }
                s = NULL;
                goto done;
            }
            if (isdigit(uchar(*(p + 1)))) {
                s = match_capture(m, s, uchar(*(p + 1)));
                if (s == NULL)
                    goto done;
                p += 2;
                continue;
            }
            break; /* an escaped character or class */
        default:
            break;
        }
        /* a single-character class, maybe followed by a quantifier */
        ep = class_end(m, p);
        if (!single_match(m, s, p, ep)) {
            if (*ep == '*' || *ep == '?' || *ep == '-') { /* zero repetitions are fine */
                p = ep + 1;
                continue;
            }
            s = NULL;
            goto done;
        }
        switch (*ep) {
        case '?': {
            const char *res = do_match(m, s + 1, ep + 1);
            if (res) {
                s = res;
                goto done;
            }
            p = ep + 1;
            continue;
        }
        case '+':
            s = max_expand(m, s + 1, p, ep);
            goto done;
        case '*':
            s = max_expand(m, s, p, ep);
            goto done;
        case '-':
            s = min_expand(m, s, p, ep);
            goto done;
        default:
            s++;
            p = ep;
            continue;
        }
    }
done:
    m->depth++;
    return s;
}

/* ----------------------------------------------------------------- captures */

/* Capture i of a match from s to e: its length, or CAP_POSITION with the position pushed. */
static ptrdiff_t get_capture(Match *m, int i, const char *s, const char *e, const char **cap)
{
    if (i >= m->level) {
        if (i != 0)
            luaL_error(m->L, "invalid capture index %%%d", i + 1);
        *cap = s; /* the whole match */
        return e - s;
    }
    *cap = m->capture[i].init;
    if (m->capture[i].len == CAP_UNFINISHED)
        luaL_error(m->L, "unfinished capture");
    if (m->capture[i].len == CAP_POSITION)
        lua_pushinteger(m->L, (m->capture[i].init - m->src_init) + 1);
    return m->capture[i].len;
}

static void push_capture(Match *m, int i, const char *s, const char *e)
{
    const char *cap;
    ptrdiff_t len = get_capture(m, i, s, e, &cap);
    if (len != CAP_POSITION)
        lua_pushlstring(m->L, cap, (size_t)len);
}

static int push_captures(Match *m, const char *s, const char *e)
{
    int i, n = (m->level == 0 && s) ? 1 : m->level;
    luaL_checkstack(m->L, n, "too many captures");
    for (i = 0; i < n; i++)
        push_capture(m, i, s, e);
    return n;
}

/* ------------------------------------------------------------ the functions */

static size_t start_index(lua_Integer pos, size_t len)
{
    if (pos > 0)
        return (size_t)pos;
    if (pos == 0 || pos < -(lua_Integer)len)
        return 1;
    return len + (size_t)pos + 1;
}

static int no_specials(const char *p, size_t len)
{
    size_t i;
    for (i = 0; i < len; i++)
        if (p[i] && strchr(SPECIALS, p[i]))
            return 0;
    return 1;
}

/* A plain search; a near miss costs a comparison of up to the needle's length. */
static const char *find_plain(Match *m, const char *s, size_t ls, const char *p, size_t lp)
{
    const char *at;
    if (lp == 0)
        return s;
    if (lp > ls)
        return NULL;
    lp--;
    ls -= lp;
    while (ls > 0 && (at = (const char *)memchr(s, *p, ls)) != NULL) {
        at++;
        if (memcmp(at, p + 1, lp) == 0)
            return at - 1;
        charge(m, 1 + lp / 16);
        ls -= (size_t)(at - s);
        s = at;
    }
    return NULL;
}

static int find_aux(lua_State *L, int find)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    Match m;
    if (init > ls) {
        luaL_pushfail(L);
        return 1;
    }
    if (find && (lua_toboolean(L, 4) || no_specials(p, lp))) {
        const char *at;
        prepare(&m, L, s, ls, p, lp);
        at = find_plain(&m, s + init, ls - init, p, lp);
        if (at) {
            lua_pushinteger(L, (at - s) + 1);
            lua_pushinteger(L, (lua_Integer)((size_t)(at - s) + lp));
            return 2;
        }
    } else {
        const char *s1 = s + init;
        int anchor = (*p == '^');
        if (anchor) {
            p++;
            lp--;
        }
        prepare(&m, L, s, ls, p, lp);
        do {
            const char *e;
            restart(&m);
            if ((e = do_match(&m, s1, p)) != NULL) {
                if (find) {
                    lua_pushinteger(L, (s1 - s) + 1);
                    lua_pushinteger(L, e - s);
                    return push_captures(&m, NULL, 0) + 2;
                }
                return push_captures(&m, s1, e);
            }
        } while (s1++ < m.src_end && !anchor);
    }
    luaL_pushfail(L);
    return 1;
}

static int str_find(lua_State *L)
{
    return find_aux(L, 1);
}

static int str_match(lua_State *L)
{
    return find_aux(L, 0);
}

typedef struct GMatch {
    const char *src, *p, *lastmatch;
    Match m;
} GMatch;

/* Upvalues: the subject, the pattern (kept alive) and the GMatch state. */
static int gmatch_next(lua_State *L)
{
    GMatch *gm = (GMatch *)lua_touserdata(L, lua_upvalueindex(3));
    const char *src;
    gm->m.L = L;
    for (src = gm->src; src <= gm->m.src_end; src++) {
        const char *e;
        restart(&gm->m);
        /* an empty match right where the last one ended does not count */
        if ((e = do_match(&gm->m, src, gm->p)) != NULL && e != gm->lastmatch) {
            gm->src = gm->lastmatch = e;
            return push_captures(&gm->m, src, e);
        }
    }
    return 0;
}

static int str_gmatch(lua_State *L)
{
    size_t ls, lp;
    const char *s = luaL_checklstring(L, 1, &ls);
    const char *p = luaL_checklstring(L, 2, &lp);
    size_t init = start_index(luaL_optinteger(L, 3, 1), ls) - 1;
    GMatch *gm;
    lua_settop(L, 2);
    gm = (GMatch *)lua_newuserdatauv(L, sizeof(GMatch), 0);
    if (init > ls)
        init = ls + 1;
    prepare(&gm->m, L, s, ls, p, lp);
    gm->src = s + init;
    gm->p = p;
    gm->lastmatch = NULL;
    lua_pushcclosure(L, gmatch_next, 3);
    return 1;
}

/* A replacement string: %0 to %9 and %%. */
static void add_string(Match *m, luaL_Buffer *b, const char *s, const char *e)
{
    lua_State *L = m->L;
    size_t l;
    const char *news = lua_tolstring(L, 3, &l);
    const char *p;
    while ((p = (const char *)memchr(news, ESC, l)) != NULL) {
        luaL_addlstring(b, news, (size_t)(p - news));
        p++;
        if (*p == ESC) {
            luaL_addchar(b, *p);
        } else if (*p == '0') {
            luaL_addlstring(b, s, (size_t)(e - s));
        } else if (isdigit(uchar(*p))) {
            const char *cap;
            ptrdiff_t len = get_capture(m, *p - '1', s, e, &cap);
            if (len == CAP_POSITION)
                luaL_addvalue(b);
            else
                luaL_addlstring(b, cap, (size_t)len);
        } else {
            luaL_error(L, "invalid use of '%c' in replacement string", ESC);
        }
        l -= (size_t)(p + 1 - news);
        news = p + 1;
    }
    luaL_addlstring(b, news, l);
}

/* Adds the replacement of the match from s to e; returns whether it changed anything. */
static int add_value(Match *m, luaL_Buffer *b, const char *s, const char *e, int tr)
{
    lua_State *L = m->L;
    switch (tr) {
    case LUA_TFUNCTION: {
        int n;
        lua_pushvalue(L, 3);
        n = push_captures(m, s, e);
        lua_call(L, n, 1);
        break;
    }
    case LUA_TTABLE:
        push_capture(m, 0, s, e);
        lua_gettable(L, 3);
        break;
    default:
        add_string(m, b, s, e);
        return 1;
    }
    if (!lua_toboolean(L, -1)) { /* nil or false: keep the original text */
        lua_pop(L, 1);
        luaL_addlstring(b, s, (size_t)(e - s));
        return 0;
    }
    if (!lua_isstring(L, -1))
        return luaL_error(L, "invalid replacement value (a %s)", luaL_typename(L, -1));
    luaL_addvalue(b);
    return 1;
}

static int str_gsub(lua_State *L)
{
    size_t srcl, lp;
    const char *src = luaL_checklstring(L, 1, &srcl);
    const char *p = luaL_checklstring(L, 2, &lp);
    const char *lastmatch = NULL;
    int tr = lua_type(L, 3);
    lua_Integer max_s = luaL_optinteger(L, 4, (lua_Integer)srcl + 1);
    int anchor = (*p == '^');
    lua_Integer n = 0;
    int changed = 0;
    Match m;
    luaL_Buffer b;
    luaL_argexpected(L, tr == LUA_TNUMBER || tr == LUA_TSTRING || tr == LUA_TFUNCTION || tr == LUA_TTABLE, 3,
                     "string/function/table");
    luaL_buffinit(L, &b);
    if (anchor) {
        p++;
        lp--;
    }
    prepare(&m, L, src, srcl, p, lp);
    while (n < max_s) {
        const char *e;
        restart(&m);
        if ((e = do_match(&m, src, p)) != NULL && e != lastmatch) {
            n++;
            changed = add_value(&m, &b, src, e, tr) | changed;
            src = lastmatch = e;
        } else if (src < m.src_end) {
            luaL_addchar(&b, *src++);
        } else {
            break;
        }
        if (anchor)
            break;
    }
    if (!changed) {
        lua_pushvalue(L, 1);
    } else {
        luaL_addlstring(&b, src, (size_t)(m.src_end - src));
        luaL_pushresult(&b);
    }
    lua_pushinteger(L, n);
    return 2;
}

void parley_sandbox_patterns(lua_State *L)
{
    static const luaL_Reg fns[] = {
        {"find", str_find}, {"match", str_match}, {"gmatch", str_gmatch}, {"gsub", str_gsub}, {NULL, NULL},
    };
    luaL_setfuncs(L, fns, 0);
}
