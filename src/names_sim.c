/* SPDX-License-Identifier: MIT */
/* String similarity: Jaro-Winkler and optimal string alignment distance on code points (the
 * textbook measures, exported as they are), and the weighted edit distance on folded keys that
 * the matcher uses, where the differences that transliteration produces cost less than the
 * ones that make another name. */
#include <stdint.h>
#include <string.h>
#include "names.h"

const char *const parley_names_soft_text[SOFT_COUNT] = {
    "h dropped", "h written g/kh", "a/e (ə)", "e/i", "o/u", "y/i dropped", "letters swapped",
    "letters differ", "ch/ts", "different suffix", "masculine against feminine form",
    "a vowel added, dropped or changed", "two or more consonants differ",
    "two different known given names", "known forms of one given name", "initial agrees (no evidence)",
    "initial differs", "io/e (ё)", "vowel restored by a Russian document",
    "one part of a two-part surname", "a consonant differs", "the first letter differs",
    "surnames built on two different known given names", "surnames built on one known given name",
};

/* Differences at the start of a word cost more: typing errors rarely hit the first letter,
 * while families one letter apart usually differ there (Nağıyev/Tağıyev, Ghazaryan/Nazaryan,
 * Aliyev/Valiyev, Sahakyan/Isahakyan). */
#define FIRST_EXTRA 0.3
/* ...for a full-cost substitution only: the 0.7 pairs (s/z, v/f ...) are what the German and
 * French systems write at the start of a word too (Sakirow for Закиров) */
#define FIRST_MIN 0.9

/* Jaro-Winkler as Winkler (1990) defines it: matches within max(|a|,|b|)/2 - 1, half the
 * out-of-order matches as transpositions, and the common prefix (up to 4) boost of 0.1 applied
 * when the Jaro similarity is above 0.7. work holds la + lb bytes. Two empty strings are equal
 * (1); one empty string against another is 0. */
/* Finishes Jaro-Winkler from the match count m and the half-transposition count. */
static double winkler(const int *a, int la, const int *b, int lb, int m, int t)
{
    double jaro;
    int prefix;
    if (m == 0)
        return 0.0;
    jaro = ((double)m / la + (double)m / lb + (double)(m - t / 2) / m) / 3.0;
    if (jaro <= 0.7)
        return jaro;
    for (prefix = 0; prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]; prefix++)
        ;
    return jaro + prefix * 0.1 * (1.0 - jaro);
}

/* The same for strings of at most 64 code points, bit-parallel: a small hash table gives, for
 * each code point of b, the mask of its positions, so that each letter of a finds its first
 * unmatched partner in the window with one AND and one count of trailing zeros instead of a
 * scan. The matches are the ones the scan finds (the first free position in the window). */
static double jaro_winkler_bits(const int *a, int la, const int *b, int lb, int range)
{
    int keys[128], i, m = 0, t = 0;
    uint64_t masks[128], all_b = lb == 64 ? ~0ull : ((1ull << lb) - 1), free_b = all_b;
    uint64_t matched_a = 0, mb;
    unsigned char taken[128];
    memset(taken, 0, sizeof taken);
    for (i = 0; i < lb; i++) {
        int h = b[i] & 127;
        while (taken[h] && keys[h] != b[i]) /* at most 64 distinct keys in 128 slots */
            h = (h + 1) & 127;
        if (!taken[h]) {
            taken[h] = 1;
            keys[h] = b[i];
            masks[h] = 0;
        }
        masks[h] |= 1ull << i;
    }
    for (i = 0; i < la; i++) {
        int h = a[i] & 127, lo = i > range ? i - range : 0, hi = i + range < lb - 1 ? i + range : lb - 1;
        int width = hi - lo + 1;
        uint64_t window, cand;
        while (taken[h] && keys[h] != a[i])
            h = (h + 1) & 127;
        if (!taken[h] || width <= 0)
            continue;
        window = width == 64 ? ~0ull : ((1ull << width) - 1) << lo;
        cand = masks[h] & window & free_b;
        if (cand) {
            free_b &= ~(cand & (~cand + 1)); /* the lowest: the first free match in the window */
            matched_a |= 1ull << i;
            m++;
        }
    }
    mb = all_b & ~free_b;
    for (i = 0; i < la; i++) {
        int k;
        if (!(matched_a >> i & 1))
            continue;
        k = __builtin_ctzll(mb);
        mb &= mb - 1;
        if (a[i] != b[k])
            t++;
    }
    return winkler(a, la, b, lb, m, t);
}

