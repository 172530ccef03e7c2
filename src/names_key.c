/* SPDX-License-Identifier: MIT */
/* The script-independent key of a name.
 *
 * A name is read one code point at a time (utf8proc validates the UTF-8 and gives each code
 * point case-folded and canonically decomposed, so a letter and its diacritics arrive as base +
 * combining marks whether the text was NFC or NFD). Words are cut at anything that is not a
 * letter, mark or digit; apostrophes and hyphens join (Ter-Petrosyan, Ali-zade, Khachʻatryan).
 *
 * Each word is then transliterated to a Latin string (translit_word) and folded to its key
 * (fold_word): one byte per sound class, so that the spellings the brief lists collapse and the
 * differences that carry identity survive. Transliteration writes unambiguous sounds as
 * upper-case placeholders (S = sh, C = ch, J = dzh, X = kh, G = gh, Z = zh, T = ts, D = dz,
 * A = ə, I = ı/ы) and leaves ambiguous Latin letters (c, j, x, q, y) for the fold to read in
 * context. docs/names.md has the tables.
 *
 * Nothing here allocates: words are read into fixed arrays on the C stack, and a word longer
 * than WORD_CPS code points is cut (the rest of the word is skipped, R_TRUNC records it). */
#include <string.h>
#include <utf8proc.h>
#include "names.h"

#define WORD_CPS 128            /* code points of one word kept */
#define LATIN_MAX (WORD_CPS * 4) /* bytes of its transliteration */

const char *const parley_names_rule_text[R_COUNT] = {
    "Armenian script transliterated",
    "Cyrillic transliterated",
    "Azerbaijani/Turkish letters read",
    "diacritics dropped",
    "g/k/q/kh/x/gh as one sound",
    "voiced/voiceless pairs merged (b/p d/t g/k, Western Armenian)",
    "ch/j/c/dzh as one sound (t/d before ch too)",
    "y/i/j as one vowel",
    "initial ye- as e-",
    "Russian-mediated Hovh-/Ovan-/Ogan-",
    "doubled letters single",
    "ou as u",
    "sh/zh/ts/dz digraphs",
    "word cut",
    "initial h/g/k/kh before a vowel dropped (Hüseynov/Гусейнов, Hakob/Акоп)",
    "Georgian script transliterated (national system 2002)",
    "letters of the other script read by the word's script (homoglyphs)",
    "ё after a consonant as io (yo/io/jo/ë/e)",
    "Russian doubled vowel as the dropped h (Саак/Sahak)",
    "-ev after ch/dzh/sh/ts as -ov (Оруджев/Orujov)",
    "initial j read as dzh and as y (Jafarov, Jurij)",
    "Ter-/Der-/Melik- prefix joined to its surname",
    "two-part surname",
    "initial",
    "German/scholarly system read (ch as kh, German z as ts, ds as dz)",
};

/* ------------------------------------------------------------ reading words */

static int is_mark(int cp)
{
    utf8proc_category_t c = utf8proc_category(cp);
    return c == UTF8PROC_CATEGORY_MN || c == UTF8PROC_CATEGORY_MC || c == UTF8PROC_CATEGORY_ME;
}

/* Apostrophes and modifier letters used by romanisations for aspiration or as separators:
 * they stay inside the word (the transliteration reads c + ʿ as ts) and are then dropped. */
static int is_apostrophe(int cp)
{
    switch (cp) {
    case '\'': case '`': case 0x00B4: case 0x2018: case 0x2019: case 0x02B9: case 0x02BA:
    case 0x02BB: case 0x02BC: case 0x02BD: case 0x02BE: case 0x02BF: case 0x055A: case 0x055B:
    case 0x055F:
        return 1;
    default:
        return 0;
    }
}

static int is_joiner(int cp)
{
    return cp == '-' || cp == 0x2010 || cp == 0x2011 || cp == 0x058A || cp == 0x00AD;
}

static int is_word_cp(int cp)
{
    utf8proc_category_t c;
    if (cp < 0x80)
        return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z') || (cp >= '0' && cp <= '9') ||
               cp == '\'' || cp == '`' || cp == '-';
    if (is_apostrophe(cp) || is_joiner(cp))
        return 1;
    c = utf8proc_category(cp);
    return (c >= UTF8PROC_CATEGORY_LU && c <= UTF8PROC_CATEGORY_NO);
}

/* One word as case-folded, decomposed code points. */
typedef struct Word {
    int cp[WORD_CPS];
    int n;
    int cut;       /* more code points than WORD_CPS */
    int joiner;    /* index in cp of the last hyphen inside the word, or -1 */
    int script;    /* the script of the whole text: 1 Cyrillic, -1 Latin, 0 neither (homoglyphs) */
    unsigned sys;  /* SYS_* read from the whole text */
    int letters;   /* letters read (not marks, apostrophes or hyphens) */
    size_t src;    /* byte offset of the first code point */
    size_t srcend; /* byte offset after the last */
} Word;

typedef struct Reader {
    const unsigned char *s;
    size_t len, pos;
    size_t bad; /* offset of invalid UTF-8 */
    int script; /* text_script of the whole text */
    unsigned sys; /* text_system of the whole text */
} Reader;

/* Romanisations of Russian that a name shows by its letters, for the letters they read
 * otherwise: German (w, sch anywhere in the name) writes х as ch and ц as z (Sacharow,
 * Chodschajew, Kusnezow); the scholarly system and ISO-R9 (č š ž) write х as ch (Zacharov). */
