/* SPDX-License-Identifier: MIT */
/* The score of two names, shared by match and link, and its explanation.
 *
 * The given names and surnames of the two names are paired so that the sum of the word
 * similarities is largest (whatever order each name is written in), and the score is their
 * mean, held down to the weakest pair plus a little: a name is the same only when every part
 * is, so a shared surname with another given name stays below the threshold. A patronymic on
 * both sides, and the evidence the caller passes (year of birth, category), move the score up
 * or down; see docs/names.md for the numbers. */
#include <string.h>
#include <stdio.h>
#include "names.h"

#define MAX_MAIN 6
/* A patronymic naming another father: enough to hold a name that agrees in every other part
 * (1.0) below the threshold, with the same year of birth (+0.04) too. */
#define PAT_DIFFER -0.25
/* A name that rests on an initial: matches alone, not with a year of birth two apart */
#define INITIAL_MAX 0.9
#ifndef SURNAME_SLACK
#define SURNAME_SLACK 0.0
#endif

static int main_words(const NameRec *r, int *idx)
{
    int i, n = 0;
    for (i = 0; i < r->n && n < MAX_MAIN; i++)
        if (r->w[i].role == ROLE_GIVEN || r->w[i].role == ROLE_SURNAME)
            idx[n++] = i;
    return n;
}

static int find_role(const NameRec *r, int role)
{
    int i;
    for (i = 0; i < r->n; i++)
        if (r->w[i].role == role)
            return i;
    return -1;
}

/* 'm' or 'f' from the patronymic's own suffix (-ovich/-ovna) or its marker (oğlu/qızı). */
static int pat_gender(const NameRec *r, int p)
{
    int s = r->w[p].suffix;
    if (s == SUF_VICH)
        return 'm';
    if (s == SUF_VNA)
        return 'f';
    if (p + 1 < r->n && r->w[p + 1].role == ROLE_MARKER)
        return r->w[p + 1].suffix == SUF_OGLU ? 'm' : 'f';
    return 0;
}

/* The father's name inside a patronymic: Арменович -> armen, so that it compares with the
 * Azerbaijani form (Armen oğlu) too. */
static void pat_root(NameWord *w)
{
    static const char *const endings[] = {"ievic", "ovic", "evic", "ievna", "ovna", "evna", "icna", "ic", NULL};
    int i;
    if (w->suffix == SUF_GEN) {
        /* the Armenian genitive: Vardani -> vardan */
        w->len--;
        w->key[w->len] = '\0';
        w->suffix = SUF_NONE;
        w->given = (short)parley_names_given(w->key, w->len);
        return;
    }
    for (i = 0; endings[i]; i++) {
        int k = (int)strlen(endings[i]);
        if (w->len > k + 2 && memcmp(w->key + w->len - k, endings[i], (size_t)k) == 0) {
            w->len = (unsigned char)(w->len - k);
            w->key[w->len] = '\0';
            /* Alekseyevich, Alekseevich, Aleksey: the root without its final e/i/y, which the
             * spellings of -еевич (-eyevich, -eevich, doubled letters single) leave or not */
            while (w->len > 3 && strchr("eiy", w->key[w->len - 1]))
                w->key[--w->len] = '\0';
            w->given = (short)parley_names_given(w->key, w->len);
            w->suffix = SUF_NONE;
            return;
        }
    }
    while (w->len > 3 && strchr("eiy", w->key[w->len - 1]))
        w->key[--w->len] = '\0';
    w->suffix = SUF_NONE;
}

typedef struct Assign {
    int n, m;      /* rows (smaller name), columns */
    double s[MAX_MAIN][MAX_MAIN];
    double sim[MAX_MAIN][MAX_MAIN];   /* the similarities, without the tie-break */
    unsigned soft[MAX_MAIN][MAX_MAIN];
    int used[MAX_MAIN];
    int cur[MAX_MAIN], best[MAX_MAIN];
    double best_sum;
} Assign;

/* Tries every injective pairing of the rows into the columns (at most 6!/0! = 720). */
static void assign(Assign *as, int row, double sum)
{
    int j;
    if (row == as->n) {
        if (sum > as->best_sum) {
            as->best_sum = sum;
            memcpy(as->best, as->cur, sizeof as->cur);
        }
        return;
    }
    for (j = 0; j < as->m; j++) {
        if (as->used[j])
            continue;
        as->used[j] = 1;
        as->cur[row] = j;
        assign(as, row + 1, sum + as->s[row][j]);
        as->used[j] = 0;
    }
}