/* The bit-parallel form for two ASCII strings of at most 64 bytes, the common case of names
 * in Latin script: the table of position masks is indexed by the byte itself. Same matches and
 * value as the general forms. */
double parley_names_jaro_winkler_ascii(const unsigned char *a, int la, const unsigned char *b, int lb)
{
    uint64_t masks[128], all_b, free_b, matched_a = 0, mb;
    int range, i, m = 0, t = 0, prefix;
    double jaro;
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    range = (la > lb ? la : lb) / 2 - 1;
    if (range < 0)
        range = 0;
    for (i = 0; i < lb; i++)
        masks[b[i]] = 0;
    for (i = 0; i < la; i++)
        masks[a[i]] = 0;
    for (i = 0; i < lb; i++)
        masks[b[i]] |= 1ull << i;
    all_b = lb == 64 ? ~0ull : ((1ull << lb) - 1);
    free_b = all_b;
    for (i = 0; i < la; i++) {
        int lo = i > range ? i - range : 0, hi = i + range < lb - 1 ? i + range : lb - 1;
        int width = hi - lo + 1;
        uint64_t cand;
        if (width <= 0)
            continue;
        cand = masks[a[i]] & free_b & (width == 64 ? ~0ull : ((1ull << width) - 1) << lo);
        if (cand) {
            free_b &= ~(cand & (~cand + 1));
            matched_a |= 1ull << i;
            m++;
        }
    }
    if (m == 0)
        return 0.0;
    mb = all_b & ~free_b;
    for (i = 0; i < la; i++) {
        int k;
        if (!(matched_a >> i & 1))
            continue;
        k = __builtin_ctzll(mb);
        mb &= mb - 1;
        if (a[i] != b[k])
            t++;
    }
    jaro = ((double)m / la + (double)m / lb + (double)(m - t / 2) / m) / 3.0;
    if (jaro <= 0.7)
        return jaro;
    for (prefix = 0; prefix < 4 && prefix < la && prefix < lb && a[prefix] == b[prefix]; prefix++)
        ;
    return jaro + prefix * 0.1 * (1.0 - jaro);
}

double parley_names_jaro_winkler_w(const int *a, int la, const int *b, int lb, unsigned char *work)
{
    unsigned char *fa = work, *fb = work + la;
    int range, i, j, m = 0, t = 0, k;
    if (la == 0 && lb == 0)
        return 1.0;
    if (la == 0 || lb == 0)
        return 0.0;
    range = (la > lb ? la : lb) / 2 - 1;
    if (range < 0)
        range = 0;
    if (la <= 64 && lb <= 64)
        return jaro_winkler_bits(a, la, b, lb, range);
    memset(work, 0, (size_t)(la + lb));
    for (i = 0; i < la; i++) {
        int lo = i > range ? i - range : 0, hi = i + range < lb - 1 ? i + range : lb - 1;
        for (j = lo; j <= hi; j++)
            if (!fb[j] && a[i] == b[j]) {
                fa[i] = fb[j] = 1;
                m++;
                break;
            }
    }
    if (m == 0)
        return 0.0;
    for (i = 0, k = 0; i < la; i++) {
        if (!fa[i])
            continue;
        while (!fb[k])
            k++;
        if (a[i] != b[k])
            t++;
        k++;
    }
    return winkler(a, la, b, lb, m, t);
}

/* Optimal string alignment distance (restricted Damerau-Levenshtein): insertions, deletions,
 * substitutions and swaps of two adjacent code points, each costing 1, where no substring is
 * edited twice (so "ca"/"abc" is 3, not the unrestricted Damerau 2). work holds 3 * (lb + 1)
 * ints. */