enum { SYS_CH_KH = 1, SYS_Z_TS = 2 };

/* Decodes the next code point at r->pos; returns 1 and advances, 0 at the end, -1 on invalid
 * UTF-8 (surrogates and overlong forms included: utf8proc_iterate rejects them). */
static int next_cp(Reader *r, int *cp)
{
    utf8proc_int32_t c;
    utf8proc_ssize_t k;
    if (r->pos >= r->len)
        return 0;
    k = utf8proc_iterate(r->s + r->pos, (utf8proc_ssize_t)(r->len - r->pos), &c);
    if (k <= 0 || c < 0) {
        r->bad = r->pos;
        return -1;
    }
    r->pos += (size_t)k;
    *cp = c;
    return 1;
}

static int homoglyph(int cp, int col);

/* The script of a text by its letters that have no lookalike in the other script: 1 Cyrillic,
 * -1 Latin, 0 neither or as many of each. Invalid UTF-8 ends the count (the reader reports it). */
static unsigned text_system(const unsigned char *s, size_t len)
{
    size_t pos;
    unsigned sys = 0;
    for (pos = 0; pos < len; pos++) {
        int c = s[pos] | 0x20;
        if (c == 'w' || (c == 's' && pos + 2 < len && (s[pos + 1] | 0x20) == 'c' && (s[pos + 2] | 0x20) == 'h'))
            sys |= SYS_CH_KH | SYS_Z_TS;
        /* č š ž precomposed (U+010C..U+010D, U+0160..U+0161, U+017D..U+017E) or with a
         * combining caron (U+030C) */
        if (pos + 1 < len && ((s[pos] == 0xC4 && (s[pos + 1] == 0x8C || s[pos + 1] == 0x8D)) ||
                              (s[pos] == 0xC5 && (s[pos + 1] == 0xA0 || s[pos + 1] == 0xA1 ||
                                                  s[pos + 1] == 0xBD || s[pos + 1] == 0xBE)) ||
                              (s[pos] == 0xCC && s[pos + 1] == 0x8C)))
            sys |= SYS_CH_KH;
    }
    return sys;
}

static int text_script(const unsigned char *s, size_t len)
{
    size_t pos = 0;
    int lat = 0, cyr = 0;
    while (pos < len) {
        utf8proc_int32_t c;
        utf8proc_ssize_t k = utf8proc_iterate(s + pos, (utf8proc_ssize_t)(len - pos), &c);
        if (k <= 0 || c < 0)
            break;
        pos += (size_t)k;
        if (c >= 'A' && c <= 'Z')
            c += 32;
        if (c >= 0x410 && c <= 0x42F)
            c += 32;
        if (c >= 'a' && c <= 'z')
            lat += homoglyph(c, 0) < 0;
        else if (c >= 0x400 && c <= 0x4FF)
            cyr += homoglyph(c, 1) < 0;
    }
    return cyr > lat ? 1 : lat > cyr ? -1 : 0;
}

/* Reads the next word into w: 1 when there is one, 0 at the end, -1 on invalid UTF-8. */
static int next_word(Reader *r, Word *w)
{
    int cp, rc;
    size_t at;
    w->n = 0;
    w->cut = 0;
    w->joiner = -1;
    w->letters = 0;
    w->script = r->script;
    w->sys = r->sys;
    for (;;) {
        at = r->pos;
        rc = next_cp(r, &cp);
        if (rc <= 0)
            return rc;
        if (is_word_cp(cp))
            break;
    }
    w->src = at;
    for (;;) {
        utf8proc_int32_t dst[8];
        utf8proc_ssize_t k, i;
        int bound = 0;
        k = utf8proc_decompose_char(cp, dst, 8,
                                    UTF8PROC_DECOMPOSE | UTF8PROC_CASEFOLD | UTF8PROC_IGNORE, &bound);
        for (i = 0; i < k && i < 8; i++) {
            if (w->n < WORD_CPS) {
                if (is_joiner(dst[i]))
                    w->joiner = w->n;
                else if (!is_mark(dst[i]) && !is_apostrophe(dst[i]))
                    w->letters++;
                w->cp[w->n++] = dst[i];
            } else
                w->cut = 1;
        }
        w->srcend = r->pos;
        at = r->pos;
        rc = next_cp(r, &cp);
        if (rc < 0)
            return -1;
        if (rc == 0)
            return 1;
        if (!is_word_cp(cp) && !is_mark(cp)) {
            r->pos = at; /* leave the separator for the next call */
            return 1;
        }
    }
}

/* --------------------------------------------------------- transliteration */

/* Armenian small letters U+0561..U+0586 with Eastern values (Western readings reach the same
 * key because the fold merges voiced and voiceless pairs). Upper-case letters are the
 * placeholders described at the top of this file. */
static const char *const armenian[0x587 - 0x561] = {
    "a", "b", "g", "d", "e", "z", "e", "I", "t", "Z",  /* ա բ գ դ ե զ է ը թ ժ */
    "i", "l", "X", "T", "k", "h", "D", "G", "C", "m",  /* ի լ խ ծ կ հ ձ ղ ճ մ */
    "y", "n", "S", "o", "C", "p", "J", "r", "s", "v",  /* յ ն շ ո չ պ ջ ռ ս վ */
    "t", "r", "T", "v", "p", "k", "o", "f",            /* տ ր ց ւ փ ք օ ֆ */
};