/* The adjustment of the evidence; with root set (the names differ in a root, not a spelling)
 * the evidence in favour is recorded in d->held and not counted: a year of birth or a category
 * says nothing about whether Khachatryan and Khachaturyan are one name. */
static double evidence(const Evidence *ev, MatchDetail *d, int root)
{
    double adj = 0;
    if (ev && ev->has_born) {
        long long diff = ev->born_a > ev->born_b ? ev->born_a - ev->born_b : ev->born_b - ev->born_a;
        /* lists derive years from ages, so one year apart is the same person as often as not;
         * namesakes of another generation are not */
        d->born_adj = diff == 0 ? 0.04 : diff == 1 ? 0 : diff == 2 ? -0.05 : diff <= 4 ? -0.2 : -0.3;
        adj += d->born_adj;
    }
    if (ev && ev->cat_a && ev->cat_b) {
        int same = ev->cat_la == ev->cat_lb;
        size_t i;
        for (i = 0; same && i < ev->cat_la; i++) {
            int x = (unsigned char)ev->cat_a[i], y = (unsigned char)ev->cat_b[i];
            if (x >= 'A' && x <= 'Z')
                x += 32;
            if (y >= 'A' && y <= 'Z')
                y += 32;
            same = x == y;
        }
        d->cat_adj = same ? 0.02 : -0.05;
        adj += d->cat_adj;
    }
    if (root) {
        if (d->born_adj > 0)
            d->held += d->born_adj, adj -= d->born_adj;
        if (d->cat_adj > 0)
            d->held += d->cat_adj, adj -= d->cat_adj;
    }
    return adj;
}

