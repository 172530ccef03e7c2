/* SPDX-License-Identifier: MIT */
/* Best one-to-one pairs between two lists of names (core.names_link), with blocking.
 *
 * Comparing every left name with every right name is quadratic: 10^10 comparisons for two lists
 * of 100,000. Instead each name gets a few blocking keys built from a coarse phonetic code of
 * its words (first three consonant classes, with h and an initial h/k/g dropped, so that
 * Hasanov, Gasanov and Asanov share one), and only names sharing a key are compared:
 *   P  the codes of two words, in either order (Elvin Mammadov / Mammadov Elvin)
 *   Q  the code of one word and two of the first three classes of another, three keys, so
 *      that one wrong letter in that word leaves one of them intact
 *   C  coarse: the code of one word and the first, or the second, class of another; a block of
 *      more than COARSE_CAP names is skipped, so that names shared by thousands (common
 *      given name and surname) do not make the work quadratic
 *   S  the code of one word, for names of a single word only (they meet every name that has
 *      the word; two names of several words never meet through S)
 * A left name is compared with at most BLOCK_CAP names of any one P, Q or S block (20,000
 * identical names would otherwise make the work quadratic): a window of the block that starts
 * at an offset given by the left name's position, so that names crowding one block still meet
 * different candidates and the one-to-one pairing below can pair most of them (bench/
 * names_block_cap.lua measures what the cap loses). All the work is charged, every
 * CHARGE_EVERY units, through parley_sandbox_charge: a rule's limits bound it, exhaustive too.
 * Each left name keeps its best KEEP candidates at or above the review score; pairs are then
 * chosen greedily from the best score down, each name used once: those at or above the threshold
 * are matches, those in [review, threshold) go to the review band, also one-to-one.
 *
 * Every table (keys, candidates, marks) is a Lua userdata on the stack, so an error or a memory
 * failure anywhere leaves nothing to free. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include "names.h"

#define KEEP 4          /* candidates kept per left name */
#define BLOCK_WORDS 4   /* words of a name used for blocking */
#define MAX_KEYS 82     /* keys of one name: 6 P + 24 C + 36 Q + 4 S + 12 I/F at most */
#define INITIAL_CAP 256 /* larger blocks of an initial against full names are not compared */
#define COARSE_CAP 64   /* larger blocks of a coarse key are not compared */
#define BLOCK_CAP 64    /* names of one P, Q or S block a left name is compared with (see below) */
#define PAIR_COST 100   /* a scored pair, in sandbox instruction units; an entry walked is 1 */
#define CHARGE_EVERY 4096 /* units of work between two charges to the sandbox */
#define NO_YEAR LLONG_MIN

typedef struct Side {
    int n;
    const char **p;  /* packed names */
    size_t *len;
    long long *born; /* NO_YEAR when unknown */
    const char **cat;
    size_t *catlen;
    const lua_Integer *group; /* self-linking: each name's group, whose names are never paired */
    NamesMemo *memo; /* the word similarities of this call (names_memo.c), or NULL */
    NameIds *ids;    /* with memo: each name's word ids in it, once has_ids[i] says so */
    unsigned char *has_ids;
} Side;

typedef struct Entry {
    uint64_t hash;
    int idx;
} Entry;

typedef struct Cand {
    double score;
    int i, j;
    int initial; /* the pair rests on a given name known only by its initial */
} Cand;

typedef struct Key {
    uint64_t hash;
    int kind; /* 'P', 'Q', 'C', 'S', 'I' or 'F' */
} Key;

/* ------------------------------------------------------------ blocking */

static uint64_t fnv(uint64_t h, const char *s, size_t n)
{
    size_t i;
    for (i = 0; i < n; i++)
        h = (h ^ (unsigned char)s[i]) * 1099511628211ull;
    return h;
}