/* Russian letters U+0430..U+044F (е and ё are handled in context). */
static const char *const cyrillic[32] = {
    "a", "b", "v", "g", "d", "e", "Z", "z", "i", "y", "k", "l", "m", "n", "o", "p",  /* а..п */
    "r", "s", "t", "u", "f", "X", "T", "C", "S", "SC", "", "I", "", "e", "yu", "ya", /* р..я */
};

/* Georgian Mkhedruli U+10D0..U+10F0 by the national system of 2002 (BGN/PCGN 2009): the
 * ejectives (კ პ ტ ყ წ ჭ) are written k' p' t' q' ts' ch' there and k p t q ts ch by the 1981
 * system and in ID cards, and apostrophes are dropped anyway, so ejective and aspirate share a
 * letter; Russian forms (Беридзе, Кварацхелия) reach the same letters. Mtavruli capitals fold to
 * these by case folding. */
static const char *const georgian[0x10F1 - 0x10D0] = {
    "a", "b", "g", "d", "e", "v", "z", "t", "i", "k", "l", "m", "n", "o", "p", "Z", /* ა..ჟ */
    "r", "s", "t", "u", "p", "k", "G", "q", "S", "C", "T", "D", "T", "C", "X", "J", /* რ..ჯ */
    "h",                                                                         /* ჰ */
};

/* Letters that look alike in Latin and Cyrillic (after case folding: Latin H is h, Cyrillic Н
 * is н). A word typed with both scripts (a Latin H or P in a Cyrillic word, a Cyrillic а in a
 * Latin one) is read in the script of its other letters. */
static const int HOMOGLYPHS[][2] = {
    {'a', 0x430}, {'b', 0x432}, {'c', 0x441}, {'e', 0x435}, {'h', 0x43D}, {'k', 0x43A},
    {'m', 0x43C}, {'o', 0x43E}, {'p', 0x440}, {'t', 0x442}, {'x', 0x445}, {'y', 0x443},
    {'i', 0x456}, {'j', 0x458}, {'s', 0x455},
};
#define N_HOMOGLYPHS (int)(sizeof HOMOGLYPHS / sizeof HOMOGLYPHS[0])

static int homoglyph(int cp, int col)
{
    int k;
    for (k = 0; k < N_HOMOGLYPHS; k++)
        if (HOMOGLYPHS[k][col] == cp)
            return k;
    return -1;
}

/* Rewrites the letters of the minority script of a mixed Latin/Cyrillic word that have a
 * lookalike in the majority script, the script of the letters that have none (or, when all
 * letters have a lookalike, the more frequent script). Returns 1 when it changed something. */
static int read_homoglyphs(int *cp, int n, int script)
{
    int i, lat = 0, cyr = 0, lat_own = 0, cyr_own = 0, to_cyr, changed = 0;
    for (i = 0; i < n; i++) {
        int c = cp[i];
        if (c >= 'a' && c <= 'z') {
            lat++;
            lat_own += homoglyph(c, 0) < 0;
        } else if (c >= 0x400 && c <= 0x4FF) {
            cyr++;
            cyr_own += homoglyph(c, 1) < 0;
        }
    }
    if (lat + cyr == 0)
        return 0;
    if (lat == 0 || cyr == 0) {
        /* a word of lookalikes only, in a name written in the other script (Apam in
         * Петросян Apam): read in the script of the name */
        if (lat_own + cyr_own > 0 || script == 0 || (script > 0) == (cyr > 0))
            return 0;
        to_cyr = script > 0;
    } else if (cyr_own != lat_own) {
        to_cyr = cyr_own > lat_own;
    } else {
        to_cyr = script != 0 ? script > 0 : cyr >= lat;
    }
    for (i = 0; i < n; i++) {
        int k = homoglyph(cp[i], to_cyr ? 0 : 1);
        if (k >= 0 && (to_cyr ? cp[i] < 0x80 : cp[i] >= 0x400)) {
            cp[i] = HOMOGLYPHS[k][to_cyr ? 1 : 0];
            changed = 1;
        }
    }
    return changed;
}

static int is_cyr_vowel(int cp)
{
    return cp == 0x430 || cp == 0x435 || cp == 0x451 || cp == 0x438 || cp == 0x43E || cp == 0x443 ||
           cp == 0x44B || cp == 0x44D || cp == 0x44E || cp == 0x44F || cp == 0x4D9 || cp == 0x4E9 ||
           cp == 0x4AF || cp == 0x456 || cp == 0x454;
}

typedef struct Out {
    char *p;
    int n, cap;
} Out;

static void put(Out *o, const char *s)
{
    while (*s && o->n < o->cap)
        o->p[o->n++] = *s++;
}

static void putc_(Out *o, int c)
{
    if (o->n < o->cap)
        o->p[o->n++] = (char)c;
}

/* Adds a code point this module has no reading for as its UTF-8 bytes, so that names in other
 * scripts still compare equal to themselves and different from each other. */
static void put_raw(Out *o, int cp)
{
    utf8proc_uint8_t buf[4];
    utf8proc_ssize_t k = utf8proc_encode_char(cp, buf), i;
    for (i = 0; i < k; i++)
        putc_(o, buf[i]);
}

/* A Latin base letter followed by combining marks: the marks that make a different sound in
 * Azerbaijani, Turkish and the romanisations (ş ç ğ š č ž ǰ) give a placeholder; the others
 * (ö ü ä é ē ṙ, the dot of İ) are dropped. Returns how many marks it consumed. */