double parley_names_score(const NameRec *a, const NameRec *b, const Evidence *ev, MatchDetail *d, NamesMemo *memo,
                          const NameIds *ids_a, const NameIds *ids_b)
{
    int ia[MAX_MAIN], ib[MAX_MAIN], na, nb, i, j, swap, pa, pb;
    int ida[MAX_MAIN], idb[MAX_MAIN]; /* the words' ids in memo: each word interned once */
    Assign as;
    double base, score;
    NameWord wa, wb;
    memset(d, 0, sizeof *d);
    d->patronymic = -1;
    na = main_words(a, ia);
    nb = main_words(b, ib);
    if (na == 0 || nb == 0)
        return 0;
    for (i = 0; i < na; i++)
        ida[i] = !memo ? 0 : ids_a ? ids_a->w[ia[i]] : parley_names_memo_word(memo, &a->w[ia[i]]);
    for (j = 0; j < nb; j++)
        idb[j] = !memo ? 0 : ids_b ? ids_b->w[ib[j]] : parley_names_memo_word(memo, &b->w[ib[j]]);
    swap = na > nb;
    as.n = swap ? nb : na;
    as.m = swap ? na : nb;
    for (i = 0; i < as.n; i++)
        for (j = 0; j < as.m; j++) {
            int xa = swap ? j : i, yb = swap ? i : j;
            const NameWord *x = &a->w[ia[xa]], *y = &b->w[ib[yb]];
            unsigned soft = 0;
            as.sim[i][j] = parley_names_memo_sim(memo, x, ida[xa], y, idb[yb], &soft);
            as.soft[i][j] = soft;
            /* a hair for the pairing the roles agree on, so that ties follow the parse */
            as.s[i][j] = as.sim[i][j] + (x->role == y->role ? 1e-6 : 0);
        }
    memset(as.used, 0, sizeof as.used);
    as.best_sum = -1;
    assign(&as, 0, 0);
    d->pairs = as.n;
    d->extra = as.m - as.n;
    {
        double sum = 0, lo = 1;
        int lo_role = 0;
        for (i = 0; i < as.n; i++) {
            int r = swap ? as.best[i] : i, c = swap ? i : as.best[i];
            d->ia[i] = ia[r];
            d->ib[i] = ib[c];
            d->sim[i] = as.sim[i][as.best[i]];
            d->soft[i] = as.soft[i][as.best[i]];
            if (d->soft[i] & SOFT_ROOT)
                d->root = 1;
            /* a surname one consonant from another is another family as often as a typo: the
             * year of birth or the category cannot tell which (Ghazaryan/Nazaryan), and
             * neither another root nor such a surname matches on its own */
            if ((d->soft[i] & (SOFT_CONS | SOFT_FIRST | SOFT_ROOT)) && a->w[ia[r]].role == ROLE_SURNAME &&
                b->w[ib[c]].role == ROLE_SURNAME) {
                d->root = 1;
                if ((d->soft[i] & SOFT_ROOT) && d->sim[i] > SURNAME_APART) {
                    d->sim[i] = SURNAME_APART;
                    d->capped = 1;
                }
            }
            sum += d->sim[i];
            if (d->soft[i] & SOFT_INITIAL)
                d->initial = 1;
            if (d->sim[i] < lo) {
                lo = d->sim[i];
                lo_role = a->w[ia[r]].role;
            }
        }
        if (as.n == 1) {
            base = d->sim[0] * (d->extra ? 0.85 : 1.0);
        } else {
            base = sum / as.n;
            /* a surname that differs is held closer to its own similarity than a given name
             * is: near-miss surnames (Khachatryan/Khachaturyan) are the commoner confusion */
            double slack = lo_role == ROLE_SURNAME ? SURNAME_SLACK : 0.08;
            if (base > lo + slack)
                base = lo + slack;
            base -= 0.02 * d->extra;
        }
        /* a compatible initial costs nothing but is no evidence either: the name rests on
         * its other parts, a little below a full agreement, so that a year of birth two
         * apart, or another father, holds it apart */
        if (d->initial && base > INITIAL_MAX)
            base = INITIAL_MAX;
    }
    /* patronymics: the parsed ones, or the ones given as evidence */
    pa = find_role(a, ROLE_PATRONYMIC);
    pb = find_role(b, ROLE_PATRONYMIC);
    d->pat_a = pa >= 0 || (ev && ev->has_pat_a);
    d->pat_b = pb >= 0 || (ev && ev->has_pat_b);
    if (d->pat_a && d->pat_b) {
        unsigned soft = 0;
        int ga = 0, gb = 0;
        if (ev && ev->has_pat_a)
            wa = ev->pat_a;
        else
            wa = a->w[pa], ga = pat_gender(a, pa);
        if (ev && ev->has_pat_b)
            wb = ev->pat_b;
        else
            wb = b->w[pb], gb = pat_gender(b, pb);
        pat_root(&wa);
        pat_root(&wb);
        d->patronymic = parley_names_word_sim(&wa, &wb, &soft);
        d->pat_soft = soft;
        d->pat_gender_clash = ga && gb && ga != gb;
        /* In Russian-style and Azerbaijani lists the patronymic is often the only thing that
         * tells namesakes apart: one that names another father is strong evidence against
         * (Elmar/Elnar: two known names; Rəşad/Rəşid: another root); agreement needs the same
         * name (a spelling of it), not one a consonant away; an initial is no evidence. */
        if (soft & SOFT_INITIAL)
            d->pat_adj = 0;
        else if ((soft & (SOFT_ROOT | SOFT_NOINIT)) || d->patronymic < 0.6)
            d->pat_adj = PAT_DIFFER;
        else if (d->patronymic >= 0.8 && !(soft & (SOFT_CONS | SOFT_FIRST)))
            d->pat_adj = 0.03;
        else
            d->pat_adj = 0;
        if (d->pat_gender_clash)
            d->pat_adj -= 0.2;
    }
    if (d->root && d->pat_adj > 0)
        d->held += d->pat_adj;
    if (base < 0)
        base = 0;
    d->base = base;
    score = base + (d->root && d->pat_adj > 0 ? 0 : d->pat_adj) + evidence(ev, d, d->root);
    if (score < 0)
        score = 0;
    d->rank = score;
    if (score > 1)
        score = 1;
    return score;
}

/* ------------------------------------------------------------ explanation */

static void add_word(luaL_Buffer *b, const char *text, const NameWord *w)
{
    luaL_addlstring(b, text + w->src, w->srclen);
}

static void add_num(luaL_Buffer *b, double x)
{
    char buf[32];
    snprintf(buf, sizeof buf, "%.2f", x);
    luaL_addstring(b, buf);
}

static void add_bits(luaL_Buffer *b, unsigned bits, const char *const *text, int count, int *first)
{
    int k;
    for (k = 0; k < count; k++)
        if (bits & (1u << k)) {
            luaL_addstring(b, *first ? "" : ", ");
            luaL_addstring(b, text[k]);
            *first = 0;
        }
}

static const char *role_name(int role)
{
    return role == ROLE_SURNAME ? "surname" : role == ROLE_GIVEN ? "given name" : "word";
}