static int is_vowel(char c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* The coarse code of a word: up to 4 consonant classes (blocking uses 3), vowels and an
 * initial h/k dropped, h read as k, ts as ch, s as sh, the ambiguous y (Latin j inside a word)
 * dropped after a consonant (Petrosjan) and read as ch between vowels (Orujov), repeats once.
 * Never empty ("_"). */
static int code3(const NameWord *w, char *out)
{
    int i = 0, n = 0;
    char last = 0;
    int skip_v = -1;
    if (w->len > 0 && (w->key[0] == 'h' || w->key[0] == 'k'))
        i = 1;
    /* Ovanes, Oanyan, Ohanyan: the v of an initial (h)ov- is often not written */
    if (w->len > i + 2 && w->key[i] == 'o' && w->key[i + 1] == 'v' && is_vowel(w->key[i + 2]))
        skip_v = i + 1;
    for (; i < w->len && n < 4; i++) {
        char c = w->key[i];
        if (is_vowel(c) || i == skip_v)
            continue;
        if (c == 'y') {
            if (i == 0 || !is_vowel(w->key[i - 1]))
                continue;
            c = 'c';
        }
        if (c == 'h')
            c = 'k';
        else if (c == 'q')
            c = 'c';
        else if (c == 'x')
            c = 's';
        if (c == last)
            continue;
        out[n++] = c;
        last = c;
    }
    if (n == 0)
        out[n++] = '_';
    return n;
}

/* The first letter of a word, coarsely: the classes an initial may stand for (initial_fits in
 * names_sim.c accepts a/e, e/i, o/u, y/i, h/k). */
static char initial_class(const NameWord *w)
{
    char form[NAMES_CMP_MAX];
    char c;
    if (parley_names_cmp_form(w, form) == 0)
        return '_';
    c = form[0];
    if (is_vowel(c) || c == 'y' || (c == 'c' && (w->rules & R_JINIT)))
        return 'V';
    return c == 'h' ? 'k' : c;
}

static int block_words(const NameRec *r, int *idx)
{
    int i, n = 0;
    for (i = 0; i < r->n && n < BLOCK_WORDS; i++)
        if (r->w[i].role == ROLE_GIVEN || r->w[i].role == ROLE_SURNAME)
            idx[n++] = i;
    return n;
}

static uint64_t key_of(char kind, const char *a, int la, const char *b, int lb)
{
    uint64_t h = 14695981039346656037ull;
    char sep = '|';
    h = fnv(h, &kind, 1);
    h = fnv(h, a, (size_t)la);
    h = fnv(h, &sep, 1);
    return fnv(h, b, (size_t)lb);
}

/* The blocking keys of a name; returns how many (0 for a name without words). */
static int name_keys(const NameRec *r, Key *keys)
{
    int idx[BLOCK_WORDS], n = block_words(r, idx), u, v, k = 0;
    char code[BLOCK_WORDS][5];
    int clen[BLOCK_WORDS], full[BLOCK_WORDS];
    for (u = 0; u < n; u++) {
        memset(code[u], 0, sizeof code[u]);
        full[u] = code3(&r->w[idx[u]], code[u]);
        clen[u] = full[u] > 3 ? 3 : full[u];
    }
    for (u = 0; u < n; u++) {
        keys[k].hash = key_of('S', code[u], clen[u], "", 0);
        keys[k++].kind = 'S';
    }
    for (u = 0; u < n; u++)
        for (v = 0; v < n; v++) {
            if (u == v)
                continue;
            if (u < v) {
                int first = memcmp(code[u], code[v], 3) <= 0 ? u : v, second = first == u ? v : u;
                keys[k].hash = key_of('P', code[first], clen[first], code[second], clen[second]);
                keys[k++].kind = 'P';
            }
            /* coarse: u's code with v's first class, and with its second (a typo in v's first
             * letter); the lookup skips such a block when it is larger than COARSE_CAP */
            keys[k].hash = key_of('q', code[u], clen[u], code[v], 1);
            keys[k++].kind = 'C';
            keys[k].hash = key_of('r', code[u], clen[u], full[v] > 1 ? code[v] + 1 : "_", 1);
            keys[k++].kind = 'C';
            /* fine: u's code with two of v's first three classes: one wrong letter in v leaves
             * one of the three intact */
            {
                char two[3][2] = {{code[v][0], code[v][1]}, {code[v][1], code[v][2]},
                                  {code[v][0], code[v][2]}};
                int q;
                for (q = 0; q < 3; q++) {
                    keys[k].hash = key_of((char)('1' + q), code[u], clen[u], two[q], 2);
                    keys[k++].kind = 'Q';
                }
            }
        }
    /* initials: the code of one word and the first letter of another, vowels as one, as an
     * 'I' key when that word is an initial and an 'F' key when it is a full word. F keys are
     * indexed apart (link's solo table), so that an initial meets the full names it may stand
     * for, and a full name the initials, but two full names never meet this way. */
    for (u = 0; u < n; u++) {
        if (r->w[idx[u]].rules & R_INITIAL)
            continue;
        for (v = 0; v < n; v++) {
            char letter;
            if (u == v)
                continue;
            letter = initial_class(&r->w[idx[v]]);
            keys[k].hash = key_of('i', code[u], clen[u], &letter, 1);
            keys[k++].kind = r->w[idx[v]].rules & R_INITIAL ? 'I' : 'F';
        }
    }
    return k;
}

static int cmp_entry(const void *x, const void *y)
{
    const Entry *a = (const Entry *)x, *b = (const Entry *)y;
    if (a->hash != b->hash)
        return a->hash < b->hash ? -1 : 1;
    return a->idx - b->idx;
}

static int cmp_cand(const void *x, const void *y)
{
    const Cand *a = (const Cand *)x, *b = (const Cand *)y;
    if (a->score != b->score)
        return a->score > b->score ? -1 : 1;
    if (a->i != b->i)
        return a->i - b->i;
    return a->j - b->j;
}

/* First entry with hash h in the sorted array, or n. The hashes are near uniform over 64
 * bits, so a guess from h's place between the ends of the range lands close (a few probes in
 * millions of keys, where bisection makes twenty, each a cache miss); a few guesses, then
 * bisection, which the guesses only narrow: the answer is the same. */
static size_t lower_bound(const Entry *e, size_t n, uint64_t h)
{
    size_t lo = 0, hi = n;
    int guesses;
    for (guesses = 0; guesses < 4 && hi - lo > 32; guesses++) {
        uint64_t a = e[lo].hash, b = e[hi - 1].hash;
        size_t mid;
        if (h <= a)
            return lo; /* e[lo - 1] < h: lo is the first */
        if (h > b)
            return hi;
        /* a < h <= b: lo < mid <= hi - 1 */
        mid = lo + (size_t)((double)(h - a) / (double)(b - a) * (double)(hi - 1 - lo));
        if (mid <= lo)
            mid = lo + 1;
        if (mid > hi - 1)
            mid = hi - 1;
        if (e[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid; /* e[mid] >= h: the first is at mid or before */
    }
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        if (e[mid].hash < h)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* --------------------------------------------------------------- inputs */

static void *udata(lua_State *L, size_t n, size_t size)
{
    if (n > ((size_t)-1) / 2 / (size ? size : 1))
        luaL_error(L, "names.link: lists too long");
    return lua_newuserdatauv(L, n ? n * size : 1, 0);
}

static void unpack_or_raise(lua_State *L, const Side *s, int i, NameRec *r)
{
    if (!parley_names_unpack(s->p[i], s->len[i], r))
        luaL_error(L, "names.link: entry %d is not a packed name", i + 1);
}

/* Reads the packed names (arg names), years (arg born) and categories (arg cat) of one side;
 * the userdata it pushes stay on the stack. */
static void read_side(lua_State *L, int names, int born, int cat, Side *s)
{
    int i;
    luaL_checktype(L, names, LUA_TTABLE);
    s->n = (int)luaL_len(L, names);
    s->p = (const char **)udata(L, (size_t)s->n, sizeof *s->p);
    s->len = (size_t *)udata(L, (size_t)s->n, sizeof *s->len);
    s->born = (long long *)udata(L, (size_t)s->n, sizeof *s->born);
    s->cat = (const char **)udata(L, (size_t)s->n, sizeof *s->cat);
    s->catlen = (size_t *)udata(L, (size_t)s->n, sizeof *s->catlen);
    for (i = 0; i < s->n; i++) {
        lua_rawgeti(L, names, i + 1);
        if (lua_type(L, -1) != LUA_TSTRING)
            luaL_error(L, "names.link: entry %d is not a packed name", i + 1);
        s->p[i] = lua_tolstring(L, -1, &s->len[i]); /* anchored by the table */
        lua_pop(L, 1);
        s->born[i] = NO_YEAR;
        s->cat[i] = NULL;
        s->catlen[i] = 0;
        if (lua_istable(L, born)) {
            lua_rawgeti(L, born, i + 1);
            if (lua_isinteger(L, -1))
                s->born[i] = (long long)lua_tointeger(L, -1);
            lua_pop(L, 1);
        }
        if (lua_istable(L, cat)) {
            lua_rawgeti(L, cat, i + 1);
            if (lua_type(L, -1) == LUA_TSTRING)
                s->cat[i] = lua_tolstring(L, -1, &s->catlen[i]);
            lua_pop(L, 1);
        }
    }
}

/* The word ids of name i of side s (rec: its unpacked form), interned the first time. */
static const NameIds *ids_of(const Side *s, int i, const NameRec *rec)
{
    if (!s->has_ids[i]) {
        parley_names_memo_ids(s->memo, rec, &s->ids[i]);
        s->has_ids[i] = 1;
    }
    return &s->ids[i];
}

static double score_pair(const Side *l, int i, const NameRec *ra, const Side *r, int j,
                         const NameRec *rb, int *initial)
{
    Evidence ev;
    MatchDetail d;
    memset(&ev, 0, sizeof ev);
    if (l->born[i] != NO_YEAR && r->born[j] != NO_YEAR) {
        ev.has_born = 1;
        ev.born_a = l->born[i];
        ev.born_b = r->born[j];
    }
    if (l->cat[i] && r->cat[j]) {
        ev.cat_a = l->cat[i];
        ev.cat_la = l->catlen[i];
        ev.cat_b = r->cat[j];
        ev.cat_lb = r->catlen[j];
    }
    if (l->memo)
        parley_names_score(ra, rb, &ev, &d, l->memo, ids_of(l, i, ra), ids_of(r, j, rb));
    else
        parley_names_score(ra, rb, &ev, &d, NULL, NULL, NULL);
    *initial = d.initial;
    /* ranked before the clamp to 1: two namesakes whose names both score 1 still differ by
     * their years of birth; the score reported is clamped (push_pair) */
    return d.rank;
}

/* Keeps (score, j) among the best KEEP candidates of left name i (a pair scored from both
 * sides, when a list is linked with itself, is kept once, at its best score). */
static void keep(Cand *c, int i, int j, double score, int initial)
{
    int k, worst = 0;
    for (k = 0; k < KEEP; k++)
        if (c[k].i >= 0 && c[k].j == j) {
            if (score > c[k].score) {
                c[k].score = score;
                c[k].initial = initial;
            }
            return;
        }
    for (k = 0; k < KEEP; k++) {
        if (c[k].i < 0) {
            worst = k;
            break;
        }
        if (cmp_cand(&c[k], &c[worst]) > 0)
            worst = k;
    }
    if (c[worst].i >= 0 && (c[worst].score > score || (c[worst].score == score && c[worst].j < j)))
        return;
    c[worst].score = score;
    c[worst].i = i;
    c[worst].j = j;
    c[worst].initial = initial;
}

static void push_pair(lua_State *L, int t, lua_Integer k, const Cand *c)
{
    lua_createtable(L, 0, 3);
    lua_pushinteger(L, c->i + 1);
    lua_setfield(L, -2, "left");
    lua_pushinteger(L, c->j + 1);
    lua_setfield(L, -2, "right");
    lua_pushnumber(L, c->score > 1 ? 1 : c->score);
    lua_setfield(L, -2, "score");
    lua_rawseti(L, t, k);
}

enum { PAIR = 1, UNCERTAIN = 2 };

/* The flat result: three arrays, the left and right positions and the scores of the pairs,
 * then of the uncertain pairs, each in the order of all; how many are pairs; compared. */
static int push_flat(lua_State *L, const Cand *all, const unsigned char *part, size_t ncand,
                     lua_Integer compared)
{
    size_t k, n = 0;
    lua_Integer at = 0, npairs = 0;
    int which;
    for (k = 0; k < ncand; k++)
        if (part[k])
            n++;
    if (n > INT_MAX)
        luaL_error(L, "names.link: too many pairs");
    lua_createtable(L, (int)n, 0);
    lua_createtable(L, (int)n, 0);
    lua_createtable(L, (int)n, 0);
    for (which = PAIR; which <= UNCERTAIN; which++)
        for (k = 0; k < ncand; k++) {
            const Cand *c = &all[k];
            if (part[k] != which)
                continue;
            at++;
            if (which == PAIR)
                npairs++;
            lua_pushinteger(L, c->i + 1);
            lua_rawseti(L, -4, at);
            lua_pushinteger(L, c->j + 1);
            lua_rawseti(L, -3, at);
            lua_pushnumber(L, c->score > 1 ? 1 : c->score);
            lua_rawseti(L, -2, at);
        }
    lua_pushinteger(L, npairs);
    lua_pushinteger(L, compared);
    return 5;
}

/* Adds n units of work; charges them to the sandbox (if any) every CHARGE_EVERY. */
static void work(lua_State *L, size_t *pending, size_t n)
{
    *pending += n;
    if (*pending >= CHARGE_EVERY) {
        size_t due = *pending;
        *pending = 0;
        parley_sandbox_charge(L, due);
    }
}

/* Scores left name i against right name j and keeps the pair when it reaches the review band.
 * With stamp, a right name reached through several keys of one left name is scored once.
 * With mirror (a list linked with itself, j met through a block that j, as a left name,
 * meets i through too), the pair is scored from its smaller side only and kept for both
 * names: mirror is the candidates of every name. With mirror and once, the pair is met from
 * this side only (a crowded block's half window, below): scored and kept for both. */
static void visit(lua_State *L, const Side *l, int i, const NameRec *ra, const Side *r, int j, NameRec *rb,
                  int *stamp, Cand *mine, Cand *mirror, int once, double review, lua_Integer *compared,
                  size_t *pending)
{
    double s;
    int initial = 0;
    /* with groups: a name is never paired with its own group's (itself among them) */
    if (r->group && r->group[j] == l->group[i])
        return;
    if (mirror && !once && j < i)
        return; /* scored when j was the left name */
    work(L, pending, 1);
    if (stamp) {
        if (stamp[j] == i)
            return;
        stamp[j] = i;
    }
    unpack_or_raise(L, r, j, rb);
    work(L, pending, PAIR_COST);
    s = score_pair(l, i, ra, r, j, rb, &initial);
    (*compared)++;
    if (s >= review) {
        keep(mine, i, j, s, initial);
        if (mirror)
            keep(&mirror[(size_t)j * KEEP], j, i, s, initial);
    }
}

/* Indexes the right side's keys: the S keys of multi-word names go to solo (only single-word
 * left names consult them), and so do the F keys (only initials consult them), the others to
 * multi. With multi and solo NULL it only counts. */
static void index_right(lua_State *L, const Side *r, NameRec *rb, Key *keys, Entry *multi, Entry *solo,
                        size_t *nmulti, size_t *nsolo)
{
    int j;
    *nmulti = *nsolo = 0;
    for (j = 0; j < r->n; j++) {
        int nk, single, q;
        unpack_or_raise(L, r, j, rb);
        nk = name_keys(rb, keys);
        single = nk == 1;
        for (q = 0; q < nk; q++) {
            int to_solo = (keys[q].kind == 'S' && !single) || keys[q].kind == 'F';
            Entry *e = to_solo ? (solo ? &solo[*nsolo] : NULL) : (multi ? &multi[*nmulti] : NULL);
            if (e) {
                e->hash = keys[q].hash;
                e->idx = j;
            }
            if (to_solo)
                (*nsolo)++;
            else
                (*nmulti)++;
        }
    }
}

/* Visits the names of the block of e[first..] with hash h, at most cap of them: the window
 * starting at offset i within the block (wrapping round). mirror (see visit) is used for a
 * block visited whole, which every name of it visits whole too; and for a crowded block that
 * i belongs to (a list linked with itself), i meets the cap / 2 names after it in the block
 * (wrapping round), each pair once, and through the mirror the cap / 2 before it: cap names
 * each, as without a mirror, for half the pairs scored. */
static void visit_block(lua_State *L, const Entry *e, size_t n, size_t first, uint64_t h, size_t cap,
                        const Side *l, int i, const NameRec *ra, const Side *r, NameRec *rb, int *stamp,
                        Cand *mine, Cand *mirror, double review, lua_Integer *compared, size_t *pending)
{
    size_t size = 0, k, start, lo, hi;
    while (first + size < n && e[first + size].hash == h && size <= cap)
        size++;
    if (size > cap) { /* a crowded block: find its end by bisection, then take the window */
        lo = first + size;
        hi = n;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (e[mid].hash == h)
                lo = mid + 1;
            else
                hi = mid;
        }
        size = lo - first;
    }
    if (size > cap && mirror && cap >= 2) {
        /* i's position in the block: entries of one hash are sorted by index */
        lo = first;
        hi = first + size;
        while (lo < hi) {
            size_t mid = lo + (hi - lo) / 2;
            if (e[mid].idx < i)
                lo = mid + 1;
            else
                hi = mid;
        }
        if (lo < first + size && e[lo].idx == i) {
            start = lo - first;
            for (k = 1; k <= cap / 2; k++)
                visit(L, l, i, ra, r, e[first + (start + k) % size].idx, rb, stamp, mine, mirror, 1, review,
                      compared, pending);
            return;
        }
    }
    start = size > cap ? (size_t)i % size : 0;
    if (size > cap)
        mirror = NULL;
    for (k = 0; k < size && k < cap; k++)
        visit(L, l, i, ra, r, e[first + (start + k) % size].idx, rb, stamp, mine, mirror, 0, review, compared,
              pending);
}

/* A groups argument: each name's group number; the userdata stays on the stack. */
static const lua_Integer *read_groups(lua_State *L, int arg, int n)
{
    lua_Integer *g = (lua_Integer *)udata(L, (size_t)n, sizeof *g);
    int i;
    for (i = 0; i < n; i++) {
        lua_rawgeti(L, arg, i + 1);
        g[i] = lua_tointeger(L, -1);
        lua_pop(L, 1);
    }
    return g;
}

/* names_link(packed_left, packed_right, born_left, born_right, cat_left, cat_right,
 *            threshold, review, exhaustive [, block_cap [, groups [, right_groups [, no_memo [, flat]]]]])
 *   -> pairs, uncertain, compared
 *   or, flat: left, right, score, npairs, compared
 * block_cap (default BLOCK_CAP) is there for bench/names_block_cap.lua to measure the cap, and
 * no_memo (true: every word pair scored every time, as before names_memo.c) for
 * spec/names_memo_spec.lua to show that the memo changes nothing. flat (true) gives the pairs
 * and the uncertain pairs as three arrays instead of a table each: left positions, right
 * positions and scores, the pairs first (npairs of them), then the uncertain ones, each in the
 * order of the two lists: what the resolution of people reads, without a table per pair.
 * groups gives each left name's group, right_groups each right name's (without it, the same
 * list is on both sides: one call links every name with every other): names of one group are
 * never paired, and every candidate pair is returned, not only the best one-to-one pairs (the
 * resolution of people, parley.people, clusters them under its own constraints; it links the
 * new entries' names alone, with every name of the store, when it resolves incrementally). */
int parley_names_link(lua_State *L)
{
    Side l, r;
    double threshold = luaL_checknumber(L, 7), review = luaL_checknumber(L, 8);
    int exhaustive = lua_toboolean(L, 9);
    lua_Integer block_cap = luaL_optinteger(L, 10, BLOCK_CAP);
    size_t cap, pending = 0;
    Entry *multi = NULL, *solo = NULL; /* right keys: any left consults; single-word left only */
    size_t nmulti = 0, nsolo = 0, ncand = 0, k, nl, nr;
    int *stamp, i, j;
    unsigned char *used_l, *used_r, *many_l, *many_r, *part;
    int flat = lua_toboolean(L, 14);
    Cand *cand, *all, *mirror;
    lua_Integer compared = 0, npairs = 0, nunc = 0;
    NameRec ra, rb;
    Key keys[MAX_KEYS];
    luaL_argcheck(L, block_cap >= 1, 10, "block_cap must be at least 1");
    cap = (size_t)block_cap;
    lua_settop(L, 14);
    read_side(L, 1, 3, 5, &l);
    read_side(L, 2, 4, 6, &r);
    l.group = r.group = NULL;
    /* the memo changes no score (the spec links with and without it: arg 13 true, none) */
    l.memo = r.memo = lua_toboolean(L, 13) ? NULL : parley_names_memo_new(L, (size_t)l.n + (size_t)r.n);
    l.ids = r.ids = NULL;
    l.has_ids = r.has_ids = NULL;
    if (l.memo) {
        /* a list linked with itself (one table on both sides) has one set of ids */
        int same = lua_rawequal(L, 1, 2);
        l.ids = (NameIds *)udata(L, (size_t)l.n, sizeof *l.ids);
        l.has_ids = (unsigned char *)udata(L, (size_t)l.n, 1);
        memset(l.has_ids, 0, (size_t)l.n);
        r.ids = same ? l.ids : (NameIds *)udata(L, (size_t)r.n, sizeof *r.ids);
        r.has_ids = same ? l.has_ids : (unsigned char *)udata(L, (size_t)r.n, 1);
        if (!same)
            memset(r.has_ids, 0, (size_t)r.n);
    }
    if (lua_istable(L, 11)) {
        luaL_argcheck(L, luaL_len(L, 11) == l.n, 11, "groups: one per left name");
        if (lua_isnoneornil(L, 12))
            luaL_argcheck(L, l.n == r.n, 11, "groups: one per name of a list linked with itself");
        else
            luaL_argcheck(L, lua_istable(L, 12) && luaL_len(L, 12) == r.n, 12, "right groups: one per right name");
        l.group = read_groups(L, 11, l.n);
        r.group = lua_istable(L, 12) ? read_groups(L, 12, r.n) : l.group;
    }
    cand = (Cand *)udata(L, (size_t)l.n * KEEP, sizeof *cand);
    for (k = 0; k < (size_t)l.n * KEEP; k++)
        cand[k].i = -1;
    if (!exhaustive) {
        /* count, then fill, the right side's keys */
        index_right(L, &r, &rb, keys, NULL, NULL, &nmulti, &nsolo);
        multi = (Entry *)udata(L, nmulti, sizeof *multi);
        solo = (Entry *)udata(L, nsolo, sizeof *solo);
        index_right(L, &r, &rb, keys, multi, solo, &nmulti, &nsolo);
        work(L, &pending, (size_t)r.n * MAX_KEYS);
        qsort(multi, nmulti, sizeof *multi, cmp_entry);
        qsort(solo, nsolo, sizeof *solo, cmp_entry);
    }
    /* linking a list with itself, each pair met both ways is scored once */
    mirror = l.group && l.group == r.group ? cand : NULL;
    stamp = (int *)udata(L, (size_t)r.n, sizeof *stamp);
    for (j = 0; j < r.n; j++)
        stamp[j] = -1;
    for (i = 0; i < l.n; i++) {
        Cand *mine = &cand[(size_t)i * KEEP];
        unpack_or_raise(L, &l, i, &ra);
        if (exhaustive) {
            for (j = 0; j < r.n; j++)
                visit(L, &l, i, &ra, &r, j, &rb, NULL, mine, NULL, 0, review, &compared, &pending);
            continue;
        }
        {
            int nk = name_keys(&ra, keys), single = nk == 1, q, pass;
            for (q = 0; q < nk; q++) {
                if (keys[q].kind == 'S' && !single)
                    continue; /* S keys of a longer name only meet single-word names... */
                for (pass = 0; pass < 2; pass++) {
                    const Entry *e = pass == 0 ? multi : solo;
                    size_t n = pass == 0 ? nmulti : nsolo;
                    if (pass == 1 && !single && keys[q].kind != 'I')
                        break;
                    size_t first = lower_bound(e, n, keys[q].hash);
                    if (keys[q].kind == 'C' && first + COARSE_CAP < n &&
                        e[first + COARSE_CAP].hash == keys[q].hash)
                        continue;
                    if (keys[q].kind == 'I' && pass == 1 && first + INITIAL_CAP < n &&
                        e[first + INITIAL_CAP].hash == keys[q].hash)
                        continue;
                    /* a name meets another through one of these blocks exactly when that one
                     * meets it through the same block (not so for an F key: the initial it meets
                     * looks in solo) */
                    visit_block(L, e, n, first, keys[q].hash, cap, &l, i, &ra, &r, &rb, stamp, mine,
                                pass == 0 && keys[q].kind != 'F' ? mirror : NULL, review, &compared, &pending);
                }
            }
            /* ...which a longer left name finds through the right name's S key */
            if (!single)
                for (q = 0; q < nk; q++) {
                    if (keys[q].kind != 'S')
                        continue;
                    visit_block(L, multi, nmulti, lower_bound(multi, nmulti, keys[q].hash), keys[q].hash, cap, &l,
                                i, &ra, &r, &rb, stamp, mine, NULL, review, &compared, &pending);
                }
        }
    }
    /* greedy one-to-one from the best score down */
    work(L, &pending, (size_t)l.n * KEEP * 8);
    for (k = 0; k < (size_t)l.n * KEEP; k++)
        if (cand[k].i >= 0)
            ncand++;
    all = (Cand *)udata(L, ncand, sizeof *all);
    ncand = 0;
    for (k = 0; k < (size_t)l.n * KEEP; k++)
        if (cand[k].i >= 0)
            all[ncand++] = cand[k];
    qsort(all, ncand, sizeof *all, cmp_cand);
    nl = l.n > 0 ? (size_t)l.n : 0;
    nr = r.n > 0 ? (size_t)r.n : 0;
    used_l = (unsigned char *)udata(L, nl, 1);
    used_r = (unsigned char *)udata(L, nr, 1);
    memset(used_l, 0, nl);
    memset(used_r, 0, nr);
    /* names with two candidates or more at or above the threshold: a match that rests on an
     * initial there (A. Hakobyan against Armen and Arsen Hakobyan) is ambiguous and goes to
     * review; a full name outranks an initial (match caps an initial's score) */
    many_l = (unsigned char *)udata(L, nl, 1);
    many_r = (unsigned char *)udata(L, nr, 1);
    memset(many_l, 0, nl);
    memset(many_r, 0, nr);
    for (k = 0; k < ncand; k++)
        if (all[k].score >= threshold) {
            many_l[all[k].i] = (unsigned char)(many_l[all[k].i] < 2 ? many_l[all[k].i] + 1 : 2);
            many_r[all[k].j] = (unsigned char)(many_r[all[k].j] < 2 ? many_r[all[k].j] + 1 : 2);
        }
    /* each candidate's part: PAIR, UNCERTAIN or none (0) */
    part = (unsigned char *)udata(L, ncand, 1);
    for (k = 0; k < ncand; k++) {
        const Cand *c = &all[k];
        if (l.group) { /* self-linking: every candidate, each name's best KEEP */
            part[k] = c->score >= threshold ? PAIR : UNCERTAIN;
            continue;
        }
        part[k] = 0;
        if (used_l[c->i] || used_r[c->j])
            continue;
        used_l[c->i] = used_r[c->j] = 1;
        if (c->score >= threshold && !(c->initial && (many_l[c->i] > 1 || many_r[c->j] > 1)))
            part[k] = PAIR;
        else
            part[k] = UNCERTAIN;
    }
    if (flat)
        return push_flat(L, all, part, ncand, compared);
    lua_newtable(L); /* pairs */
    lua_newtable(L); /* uncertain */
    for (k = 0; k < ncand; k++) {
        if (part[k] == PAIR)
            push_pair(L, lua_gettop(L) - 1, ++npairs, &all[k]);
        else if (part[k] == UNCERTAIN)
            push_pair(L, lua_gettop(L), ++nunc, &all[k]);
    }
    lua_pushinteger(L, compared);
    return 3;
}