static int latin_with_marks(Out *o, const int *cp, int n, int i, unsigned *rules)
{
    int base = cp[i], j = i + 1, cedilla = 0, caron = 0, breve = 0, other = 0;
    while (j < n && is_mark(cp[j])) {
        if (cp[j] == 0x327 || cp[j] == 0x326)
            cedilla = 1;
        else if (cp[j] == 0x30C)
            caron = 1;
        else if (cp[j] == 0x306)
            breve = 1;
        else if (cp[j] == 0x301 && (base == 'c' || base == 's' || base == 'z'))
            caron = 1; /* Polish ć ś ź read like č š ž */
        else
            other = 1;
        j++;
    }
    if ((cedilla || caron) && base == 's') {
        putc_(o, 'S');
        *rules |= R_AZLATIN;
    } else if ((cedilla || caron) && base == 'c') {
        putc_(o, 'C');
        *rules |= R_AZLATIN;
    } else if (caron && base == 'z') {
        putc_(o, 'Z');
        *rules |= R_MARKS;
    } else if (caron && base == 'j') {
        putc_(o, 'J');
        *rules |= R_MARKS;
    } else if ((breve || caron) && base == 'g') {
        putc_(o, 'G');
        *rules |= R_AZLATIN;
    } else if (j == i + 2 && cp[i + 1] == 0x302 && (base == 'a' || base == 'u')) {
        /* ISO 9 writes я as â and ю as û */
        putc_(o, 'y');
        putc_(o, base);
        *rules |= R_MARKS;
    } else {
        putc_(o, base);
        if (j > i + 1 && (base == 'o' || base == 'u') && !other)
            *rules |= R_AZLATIN; /* ö ü */
        else if (j > i + 1 && !(base == 'i' && cp[i + 1] == 0x307))
            *rules |= R_MARKS;
    }
    return j - i - 1;
}

/* Transliterates one word to Latin (see the top of this file for the placeholders). */
static int translit_word(const Word *w, char *buf, unsigned *rules)
{
    Out o;
    int i, n = w->n, fixed[WORD_CPS];
    const int *cp = w->cp;
    memcpy(fixed, w->cp, sizeof(int) * (size_t)n);
    if (read_homoglyphs(fixed, n, w->script)) {
        cp = fixed;
        *rules |= R_HOMOGLYPH;
    }
    o.p = buf;
    o.n = 0;
    o.cap = LATIN_MAX;
    for (i = 0; i < n; i++) {
        int c = cp[i], prev = i > 0 ? cp[i - 1] : 0, next = i + 1 < n ? cp[i + 1] : 0;
        int initial = (o.n == 0);
        if (c < 0x80) {
            if (c >= 'A' && c <= 'Z')
                c += 'a' - 'A';
            if (c >= 'a' && c <= 'z')
                i += latin_with_marks(&o, cp, n, i, rules);
            else if (c >= '0' && c <= '9')
                putc_(&o, c);
            else if ((c == '\'' || c == '`') && o.n > 0 && o.p[o.n - 1] == 'c')
                o.p[o.n - 1] = 'T'; /* ISO 9985 cʿ is ց (ts) */
            /* other ASCII (apostrophes, hyphens) joins */
        } else if (c >= 0x561 && c <= 0x586) {
            *rules |= R_ARMENIAN;
            if (c == 0x565 && initial) /* ե: ye at the start of a word */
                put(&o, "ye");
            else if (c == 0x578 && next == 0x582) { /* ու is u */
                putc_(&o, 'u');
                i++;
            } else if (c == 0x578 && initial) /* ո: vo at the start of a word */
                put(&o, "vo");
            else
                put(&o, armenian[c - 0x561]);
        } else if (c == 0x587) {
            *rules |= R_ARMENIAN;
            put(&o, initial ? "yev" : "ev");
        } else if (c >= 0x430 && c <= 0x44F) {
            *rules |= R_CYRILLIC;
            if (c == 0x435 || c == 0x451 || (c == 0x438 && next == 0x306)) {
                int after_vowel = initial || is_cyr_vowel(prev) || prev == 0x44A || prev == 0x44C;
                if (c == 0x438) { /* и + breve, й decomposed */
                    putc_(&o, 'y');
                    i++;
                } else if (next == 0x308 || c == 0x451) { /* ё */
                    /* io after a consonant: the yo/io/jo of Latin systems fold to it, and the
                     * e of ICAO and of Russian written without ё is cheap against it */
                    put(&o, after_vowel ? "yo" : "io");
                    if (!after_vowel)
                        *rules |= R_YO;
                    if (next == 0x308)
                        i++;
                } else {
                    put(&o, after_vowel ? "ye" : "e");
                }
            } else if (next == c && (c == 0x430 || c == 0x43E || c == 0x443)) {
                /* Russian drops Armenian h between vowels and writes the vowels twice
                 * (Саак, Ваагн, Саакян): read as the h the other spellings keep */
                put(&o, cyrillic[c - 0x430]);
                putc_(&o, 'h');
                *rules |= R_CYR_H;
            } else {
                put(&o, cyrillic[c - 0x430]);
            }
        } else if (c >= 0x10D0 && c <= 0x10F0) {
            *rules |= R_GEORGIAN;
            put(&o, georgian[c - 0x10D0]);
        } else if (c >= 0x400 && c <= 0x4FF) {
            *rules |= R_CYRILLIC;
            switch (c) {
            case 0x4D9: putc_(&o, 'A'); break;            /* ә */
            case 0x493: putc_(&o, 'G'); break;            /* ғ */
            case 0x49D: case 0x49B: putc_(&o, 'k'); break; /* ҝ қ */
            case 0x4B9: case 0x4B7: putc_(&o, 'J'); break; /* ҹ ҷ */
            case 0x4BB: putc_(&o, 'h'); break;            /* һ */
            case 0x4E9: putc_(&o, 'o'); break;            /* ө */
            case 0x4AF: case 0x4B1: case 0x45E: putc_(&o, 'u'); break; /* ү ұ ў */
            case 0x458: putc_(&o, 'y'); break;            /* ј */
            case 0x456: putc_(&o, 'i'); break;            /* і */
            case 0x457: put(&o, "yi"); break;             /* ї */
            case 0x454: put(&o, "ye"); break;             /* є */
            case 0x491: putc_(&o, 'g'); break;            /* ґ */
            case 0x4A3: putc_(&o, 'n'); break;            /* ң */
            case 0x452: case 0x45B: putc_(&o, 'C'); break; /* ђ ћ */
            case 0x45F: putc_(&o, 'J'); break;            /* џ */
            case 0x459: put(&o, "ly"); break;             /* љ */
            case 0x45A: put(&o, "ny"); break;             /* њ */
            default: put_raw(&o, c);
            }
        } else if (is_mark(c)) {
            /* a mark with no base letter this module reads: dropped */
            *rules |= R_MARKS;
        } else if (is_apostrophe(c)) {
            if (o.n > 0 && o.p[o.n - 1] == 'c')
                o.p[o.n - 1] = 'T';
        } else if (is_joiner(c)) {
            /* joins */
        } else {
            switch (c) {
            case 0x259: case 0x1DD: putc_(&o, 'A'); *rules |= R_AZLATIN; break; /* ə ǝ */
            case 0x131: putc_(&o, 'I'); *rules |= R_AZLATIN; break;             /* ı */
            case 0x142: putc_(&o, 'G'); *rules |= R_MARKS; break;               /* ł (ISO 9985 ղ) */
            case 0x111: putc_(&o, 'd'); *rules |= R_MARKS; break;               /* đ */
            case 0xF8: putc_(&o, 'o'); *rules |= R_MARKS; break;                /* ø */
            case 0xE6: put(&o, "ae"); break;                                    /* æ */
            case 0x153: put(&o, "oe"); break;                                   /* œ */
            case 0x292: putc_(&o, 'Z'); break;                                  /* ʒ */
            case 0x14B: put(&o, "ng"); break;                                   /* ŋ */
            default: put_raw(&o, c);
            }
        }
    }
    return o.n;
}