void parley_names_explain(luaL_Buffer *b, const char *ta, const NameRec *a, const char *tb,
                          const NameRec *rb, const MatchDetail *d, double score, double threshold)
{
    int k, first;
    unsigned rules = 0;
    luaL_addstring(b, score >= threshold ? "match: " : "no match: ");
    add_num(b, score);
    luaL_addstring(b, score >= threshold ? " >= " : " < ");
    add_num(b, threshold);
    if (d->pairs == 0) {
        luaL_addstring(b, "; a name has no words to compare");
        return;
    }
    for (k = 0; k < d->pairs; k++) {
        const NameWord *x = &a->w[d->ia[k]], *y = &rb->w[d->ib[k]];
        luaL_addstring(b, "; ");
        luaL_addstring(b, role_name(x->role));
        luaL_addchar(b, ' ');
        add_word(b, ta, x);
        luaL_addstring(b, " ~ ");
        add_word(b, tb, y);
        luaL_addstring(b, " (");
        if (x->len == y->len && memcmp(x->key, y->key, x->len) == 0) {
            luaL_addlstring(b, x->key, x->len);
            luaL_addstring(b, " = ");
            luaL_addlstring(b, y->key, y->len);
        } else {
            /* different keys were compared with their dropped initials */
            char fx[NAMES_CMP_MAX], fy[NAMES_CMP_MAX];
            luaL_addlstring(b, fx, (size_t)parley_names_cmp_form(x, fx));
            luaL_addstring(b, " ~ ");
            luaL_addlstring(b, fy, (size_t)parley_names_cmp_form(y, fy));
        }
        luaL_addchar(b, ' ');
        add_num(b, d->sim[k]);
        if (d->soft[k]) {
            first = 0;
            luaL_addstring(b, ": ");
            first = 1;
            add_bits(b, d->soft[k], parley_names_soft_text, SOFT_COUNT, &first);
        }
        luaL_addchar(b, ')');
        rules |= x->rules | y->rules;
    }
    if (d->initial)
        luaL_addstring(b, "; a given name known only by its initial: no evidence, at most 0.90");
    if (d->capped)
        luaL_addstring(b, "; a surname of another root does not match on its own (held at 0.85)");
    if (d->extra)
        luaL_addstring(b, d->extra == 1 ? "; 1 word of the longer name unpaired"
                                        : "; words of the longer name unpaired");
    if (d->pairs == 1 && d->extra)
        luaL_addstring(b, " (only one part to compare)");
    if (d->patronymic >= 0) {
        luaL_addstring(b, "; patronymics ");
        luaL_addstring(b, d->pat_soft & SOFT_INITIAL ? "compatible by initial, no evidence ("
                          : d->pat_adj > 0 ? "agree (" : d->pat_adj < 0 ? "differ (" : "close (");
        add_num(b, d->patronymic);
        luaL_addchar(b, ')');
        if (d->pat_adj <= PAT_DIFFER + 1e-9 && !d->pat_gender_clash)
            luaL_addstring(b, d->pat_soft & SOFT_KNOWN ? ": another father (two different known names)"
                              : d->pat_soft & SOFT_NOINIT ? ": another father (the initial differs)"
                              : d->pat_soft & SOFT_ROOT ? ": another father (another root)"
                                                        : ": another father");
        else if (d->pat_adj == 0 && !(d->pat_soft & SOFT_INITIAL) && d->patronymic >= 0.8)
            luaL_addstring(b, ": a consonant apart, not counted as agreement");
        if (d->pat_gender_clash)
            luaL_addstring(b, ", son of against daughter of");
    } else if (d->pat_a != d->pat_b) {
        luaL_addstring(b, d->pat_a ? "; patronymic only in a" : "; patronymic only in b");
    }
    if (d->born_adj != 0 || d->cat_adj != 0) {
        luaL_addstring(b, "; evidence:");
        if (d->born_adj != 0) {
            luaL_addstring(b, d->born_adj > 0 ? " same year of birth" : " years of birth differ");
        }
        if (d->cat_adj != 0)
            luaL_addstring(b, d->cat_adj > 0 ? " same category" : " categories differ");
    }
    if (d->held > 0) {
        luaL_addstring(b, "; evidence in favour not counted (+");
        add_num(b, d->held);
        luaL_addstring(b, "): the names differ in a root, not in spelling");
    }
    if (rules & ~(unsigned)(R_TRUNC)) {
        luaL_addstring(b, "; key rules: ");
        first = 1;
        add_bits(b, rules & ~(unsigned)R_TRUNC, parley_names_rule_text, R_COUNT, &first);
    }
    if ((a->rules | rb->rules) & R_TRUNC || a->dropped || rb->dropped)
        luaL_addstring(b, "; long name: only its first words and letters compared");
}
