/* SPDX-License-Identifier: MIT */
/* Shared declarations of the name-matching kernels (names_*.c).
 *
 * A name goes through three stages:
 *   1. names_key.c reads the UTF-8 text (normalised and case-folded by utf8proc), cuts it into
 *      words, transliterates each word to Latin and folds it to a key of one byte per sound
 *      class (see docs/names.md for the tables);
 *   2. names_parse.c gives each word a role (given name, surname, patronymic, marker) and a
 *      suffix class (-yan, -ov, -ova, -zade, -li ...);
 *   3. names_sim.c and names_match.c compare two such names; names_link.c pairs two lists.
 * The parsed form (NameRec) is a fixed-size struct on the C stack and words are read into fixed
 * arrays, so no stage allocates; names_link.c keeps its tables in Lua userdata. */
#ifndef PARLEY_NAMES_H
#define PARLEY_NAMES_H

#include <stddef.h>
#include "parley.h"

#define NAMES_MAX_WORDS 8  /* words of a name kept for comparison; more are reported as dropped */
#define NAMES_KEY_MAX 40   /* symbols of a word's key kept for comparison */
#define NAMES_CMP_MAX (NAMES_KEY_MAX + 1) /* a key with its dropped initial (NameWord.init) */

/* Roles of a word in a name. */
enum { ROLE_GIVEN = 1, ROLE_SURNAME, ROLE_PATRONYMIC, ROLE_MARKER };

/* Suffix classes: which surname (or patronymic) ending a word carries. Two words with different
 * classes are different names even when their roots agree (Aliyev/Aliyeva, Aliyev/Alizade). */
enum {
    SUF_NONE = 0,
    SUF_OV,    /* -ov -ev -yev: masculine Russian-style */
    SUF_OVA,   /* -ova -eva -yeva: feminine */
    SUF_IAN,   /* -yan -ian -jan -yants */
    SUF_ZADE,  /* -zade -zadə */
    SUF_LI,    /* -li -lı -lu -ly */
    SUF_VICH,  /* patronymic -ovich -evich -ich */
    SUF_VNA,   /* patronymic -ovna -evna -ichna */
    SUF_OGLU,  /* marker oğlu oglu ogly оглы: son of */
    SUF_QIZI,  /* marker qızı gizi кызы: daughter of */
    SUF_DZE,   /* Georgian -dze (Beridze, Беридзе) */
    SUF_SHVILI, /* Georgian -shvili */
    SUF_GEO,   /* other Georgian surname endings: -ia -ua -ava -uri -eli (long words; not -ani, the Armenian genitive of -an names) */
    SUF_GEN    /* an Armenian genitive patronymic (Vardani, Վարդանի): set by the parse */
};

/* Rules of the key, recorded per word when they changed something, for the explanation. */
enum {
    R_ARMENIAN = 1 << 0,  /* Armenian script transliterated */
    R_CYRILLIC = 1 << 1,  /* Cyrillic transliterated */
    R_AZLATIN = 1 << 2,   /* Azerbaijani/Turkish letters (ə ı ş ç ğ q x c) */
    R_MARKS = 1 << 3,     /* other diacritics dropped */
    R_VELAR = 1 << 4,     /* g k q kh x gh ğ as one class */
    R_VOICING = 1 << 5,   /* b/p d/t g/k (Western Armenian voicing) */
    R_AFFRIC = 1 << 6,    /* ch/j/c/dzh as one class */
    R_YI = 1 << 7,        /* y/i/j as one vowel */
    R_YE = 1 << 8,        /* initial ye- as e- */
    R_VH = 1 << 9,        /* Russian-mediated Hovh-/Ovan-/Ogan- */
    R_DOUBLE = 1 << 10,   /* doubled letters */
    R_OU = 1 << 11,       /* French/Western ou as u */
    R_SIBIL = 1 << 12,    /* sh, zh, ts/dz, sch digraphs */
    R_TRUNC = 1 << 13,    /* word longer than NAMES_KEY_MAX, cut */
    R_HINIT = 1 << 14,    /* initial h or k class before a vowel dropped */
    R_GEORGIAN = 1 << 15, /* Georgian Mkhedruli transliterated (national system of 2002) */
    R_HOMOGLYPH = 1 << 16, /* letters of the other script read by the word's script */
    R_YO = 1 << 17,       /* Russian ё after a consonant as io (yo, io, jo, ë) */
    R_CYR_H = 1 << 18,    /* Russian doubled vowel (Саак) read as the h Russian dropped */
    R_EV_OV = 1 << 19,    /* -ev after ch/dzh/sh/ts as -ov (Оруджев/Orujov) */
    R_JINIT = 1 << 20,    /* initial j read as dzh, and compared as y too (Jurij, Jakovlev) */
    R_PREFIX = 1 << 21,   /* Ter-/Der-/Melik- prefix rejoined with its surname */
    R_PARTS = 1 << 22,    /* a two-part (hyphenated) surname */
    R_INITIAL = 1 << 23,  /* a one-letter word: an initial */
    R_SYSTEM = 1 << 24    /* the German or scholarly reading of ch (and German z) */
};
#define R_COUNT 25