/* ------------------------------------------------------------------- fold */

static int is_vowel(int c)
{
    return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u';
}

/* Length of key[0..k) without a UTF-8 sequence cut at its end (raw letters of other scripts
 * are kept as their bytes, and a cut must not leave half of one). */
static int utf8_whole(const char *key, int k)
{
    int start = k, need;
    unsigned char lead;
    while (start > 0 && ((unsigned char)key[start - 1] & 0xC0) == 0x80)
        start--;
    if (start == 0)
        return k;
    lead = (unsigned char)key[start - 1];
    if (lead < 0x80)
        return k;
    need = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    return (k - (start - 1) == need) ? k : start - 1;
}

#define AT(k) ((i + (k)) < n ? t[i + (k)] : 0)

/* A vowel of the transliteration (ə and ı are the placeholders A and I). */
static int lat_vowel(int c)
{
    return c && strchr("aeiouyAI", c) != NULL;
}

/* Folds a transliterated word to its key: digraphs to one symbol, sound classes merged, then
 * the Russian-mediated h rules, initial ye-, and doubled letters. Returns the key length. */
static int fold_word(const char *t, int n, char *key, int cap, unsigned *rules, char *init, unsigned sys)
{
    char s[LATIN_MAX];
    int m = 0, i = 0, k, j;
    unsigned r = 0;
    while (i < n) {
        int c = (unsigned char)t[i], sym, step = 1;
        switch (c) {
        case 's':
            if (AT(1) == 'h' && AT(2) == 'c' && AT(3) == 'h') {
                s[m++] = 'x';
                sym = 'c', step = 4, r |= R_SIBIL;
            } else if (AT(1) == 'c' && AT(2) == 'h')
                sym = 'x', step = 3, r |= R_SIBIL; /* German sch */
            else if (AT(1) == 'h')
                sym = 'x', step = 2, r |= R_SIBIL;
            else
                sym = 's';
            break;
        case 't':
            /* t before the ch sound is that sound alone, in every script: Latin tch (French
             * ч, and the t + ch of Mkrtchyan) already is, so тч, տչ, tč, tç are too
             * (Мкртчян, Մկրտչյան, Mkrtčjan ~ Mkrtchyan, Mkrchyan) */
            if (AT(1) == 'C')
                sym = 'c', step = 2, r |= R_AFFRIC;
            else if (AT(1) == 's' && AT(2) == 'c' && AT(3) == 'h')
                sym = 'c', step = 4, r |= R_AFFRIC;
            else if (AT(1) == 'c' && AT(2) == 'h')
                sym = 'c', step = 3, r |= R_AFFRIC;
            else if (AT(1) == 's' || AT(1) == 'z')
                sym = 'q', step = 2, r |= R_SIBIL;
            else if (AT(1) == 'h')
                sym = 't', step = 2;
            else
                sym = 't';
            break;
        case 'd':
            /* d is t (voicing): Western Armenian writes տչ dch (Mgrdchian ~ Mkrtchyan) */
            if (AT(1) == 'C')
                sym = 'c', step = 2, r |= R_AFFRIC;
            else if (AT(1) == 'c' && AT(2) == 'h' && !(sys & SYS_CH_KH))
                sym = 'c', step = 3, r |= R_AFFRIC;
            else if (AT(1) == 'z' && AT(2) == 'h')
                sym = 'c', step = 3, r |= R_AFFRIC;
            else if (AT(1) == 's' && AT(2) == 'c' && AT(3) == 'h')
                sym = 'c', step = 4, r |= R_AFFRIC; /* German дж */
            else if (AT(1) == 'j' || AT(1) == 'Z' || AT(1) == 'J')
                sym = 'c', step = 2, r |= R_AFFRIC;
            else if (AT(1) == 'z')
                sym = 'q', step = 2, r |= R_SIBIL;
            else if (AT(1) == 's' && ((sys & SYS_Z_TS) || (i == 0 && is_vowel(AT(2)))))
                sym = 'q', step = 2, r |= R_SYSTEM; /* German ds is дз (Dsagojew); no name starts ds- */
            else
                sym = 't', r |= R_VOICING;
            break;
        case 'z':
            if (AT(1) == 'h')
                sym = 'j', step = 2, r |= R_SIBIL;
            else if (sys & SYS_Z_TS)
                sym = 'q', r |= R_SYSTEM; /* German z is ц */
            else
                sym = 'z';
            break;
        case 'k':
            sym = 'k', step = AT(1) == 'h' ? 2 : 1;
            if (step == 2)
                r |= R_VELAR;
            break;
        case 'c':
            if (AT(1) == 'h' && (sys & SYS_CH_KH))
                sym = 'k', step = 2, r |= R_SYSTEM; /* German and scholarly ch is х */
            else if (AT(1) == 'h')
                sym = 'c', step = 2;
            else if (AT(1) == 'k')
                sym = 'k', step = 2;
            else if (AT(1) == 'z')
                sym = 'c', step = 2;
            else
                sym = 'c';
            r |= R_AFFRIC;
            break;
        case 'g':
            sym = 'k', step = AT(1) == 'h' ? 2 : 1;
            r |= step == 2 ? R_VELAR : R_VOICING;
            break;
        case 'p':
            if (AT(1) == 'h')
                sym = 'f', step = 2;
            else
                sym = 'p';
            break;
        case 'b': sym = 'p', r |= R_VOICING; break;
        case 'q': case 'x': sym = 'k', r |= R_VELAR; break;
        case 'w': sym = 'v'; break;
        case 'y': sym = 'i', r |= R_YI; break;
        case 'j':
            /* English j at the start (Jafarov, Jalil); inside a word either the y of German,
             * Polish and ISO 9 (Petrosjan, Alijew) or the dzh of Azerbaijani passports (Orujov,
             * Nijat): the symbol y, which compares cheaply with both i and c */
            if (i == 0)
                sym = 'c', r |= R_AFFRIC | R_JINIT;
            else if ((!lat_vowel(t[i - 1]) && lat_vowel(AT(1))) ||
                     (lat_vowel(t[i - 1]) && AT(1) && !lat_vowel(AT(1))))
                /* after a consonant before a vowel (Petrosjan, Arutjunjan: ISO 9 and German
                 * я ю е) or after a vowel before a consonant (Gusejnov: й) it is only y */
                sym = 'i', r |= R_YI;
            else
                sym = 'y', r |= R_YI;
            break;
        case 'o':
            if (AT(1) == 'u')
                sym = 'u', step = 2, r |= R_OU;
            else if (AT(1) == 'w' && AT(2) && !strchr("aeiouyAIwl", AT(2)))
                sym = 'u', step = 2, r |= R_OU; /* ISO 9985 ու is ow (German -owl- is ов) */
            else
                sym = 'o';
            break;
        case 'A': sym = 'a'; break;
        case 'I': sym = 'i', r |= R_YI; break;
        case 'C': sym = 'c'; break;
        case 'J': sym = 'c', r |= R_AFFRIC; break;
        case 'X': sym = 'k', r |= R_VELAR; break;
        case 'G': sym = 'k', r |= R_VELAR; break;
        case 'S': sym = 'x'; break;
        case 'Z': sym = 'j'; break;
        case 'T': case 'D': sym = 'q'; break;
        default: sym = c;
        }
        s[m++] = (char)sym;
        i += step;
    }
    /* Russian-mediated h: Hovh- loses its second h (Ovanes), and an initial Og-/Oh- before a
     * vowel is the same cluster written with г or without v (Оганес, Оганесян, Ohanyan/Оганян). */
    for (i = 0, k = 0; i < m; i++) {
        if (s[i] == 'h' && k > 0 && s[k - 1] == 'v') {
            r |= R_VH;
            continue;
        }
        s[k++] = s[i];
    }
    m = k;
    j = (m > 0 && s[0] == 'h') ? 1 : 0;
    if (m > j + 2 && s[j] == 'o' && (s[j + 1] == 'k' || s[j + 1] == 'h') &&
        is_vowel((unsigned char)s[j + 2])) {
        s[j + 1] = 'v';
        r |= R_VH;
    }
    /* An initial h, or a consonant of the k class (g k q kh x gh), before a vowel is dropped:
     * Russian writes h as г or х or not at all (Гусейнов, Хасанов, Акоп, Оганес), so Hüseynov,
     * Guseynov and Гусейнов, or Hovhannes, Ovanes and Оганес, can only share a key when the
     * sound is not in it. The class is dropped whole because Latin g is both h (Guseynov) and g
     * (Gevorg, Guliyev): merging h with it and dropping h are the same fold. Before a consonant
     * (Hrant, Grigor, Khrimyan) the letter stays. Words of two symbols keep it. The dropped
     * symbol is kept aside (NameWord.init): words whose keys differ are compared with it. */
    if (m > 2 && (s[0] == 'h' || s[0] == 'k') && is_vowel((unsigned char)s[1])) {
        *init = s[0];
        memmove(s, s + 1, (size_t)(m - 1));
        m--;
        r |= R_HINIT;
    }
    /* initial ye- (Yerevan/Erevan, Yeghiazaryan/Egiazaryan) */
    i = 0;
    if (m > 2 && s[0] == 'i' && s[1] == 'e') {
        i = 1;
        r |= R_YE;
    }
    for (k = 0; i < m; i++) {
        if (k > 0 && key[k - 1] == s[i] && (unsigned char)s[i] < 0x80) {
            r |= R_DOUBLE;
            continue;
        }
        if (k >= cap) {
            r |= R_TRUNC;
            k = utf8_whole(key, k);
            break;
        }
        key[k++] = s[i];
    }
    /* Russian spelling writes -ев, not -ёв, after ж ч ш щ ц and дж (Оруджев, Гаджиев is -иев):
     * the -ov of Latin lists (Orujov) is the same ending */
    {
        int e = k >= 3 && key[k - 1] == 'a' ? k - 3 : k - 2;
        if (e >= 2 && key[e] == 'e' && key[e + 1] == 'v' && strchr("cjxq", key[e - 1])) {
            key[e] = 'o';
            r |= R_EV_OV;
        }
    }
    *rules |= r;
    return k;
}