int parley_names_osa(const int *a, int la, const int *b, int lb, int *work)
{
    int *r0 = work, *r1 = work + (lb + 1), *r2 = work + 2 * (lb + 1), *tmp;
    int i, j;
    for (j = 0; j <= lb; j++)
        r1[j] = j;
    for (i = 1; i <= la; i++) {
        r2[0] = i;
        for (j = 1; j <= lb; j++) {
            int cost = a[i - 1] != b[j - 1], v = r1[j - 1] + cost;
            if (r1[j] + 1 < v)
                v = r1[j] + 1;
            if (r2[j - 1] + 1 < v)
                v = r2[j - 1] + 1;
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] && r0[j - 2] + 1 < v)
                v = r0[j - 2] + 1;
            r2[j] = v;
        }
        tmp = r0, r0 = r1, r1 = r2, r2 = tmp;
    }
    return r1[lb];
}

/* ------------------------------------------------------ weighted distance */

static int pair_is(int x, int y, int p, int q)
{
    return (x == p && y == q) || (x == q && y == p);
}

/* A full vowel present in one name only makes another name (Khachatryan/Khachaturyan): no
 * transliteration in the brief inserts one, while typos do, so it costs more than a consonant. */
#define VOWEL_INDEL 1.5

static int vowel(int c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Letters the key keeps apart that transliteration still swaps, each with its cost and the
 * kind of variation an explanation names. The cheap pairs are the ones the key cannot merge
 * without merging names: h against g/kh (Russian has no h, but Mahmudov is not Mammadov), and
 * the vowels that transliteration moves (ə as a or e, unstressed e/i). The 0.7 pairs are
 * sibilants and fricatives written differently by each romanisation. */
static const struct {
    char x, y;
    unsigned soft;
    double cost;
} SUBSTITUTIONS[] = {
    {'h', 'k', SOFT_H_G, 0.3},      {'a', 'e', SOFT_A_E, 0.3},      {'e', 'i', SOFT_E_I, 0.4},
    {'o', 'u', SOFT_O_U, 0.5},      {'y', 'i', SOFT_I_DROP, 0.2},   {'y', 'c', SOFT_CH_TS, 0.3},
    {'c', 'q', SOFT_CH_TS, 0.5},    {'s', 'z', SOFT_EDIT, 0.7},     {'x', 's', SOFT_EDIT, 0.7},
    {'q', 's', SOFT_EDIT, 0.7},     {'q', 'z', SOFT_EDIT, 0.7},     {'v', 'f', SOFT_EDIT, 0.7},
    {'c', 'x', SOFT_EDIT, 0.7},     {'j', 'x', SOFT_EDIT, 0.7},     {'c', 'j', SOFT_EDIT, 0.7},
};

/* Cost of writing x where the other name has y. */
static double sub_cost(int x, int y, unsigned *soft)
{
    size_t k;
    if (x == y)
        return 0;
    for (k = 0; k < sizeof SUBSTITUTIONS / sizeof SUBSTITUTIONS[0]; k++) {
        if (pair_is(x, y, SUBSTITUTIONS[k].x, SUBSTITUTIONS[k].y)) {
            *soft = SUBSTITUTIONS[k].soft;
            return SUBSTITUTIONS[k].cost;
        }
    }
    *soft = SOFT_EDIT;
    if (vowel(x) && vowel(y)) {
        *soft = SOFT_EDIT | SOFT_VOWEL;
        return 0.9;
    }
    return 1.0;
}

/* Cost of a letter present in one name only: an initial h is often dropped (Hakob/Akop), a
 * y/i often (Sargsyan/Sarkisyan), a full vowel or consonant is a different name. */
static double indel_cost(const char *w, int len, int pos, int restored, unsigned *soft)
{
    int x = (unsigned char)w[pos];
    if (pos == 0 && len > 1 && vowel(x) && !vowel((unsigned char)w[1]) && w[1] != 'h' && w[1] != 'y') {
        /* a full vowel before the first consonant (Isahakyan/Sahakyan) is not a glide */
        *soft = SOFT_EDIT | SOFT_VOWEL | SOFT_FIRST;
        return VOWEL_INDEL;
    }
    if (restored && pos > 0 && pos + 1 < len && vowel(x) && x != 'i' && !vowel((unsigned char)w[pos - 1]) &&
        !vowel((unsigned char)w[pos + 1])) {
        *soft = SOFT_RESTORED;
        return 0.6;
    }
    if (x == 'h') {
        /* initial (Hakob/Akop) and between vowels (Sahak/Саак, Vahan/Ваан), but not before a
         * consonant, where Russian writes х (Mahmudov/Махмудов) */
        int between = pos > 0 && pos + 1 < len && vowel((unsigned char)w[pos - 1]) &&
                      vowel((unsigned char)w[pos + 1]);
        *soft = SOFT_H_DROP;
        return pos == 0 ? 0.3 : between ? 0.4 : 0.7;
    }
    if (x == 'i' || x == 'y') {
        *soft = SOFT_I_DROP;
        return 0.4;
    }
    *soft = vowel(x) ? SOFT_EDIT | SOFT_VOWEL : SOFT_EDIT;
    if (pos == 0 && !vowel(x)) {
        *soft |= SOFT_FIRST;
        return 1.0 + FIRST_EXTRA;
    }
    return vowel(x) ? VOWEL_INDEL : 1.0;
}

double parley_names_wdist(const char *a, int la, const char *b, int lb, unsigned *soft)
{
    return parley_names_wdist_r(a, la, b, lb, 0, 0, soft);
}

double parley_names_wdist_r(const char *a, int la, const char *b, int lb, int restored_a, int restored_b,
                            unsigned *soft)
{
    double d[NAMES_CMP_MAX + 1][NAMES_CMP_MAX + 1];
    unsigned s[NAMES_CMP_MAX + 1][NAMES_CMP_MAX + 1];
    /* consonant edits (a full-cost substitution, insertion or deletion) on the chosen path */
    unsigned char e[NAMES_CMP_MAX + 1][NAMES_CMP_MAX + 1];
    unsigned char ce_a[NAMES_CMP_MAX], ce_b[NAMES_CMP_MAX];
    double del_a[NAMES_CMP_MAX], del_b[NAMES_CMP_MAX];
    unsigned bit_a[NAMES_CMP_MAX], bit_b[NAMES_CMP_MAX];
    int i, j;
    if (la > NAMES_CMP_MAX)
        la = NAMES_CMP_MAX;
    if (lb > NAMES_CMP_MAX)
        lb = NAMES_CMP_MAX;
    /* the cost of dropping each letter depends only on its own word: computed once */
    for (i = 0; i < la; i++) {
        del_a[i] = indel_cost(a, la, i, restored_a, &bit_a[i]);
        ce_a[i] = (bit_a[i] & ~SOFT_FIRST) == SOFT_EDIT;
    }
    for (j = 0; j < lb; j++) {
        del_b[j] = indel_cost(b, lb, j, restored_b, &bit_b[j]);
        ce_b[j] = (bit_b[j] & ~SOFT_FIRST) == SOFT_EDIT;
    }
    d[0][0] = 0;
    s[0][0] = 0;
    e[0][0] = 0;
    for (i = 1; i <= la; i++) {
        d[i][0] = d[i - 1][0] + del_a[i - 1];
        s[i][0] = s[i - 1][0] | bit_a[i - 1];
        e[i][0] = (unsigned char)(e[i - 1][0] + ce_a[i - 1]);
    }
    for (j = 1; j <= lb; j++) {
        d[0][j] = d[0][j - 1] + del_b[j - 1];
        s[0][j] = s[0][j - 1] | bit_b[j - 1];
        e[0][j] = (unsigned char)(e[0][j - 1] + ce_b[j - 1]);
    }
    for (i = 1; i <= la; i++) {
        int x = (unsigned char)a[i - 1];
        for (j = 1; j <= lb; j++) {
            int y = (unsigned char)b[j - 1];
            unsigned sb = 0, m;
            int ne;
            double v, c;
            if (x == y) {
                v = d[i - 1][j - 1];
                m = s[i - 1][j - 1];
                ne = e[i - 1][j - 1];
            } else {
                double sc = sub_cost(x, y, &sb);
                if (i == 1 && j == 1 && sc >= FIRST_MIN)
                    sc += FIRST_EXTRA, sb |= SOFT_FIRST;
                v = d[i - 1][j - 1] + sc;
                m = s[i - 1][j - 1] | sb;
                ne = e[i - 1][j - 1] + ((sb & ~SOFT_FIRST) == SOFT_EDIT && sc >= 1.0);
            }
            c = d[i - 1][j] + del_a[i - 1];
            if (c < v)
                v = c, m = s[i - 1][j] | bit_a[i - 1], ne = e[i - 1][j] + ce_a[i - 1];
            c = d[i][j - 1] + del_b[j - 1];
            if (c < v)
                v = c, m = s[i][j - 1] | bit_b[j - 1], ne = e[i][j - 1] + ce_b[j - 1];
            /* ё: io in one spelling, e in the other (Fyodorov/Fedorov, Semjonow/Semenov) */
            if (i > 1 && x == 'o' && a[i - 2] == 'i' && y == 'e') {
                c = d[i - 2][j - 1] + 0.4;
                if (c < v)
                    v = c, m = s[i - 2][j - 1] | SOFT_YO, ne = e[i - 2][j - 1];
            }
            if (j > 1 && y == 'o' && b[j - 2] == 'i' && x == 'e') {
                c = d[i - 1][j - 2] + 0.4;
                if (c < v)
                    v = c, m = s[i - 1][j - 2] | SOFT_YO, ne = e[i - 1][j - 2];
            }
            if (i > 1 && j > 1 && x != y && x == (unsigned char)b[j - 2] && (unsigned char)a[i - 2] == y) {
                c = d[i - 2][j - 2] + 0.6;
                if (c < v)
                    v = c, m = s[i - 2][j - 2] | SOFT_TRANS, ne = e[i - 2][j - 2];
            }
            d[i][j] = v;
            s[i][j] = m;
            e[i][j] = (unsigned char)(ne > 2 ? 2 : ne);
        }
    }
    *soft = s[la][lb] | (e[la][lb] >= 2 ? SOFT_CONS2 : e[la][lb] == 1 ? SOFT_CONS : 0);
    return d[la][lb];
}

int parley_names_cmp_form(const NameWord *w, char *out)
{
    int n = 0;
    if (w->init)
        out[n++] = w->init;
    memcpy(out + n, w->key, w->len);
    return n + w->len;
}

static int surname_class(int suf)
{
    return suf == SUF_OV || suf == SUF_OVA || suf == SUF_IAN || suf == SUF_ZADE || suf == SUF_LI ||
           suf == SUF_DZE || suf == SUF_SHVILI;
}

/* Whether initial i can stand for word w: its letter is w's first letter, or one the systems
 * write for it (h/g: Г. for Hayk; e/i: Е. is ye; an initial j for y: Ю. Jurij). */
static int initial_fits(const NameWord *i, const NameWord *w)
{
    char fi[NAMES_CMP_MAX], fw[NAMES_CMP_MAX];
    unsigned soft = 0;
    int x, y;
    parley_names_cmp_form(i, fi);
    if (parley_names_cmp_form(w, fw) == 0)
        return 0;
    x = (unsigned char)fi[0];
    y = (unsigned char)fw[0];
    if (x == y || ((i->rules | w->rules) & R_JINIT && (x == 'c' || y == 'c') && (x == 'i' || y == 'i')))
        return 1;
    /* Д. or D. for a name in dzh (Джавид, Dzhavid, Cavid) */
    if (x == 't' && y == 'c')
        return 1;
    /* a known name: any letter one of its spellings begins with (О. for Hovhannes, from
     * Оганес; А. for Hakob, from Акоп) */
    if (w->given >= 0 && parley_names_given_initial(w->given, x))
        return 1;
    return sub_cost(x, y, &soft) <= 0.4;
}

/* Whether two initials can stand for one name: the same letter (A. is not E., though Armen
 * may be written with either's neighbour), or the letters Russian writes for another script's:
 * Д. for J. or C. (дж: Джавид, Javid, Cavid), and a Cyrillic vowel or Г. for a Latin H.
 * (Оганес, Акоп, Айк, Грант for Hovhannes, Hakob, Hayk, Hrant: Russian has no h). */
static int initials_fit(const NameWord *a, const NameWord *b)
{
    int x, y;
    const NameWord *lat = NULL, *cyr = NULL;
    if (a->len == b->len && memcmp(a->key, b->key, a->len) == 0 && a->init == b->init)
        return 1;
    if (a->len != 1 || b->len != 1)
        return 0;
    if ((a->rules & R_CYRILLIC) && !(b->rules & R_CYRILLIC))
        cyr = a, lat = b;
    else if ((b->rules & R_CYRILLIC) && !(a->rules & R_CYRILLIC))
        cyr = b, lat = a;
    if (!lat)
        return 0;
    x = (unsigned char)cyr->key[0];
    y = (unsigned char)lat->key[0];
    return (x == 't' && y == 'c') || (y == 'h' && (vowel(x) || x == 'k'));
}

static double letters_sim(const NameWord *a, const NameWord *b, unsigned *soft)
{
    /* different keys are compared with the initial h/k the key dropped (Karimov/Rahimov
     * are k-arimov against rahimov, not arimov against rahimov) */
    char fa[NAMES_CMP_MAX], fb[NAMES_CMP_MAX];
    int na = parley_names_cmp_form(a, fa), nb = parley_names_cmp_form(b, fb);
    int longer = na > nb ? na : nb;
    /* a vowel only the Cyrillic form of an Armenian surname has is the one Russian documents
     * restore (Галустян/Galstyan, Саркисян/Sargsyan) */
    int arm = a->suffix == SUF_IAN && b->suffix == SUF_IAN;
    int cyr_a = arm && (a->rules & R_CYRILLIC) && !(b->rules & R_CYRILLIC);
    int cyr_b = arm && (b->rules & R_CYRILLIC) && !(a->rules & R_CYRILLIC);
    double sim = 1.0 - parley_names_wdist_r(fa, na, fb, nb, cyr_a, cyr_b, soft) / longer;
    /* an initial j is dzh in English and Azerbaijani spellings and y in the scholarly, ISO-R9
     * and German ones (Jurij, Jakovlev): compared both ways */
    if ((a->rules | b->rules) & R_JINIT) {
        unsigned soft2 = 0;
        double alt;
        if ((a->rules & R_JINIT) && fa[0] == 'c')
            fa[0] = 'i';
        if ((b->rules & R_JINIT) && fb[0] == 'c')
            fb[0] = 'i';
        alt = 1.0 - parley_names_wdist_r(fa, na, fb, nb, cyr_a, cyr_b, &soft2) / longer;
        if (alt > sim)
            sim = alt, *soft = soft2;
    }
    return sim;
}

/* A two-part surname (Ivanova-Orlova) against a word that is one of its parts: a partial match
 * that the evidence may confirm, never a full one. */
#define PART_SIM 0.84

static double part_sim(const NameWord *whole, const NameWord *other, unsigned *soft)
{
    NameWord p;
    double best = 0, sim;
    int k;
    if (whole->split == 0 || whole->split >= whole->len || whole->len > NAMES_KEY_MAX)
        return 0; /* not two parts */
    for (k = 0; k < 2; k++) {
        unsigned sp = 0;
        memset(&p, 0, sizeof p);
        if (k == 0) {
            p.len = whole->split;
            memcpy(p.key, whole->key, p.len);
            p.init = whole->init;
        } else {
            p.len = (unsigned char)(whole->len - whole->split);
            memcpy(p.key, whole->key + whole->split, p.len);
        }
        p.rules = whole->rules & ~(unsigned)R_JINIT;
        p.suffix = (unsigned char)parley_names_suffix(p.key, p.len);
        sim = parley_names_word_sim(&p, other, &sp);
        if (sim > best) {
            best = sim;
            *soft = sp;
        }
    }
    return best * PART_SIM;
}

/* The root of a surname: its key without the surname ending of its suffix class (Nasirov ->
 * nasir, Safaryan -> safar, Hasanli -> hasan, Alizade -> ali, Davitashvili -> davita); its
 * length, 0 when the word has no such ending or the root is shorter than three letters. */
static int surname_root(const NameWord *w, char *out)
{
    int cut = w->suffix == SUF_OV || w->suffix == SUF_LI || w->suffix == SUF_DZE ? 2
              : w->suffix == SUF_IAN ? (w->len > 4 && w->key[w->len - 1] == 'q' ? 4 : 3)
              : w->suffix == SUF_ZADE ? 4
              : w->suffix == SUF_SHVILI ? 5
                                       : 0;
    int n = w->len - cut;
    if (cut == 0 || n < 3)
        return 0;
    memcpy(out, w->key, (size_t)n);
    out[n] = '\0';
    return n;
}

/* The known given name a surname is built on (names_given.c), or -1: most surnames of these
 * nations are a forefather's given name with an ending (Nəsirov from Nəsir, Safaryan from
 * Safar); Georgian -dze and -shvili join it with a vowel (Davitashvili, Giorgadze). */
static int surname_given(const NameWord *w)
{
    char root[NAMES_KEY_MAX + 1];
    int n = surname_root(w, root), g;
    if (n == 0)
        return -1;
    g = parley_names_given(root, n);
    if (g < 0 && (w->suffix == SUF_DZE || w->suffix == SUF_SHVILI) && n > 3 && strchr("aie", root[n - 1]))
        g = parley_names_given(root, n - 1);
    return g;
}

/* Similarity of two words: 1 - weighted distance / longer length, then the suffix rule: a
 * masculine surname against its feminine form, or two different surname endings on one root
 * (Aliyev/Alizade, Hasanov/Hasanli), are different names however close the letters; then the
 * known given names (names_given.c): two spellings of one known name are one name, two
 * different known names two, however close. An initial is compatible with a name or not. */
double parley_names_word_sim(const NameWord *a, const NameWord *b, unsigned *soft)
{
    int longer = a->len > b->len ? a->len : b->len;
    double sim;
    int sa = a->suffix, sb = b->suffix;
    if (longer == 0)
        return 0;
    if (a->len == b->len && memcmp(a->key, b->key, a->len) == 0 && !((a->rules | b->rules) & R_INITIAL)) {
        *soft = 0; /* namesakes are most of what link compares */
        return 1.0;
    }
    if ((a->rules | b->rules) & R_INITIAL) {
        int ia = (a->rules & R_INITIAL) != 0, ib = (b->rules & R_INITIAL) != 0;
        /* two initials: the same letter (A. is not E., though Armen may be written with
         * either's neighbour) */
        int fits = ia && ib ? initials_fit(a, b) : ia ? initial_fits(a, b) : initial_fits(b, a);
        *soft = fits ? SOFT_INITIAL : SOFT_NOINIT;
        return fits ? 1.0 : 0.0;
    }
    sim = letters_sim(a, b, soft);
    if (sim < 0)
        sim = 0;
    if (sa != sb) {
        if ((sa == SUF_OV && sb == SUF_OVA) || (sa == SUF_OVA && sb == SUF_OV) ||
            (sa == SUF_VICH && sb == SUF_VNA) || (sa == SUF_VNA && sb == SUF_VICH)) {
            sim *= 0.6;
            *soft |= SOFT_FEM;
        } else if (surname_class(sa) && surname_class(sb)) {
            sim *= 0.7;
            *soft |= SOFT_SUFFIX;
        }
    }
    /* Two surnames with one ending whose roots are two different known given names are two
     * families however close the letters (Nəsirov/Nəzirov, Bayramov/Bəhramov, Safaryan/
     * Zafaryan, Ваанян/Vaagnyan): held at 0.85, where a typing error in an unknown root is
     * still a typo. An h written g or kh alone is not such a difference (Zahirov/Захиров: the
     * fold reads х as k, Zakir's letter). Two spellings of one known name are one family
     * (Hovsepyan/Осипян). */
    if (sa == sb && surname_class(sa) && (*soft & ~(unsigned)(SOFT_H_G | SOFT_H_DROP))) {
        int ra = surname_given(a), rb = ra >= 0 ? surname_given(b) : -1;
        if (ra >= 0 && rb >= 0) {
            if (ra != rb) {
                if (sim > SURNAME_APART)
                    sim = SURNAME_APART;
                *soft |= SOFT_ROOTNAME;
            } else {
                if (sim < 0.96)
                    sim = 0.96;
                /* the spelling differences stay named; none of them is another root */
                *soft = (*soft & ~(unsigned)(SOFT_ROOT | SOFT_EDIT | SOFT_CONS | SOFT_FIRST)) | SOFT_ROOTSAME;
            }
        }
    }
    if (a->given >= 0 && b->given >= 0) {
        if (a->given == b->given) {
            if (sim < 0.96)
                sim = 0.96;
            *soft = SOFT_SAME;
        } else {
            if (sim > 0.7)
                sim = 0.7;
            *soft |= SOFT_KNOWN;
        }
    }
    if ((a->split && !b->split) || (b->split && !a->split)) {
        unsigned sp = 0;
        double part = a->split ? part_sim(a, b, &sp) : part_sim(b, a, &sp);
        if (part > sim) {
            sim = part;
            *soft = sp | SOFT_PART;
        }
    }
    return sim;
}