typedef struct NameWord {
    unsigned char len;    /* bytes of key */
    unsigned char role;   /* ROLE_* */
    unsigned char suffix; /* SUF_* */
    unsigned rules;       /* R_* that fired */
    char init;            /* the initial h or k the key dropped (R_HINIT), else 0 */
    unsigned char split;  /* two-part surname (R_PARTS): key length of its first part, else 0 */
    short given;          /* the known given name the key spells (names_given.c), else -1 */
    size_t src;           /* byte offset of the word in the original text */
    size_t srclen;        /* its length in bytes */
    char key[NAMES_KEY_MAX + 1];
} NameWord;

typedef struct NameRec {
    int n;              /* words kept */
    int dropped;        /* words beyond NAMES_MAX_WORDS */
    int surname_first;  /* order: 1 surname first, 0 given first, -1 one word only */
    unsigned rules;     /* union of the words' rules */
    NameWord w[NAMES_MAX_WORDS];
} NameRec;

/* Rule names for explanations, indexed by bit number. */
extern const char *const parley_names_rule_text[R_COUNT];

/* Reads a whole name into rec (words, keys, roles, suffixes). Returns 0, or -1 for invalid
 * UTF-8 (*bad = byte offset). Uses no Lua state and allocates nothing. */
int parley_names_read(const char *s, size_t len, NameRec *rec, size_t *bad);

/* Adds the key of s to b: folded words separated by spaces (whole text, words cut at
 * NAMES_KEY_MAX symbols). Returns 0, or -1 for invalid UTF-8. */
int parley_names_key(const char *s, size_t len, luaL_Buffer *b, size_t *bad);

/* The key of the first word of s (key holds NAMES_KEY_MAX bytes, *init the dropped initial);
 * returns its length, 0 for no word or invalid UTF-8. */
int parley_names_word_key(const char *s, size_t len, char *key, char *init);

/* names_given.c: the known given name (a group of spellings of one name) whose key is key, or
 * -1. Two words spelling two different known names are two names, not a typo. */
int parley_names_given(const char *key, int len);
/* Whether an initial of letter (a key letter) can stand for the known given name group: one of
 * its spellings begins with it. */
int parley_names_given_initial(int group, int letter);

/* names_api.c: reads back a name packed by core.names_pack (what names_link compares);
 * returns 0 when p is not a packed name. Words carry no source offsets. */
int parley_names_unpack(const char *p, size_t len, NameRec *r);

/* names_parse.c: assigns roles and suffix classes to rec's words. */
void parley_names_parse(NameRec *rec);
int parley_names_suffix(const char *key, int len);

/* names_sim.c: Jaro-Winkler of two ASCII strings of at most 64 bytes, and of two code point
 * arrays (work holds la + lb bytes); optimal string alignment distance (work holds
 * 3 * (lb + 1) ints). */