#undef AT

/* Transliterates and folds one word read by next_word. */
static int word_key(const Word *w, char *key, int cap, unsigned *rules, char *init)
{
    char latin[LATIN_MAX];
    int n = translit_word(w, latin, rules);
    if (w->cut)
        *rules |= R_TRUNC;
    *init = 0;
    return fold_word(latin, n, key, cap, rules, init, w->sys);
}

int parley_names_word_key(const char *s, size_t len, char *key, char *init)
{
    Reader r;
    Word w;
    unsigned rules = 0;
    r.s = (const unsigned char *)s;
    r.len = len;
    r.pos = 0;
    r.bad = 0;
    r.script = text_script(r.s, r.len);
    r.sys = text_system(r.s, r.len);
    *init = 0;
    if (next_word(&r, &w) <= 0)
        return 0;
    return word_key(&w, key, NAMES_KEY_MAX, &rules, init);
}

int parley_names_key(const char *s, size_t len, luaL_Buffer *b, size_t *bad)
{
    Reader r;
    Word w;
    int rc, first = 1;
    r.s = (const unsigned char *)s;
    r.len = len;
    r.pos = 0;
    r.bad = 0;
    r.script = text_script(r.s, r.len);
    r.sys = text_system(r.s, r.len);
    while ((rc = next_word(&r, &w)) > 0) {
        char key[NAMES_KEY_MAX + 1];
        unsigned rules = 0;
        char init;
        int k = word_key(&w, key, NAMES_KEY_MAX, &rules, &init);
        if (k == 0)
            continue;
        if (!first)
            luaL_addchar(b, ' ');
        luaL_addlstring(b, key, (size_t)k);
        first = 0;
    }
    if (rc < 0) {
        *bad = r.bad;
        return -1;
    }
    return 0;
}

/* Armenian surname prefixes (տեր, Ter-, Western Der-, Մելիք, Melik-): written joined,
 * hyphenated or as a word of their own, they are one surname. Returns the prefix length of key
 * (3 or 5), or 0. */
static int prefix_len(const char *key, int len)
{
    if (len >= 3 && memcmp(key, "ter", 3) == 0)
        return 3;
    if (len >= 5 && memcmp(key, "melik", 5) == 0)
        return 5;
    return 0;
}

/* After a prefix the surname keeps the reading of a word start: the initial h/k class before
 * a vowel is dropped there too (Ter-Hovakimyan, Тер-Овакимян, Der Hovagimian). */
static int after_prefix(NameWord *nw, int plen)
{
    if (nw->len > plen + 2 && (nw->key[plen] == 'h' || nw->key[plen] == 'k') &&
        is_vowel((unsigned char)nw->key[plen + 1])) {
        memmove(nw->key + plen, nw->key + plen + 1, (size_t)(nw->len - plen - 1));
        nw->len--;
        nw->key[nw->len] = '\0';
        return 1;
    }
    return 0;
}

/* The key of cp[from..to) of w, as a word of its own. */
static int part_key(const Word *w, int from, int to, char *key, unsigned *rules, char *init)
{
    Word part;
    part.n = to - from;
    part.cut = 0;
    part.script = w->script;
    part.sys = w->sys;
    memcpy(part.cp, w->cp + from, sizeof(int) * (size_t)part.n);
    return word_key(&part, key, NAMES_KEY_MAX, rules, init);
}