double parley_names_jaro_winkler_ascii(const unsigned char *a, int la, const unsigned char *b, int lb);
double parley_names_jaro_winkler_w(const int *a, int la, const int *b, int lb, unsigned char *work);
int parley_names_osa(const int *a, int la, const int *b, int lb, int *work);
/* Weighted edit distance between two keys; *soft gets the SOFT_* operations used. */
double parley_names_wdist(const char *a, int la, const char *b, int lb, unsigned *soft);
/* The same, where a vowel between two consonants present only in a (restored_a) or only in b
 * (restored_b) is the vowel Russian documents restore in an Armenian surname (Галустян). */
double parley_names_wdist_r(const char *a, int la, const char *b, int lb, int restored_a, int restored_b,
                            unsigned *soft);
/* The form of a word that words with different keys are compared in: the key with the initial
 * h/k it dropped put back (out holds NAMES_CMP_MAX bytes); returns its length. */
int parley_names_cmp_form(const NameWord *w, char *out);
/* Similarity of two words' keys in [0,1], with suffix classes taken into account. It reads
 * a word's key, init, suffix, split, given and of its rules only NAMES_SIM_RULES (names_memo.c
 * remembers it by these: a change that reads another field must add it there). */
double parley_names_word_sim(const NameWord *a, const NameWord *b, unsigned *soft);
#define NAMES_SIM_RULES (R_INITIAL | R_JINIT | R_CYRILLIC)

/* names_memo.c: word_sim remembered for one call of names_link. memo_new pushes the memo (a
 * userdata sized for that many names) and returns it; memo_word gives a word's id (0 when the
 * memo is full: then its pairs are scored every time); memo_sim is word_sim of a and b, whose
 * ids are ida and idb, looked up or scored and remembered (m NULL: word_sim). */
typedef struct NamesMemo NamesMemo;
NamesMemo *parley_names_memo_new(lua_State *L, size_t names);
int parley_names_memo_word(NamesMemo *m, const NameWord *w);
/* The ids of a name's words (0 for a word that is no given name or surname, or when the memo
 * is full), for a caller that scores one name many times (names_link: once per name). */
typedef struct NameIds {
    int w[NAMES_MAX_WORDS];
} NameIds;
void parley_names_memo_ids(NamesMemo *m, const NameRec *r, NameIds *out);
double parley_names_memo_sim(NamesMemo *m, const NameWord *a, int ida, const NameWord *b, int idb, unsigned *soft);

enum {
    SOFT_H_DROP = 1 << 0,  /* h dropped (Hakob/Akop) */
    SOFT_H_G = 1 << 1,     /* h as g/kh (Hüseynov/Guseynov) */
    SOFT_A_E = 1 << 2,     /* a/e (ə written both ways) */
    SOFT_E_I = 1 << 3,     /* e/i (unstressed vowel) */
    SOFT_O_U = 1 << 4,     /* o/u */
    SOFT_I_DROP = 1 << 5,  /* y/i dropped */
    SOFT_TRANS = 1 << 6,   /* adjacent letters swapped */
    SOFT_EDIT = 1 << 7,    /* other letters differ (typo or different name) */
    SOFT_CH_TS = 1 << 8,   /* ch/ts */
    SOFT_SUFFIX = 1 << 9,  /* different suffix class */
    SOFT_FEM = 1 << 10,    /* masculine against feminine form */
    SOFT_VOWEL = 1 << 11,  /* a full vowel added, dropped or changed (Khachatryan/Khachaturyan) */
    SOFT_CONS2 = 1 << 12,  /* two or more consonants differ */
    SOFT_KNOWN = 1 << 13,  /* two different known given names (names_given.c) */
    SOFT_SAME = 1 << 14,   /* two known forms of one given name (Giorgi/Георгий, Hovsep/Осип) */
    SOFT_INITIAL = 1 << 15, /* an initial against a name it can stand for */
    SOFT_NOINIT = 1 << 16, /* an initial against a name it cannot stand for */
    SOFT_YO = 1 << 17,     /* io/e (ё written yo or e) */
    SOFT_RESTORED = 1 << 18, /* a vowel Russian documents restore in an Armenian surname */
    SOFT_PART = 1 << 19,   /* one part of a two-part surname */
    SOFT_CONS = 1 << 20,   /* one consonant differs at full cost */
    SOFT_FIRST = 1 << 21,  /* the first letter differs, or a full vowel before the first consonant */
    SOFT_ROOTNAME = 1 << 22, /* two surnames built on two different known given names (Nasirov/Nazirov) */
    SOFT_ROOTSAME = 1 << 23  /* two surnames built on forms of one known given name (Hovsepyan/Осипян) */
};
#define SOFT_COUNT 24
/* Differences that make another root, not another spelling: evidence in favour (same year of
 * birth, same category, agreeing patronymics) does not lift such a pair. */
#define SOFT_ROOT (SOFT_VOWEL | SOFT_CONS2 | SOFT_KNOWN | SOFT_NOINIT | SOFT_ROOTNAME)
extern const char *const parley_names_soft_text[SOFT_COUNT];

/* names_match.c: scoring shared by match and link. */
typedef struct Evidence {
    int has_born;              /* both years known */
    long long born_a, born_b;
    const char *cat_a, *cat_b; /* categories, NULL when absent */
    size_t cat_la, cat_lb;
    int has_pat_a, has_pat_b;  /* patronymics given as evidence, replacing the parsed ones */
    NameWord pat_a, pat_b;
} Evidence;

typedef struct MatchDetail {
    int pairs;              /* word pairs compared */
    int ia[NAMES_MAX_WORDS]; /* word of a in pair k */
    int ib[NAMES_MAX_WORDS]; /* word of b in pair k */
    double sim[NAMES_MAX_WORDS];
    unsigned soft[NAMES_MAX_WORDS];
    int extra;              /* words of the longer name left out */
    double patronymic;      /* similarity of patronymics, -1 when not both present */
    unsigned pat_soft;      /* the SOFT_* of the patronymics' comparison */
    int initial;            /* a given name was compared only by its initial (no evidence) */
    int capped;             /* a surname of another root was held at SURNAME_APART */
    int pat_gender_clash;   /* oğlu against qızı, -ovich against -ovna */
    int pat_a, pat_b;       /* which side had a patronymic */
    double born_adj, cat_adj, pat_adj; /* adjustments from evidence */
    int root;               /* a pair of words differs in its root (SOFT_ROOT) */
    double held;            /* evidence in favour not counted because of root */
    double base;            /* score of the words alone */
    double rank;            /* the score before it is clamped to 1: link ranks by it, so that
                             * the same year of birth still tells namesakes apart when the
                             * names alone already score 1 */
} MatchDetail;

/* Adds the human-readable why of a comparison to b (texts are the original names). */
void parley_names_explain(luaL_Buffer *b, const char *ta, const NameRec *a, const char *tb,
                          const NameRec *rb, const MatchDetail *d, double score, double threshold);

/* The score of a and b (d: how it was reached); memo (NULL for none) remembers the word
 * similarities across calls (names_link), ids_a and ids_b are the names' word ids in it (NULL:
 * looked up here). */
double parley_names_score(const NameRec *a, const NameRec *b, const Evidence *ev, MatchDetail *d, NamesMemo *memo,
                          const NameIds *ids_a, const NameIds *ids_b);
/* A surname of another root (a vowel added or changed: Minasyan/Manasyan, Khachatryan/
 * Khachaturyan; built on another known given name: Nəsirov/Nəzirov) never matches on its own:
 * held just below the threshold. */
#define SURNAME_APART 0.85
#define NAMES_THRESHOLD 0.86
#define NAMES_REVIEW 0.72

#endif