/* Reads one word into nw: its key, and for a hyphenated word of two long parts that is not a
 * prefix compound, the two parts keyed apart (so that one part can be compared alone, as a list
 * that gives only one of a married double surname does). Returns the key length. */
static int read_word(const Word *w, NameWord *nw)
{
    unsigned rules = 0;
    int k = word_key(w, nw->key, NAMES_KEY_MAX, &rules, &nw->init), plen;
    nw->split = 0;
    nw->given = -1;
    if (k == 0)
        return 0;
    nw->key[k] = '\0';
    nw->len = (unsigned char)k;
    nw->rules = rules;
    if (w->letters == 1)
        nw->rules |= R_INITIAL;
    plen = prefix_len(nw->key, nw->len);
    if (plen && nw->len >= plen + 4) {
        if (after_prefix(nw, plen) || w->joiner == plen)
            nw->rules |= R_PREFIX;
    } else if (w->joiner > 0 && w->joiner + 1 < w->n) {
        char k1[NAMES_KEY_MAX + 1], k2[NAMES_KEY_MAX + 1], i1 = 0, i2 = 0;
        unsigned r1 = 0, r2 = 0;
        int n1 = part_key(w, 0, w->joiner, k1, &r1, &i1);
        int n2 = part_key(w, w->joiner + 1, w->n, k2, &r2, &i2);
        /* both parts surnames of their own: four letters or more, the second not a bare ending
         * (Ali-zade is one surname) */
        if (n1 >= 4 && n2 >= 4 && n1 + n2 + (i2 != 0) <= NAMES_KEY_MAX &&
            parley_names_suffix(k2, n2) != SUF_ZADE && !(n2 <= 5 && memcmp(k2, "zat", 3) == 0)) {
            memcpy(nw->key, k1, (size_t)n1);
            k = n1;
            if (i2)
                nw->key[k++] = i2;
            memcpy(nw->key + k, k2, (size_t)n2);
            k += n2;
            nw->key[k] = '\0';
            nw->len = (unsigned char)k;
            nw->init = i1;
            nw->split = (unsigned char)n1;
            nw->rules = r1 | r2 | R_PARTS;
        }
    }
    return nw->len;
}

/* Joins a prefix written as a word of its own (Ter Petrosyan, Der Hovagimian, Melik Adamyan)
 * to the word after it. */
static void join_prefixes(NameRec *rec)
{
    int i;
    for (i = 0; i + 1 < rec->n; i++) {
        NameWord *p = &rec->w[i], *q = &rec->w[i + 1];
        int plen = prefix_len(p->key, p->len);
        char form[NAMES_CMP_MAX];
        int nf;
        if (!plen || p->len != plen || q->len < 3 || (q->rules & R_INITIAL))
            continue;
        nf = parley_names_cmp_form(q, form);
        if (plen + nf > NAMES_KEY_MAX)
            nf = NAMES_KEY_MAX - plen;
        memcpy(p->key + plen, form, (size_t)nf);
        p->len = (unsigned char)(plen + nf);
        p->key[p->len] = '\0';
        p->srclen = q->src + q->srclen - p->src;
        p->rules |= q->rules | R_PREFIX;
        after_prefix(p, plen);
        memmove(&rec->w[i + 1], &rec->w[i + 2], sizeof rec->w[0] * (size_t)(rec->n - i - 2));
        rec->n--;
    }
}

/* Whether the two letters at t are the Latin digraph of one Cyrillic letter (Yu. for Ю.,
 * Zh. for Ж.): written with a full stop after them, an initial. */
static int digraph_initial(const unsigned char *t)
{
    static const char *const DIGRAPHS[] = {"yu", "ya", "ye", "yo", "ju", "ja", "je", "jo", "iu", "ia",
                                           "zh", "kh", "ch", "sh", "ts", NULL};
    int i, a = t[0] | 0x20, b = t[1] | 0x20;
    for (i = 0; DIGRAPHS[i]; i++)
        if (a == DIGRAPHS[i][0] && b == DIGRAPHS[i][1])
            return 1;
    return 0;
}

int parley_names_read(const char *s, size_t len, NameRec *rec, size_t *bad)
{
    Reader r;
    Word w;
    int rc, i;
    memset(rec, 0, sizeof *rec);
    rec->surname_first = -1;
    r.s = (const unsigned char *)s;
    r.len = len;
    r.pos = 0;
    r.bad = 0;
    r.script = text_script(r.s, r.len);
    r.sys = text_system(r.s, r.len);
    while ((rc = next_word(&r, &w)) > 0) {
        NameWord *nw;
        if (rec->n >= NAMES_MAX_WORDS) {
            rec->dropped++;
            continue;
        }
        nw = &rec->w[rec->n];
        if (read_word(&w, nw) == 0)
            continue;
        nw->src = w.src;
        nw->srclen = w.srcend - w.src;
        if (w.letters == 2 && nw->srclen == 2 && w.srcend < len && s[w.srcend] == '.' &&
            digraph_initial(r.s + w.src))
            nw->rules |= R_INITIAL;
        rec->n++;
    }
    if (rc < 0) {
        *bad = r.bad;
        return -1;
    }
    join_prefixes(rec);
    for (i = 0; i < rec->n; i++) {
        rec->rules |= rec->w[i].rules;
        rec->w[i].given = (short)parley_names_given(rec->w[i].key, rec->w[i].len);
    }
    parley_names_parse(rec);
    return 0;
}
