/* SPDX-License-Identifier: MIT */
/* A memo of word similarities for one call of names_link.
 *
 * Linking a store's names compares the same few thousand words again and again (the people of a
 * conflict share a few hundred given names and surnames, and each of them is on many lists), and
 * the weighted edit distance behind parley_names_word_sim was most of the time of the resolution
 * of people (about 60% of it at 100,000 claims). parley_names_word_sim is a function of a word's
 * key and of a few of its fields only (NAMES_SIM_RULES), so a word pair scored once is scored for
 * good: this memo interns the words it is given (an id per distinct word, by those fields) and
 * remembers the similarity of each pair of ids, exactly as word_sim gave it.
 *
 * Both tables are Lua userdata of a size fixed from the number of names linked (an error leaves
 * nothing to free, and a rule's memory limit counts them): when the word table is full, a new
 * word gets no id and its pairs are scored every time; the pair table is a cache that a pair
 * whose slot is taken replaces. Neither changes a score, only how often it is computed. */
#include <stdint.h>
#include <string.h>
#include "names.h"

#define MEMO_MIN_BITS 8
#define MEMO_WORD_BITS 16 /* at most 2^15 words interned (half the slots) */
#define MEMO_PAIR_BITS 18 /* word pairs remembered at once */

/* The fields of a word that word_sim reads, zero-padded so that memcmp compares them. */
typedef struct MemoWord {
    uint64_t hash;
    unsigned rules;
    short given;
    unsigned char len, suffix, split, used;
    char init;
    char key[NAMES_KEY_MAX];
} MemoWord;

typedef struct MemoPair {
    uint32_t a, b; /* word ids; a == 0: empty */
    unsigned soft;
    double sim;
} MemoPair;

struct NamesMemo {
    size_t word_mask, words, word_max;
    size_t pair_mask;
    MemoWord *word;
    MemoPair *pair;
};

static uint64_t mix(uint64_t h)
{
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ull;
    return h ^ (h >> 33);
}

static void word_of(const NameWord *w, MemoWord *m)
{
    size_t i;
    uint64_t h = 14695981039346656037ull;
    memset(m, 0, sizeof *m);
    m->rules = w->rules & NAMES_SIM_RULES;
    m->given = w->given;
    m->len = w->len > NAMES_KEY_MAX ? NAMES_KEY_MAX : w->len;
    m->suffix = w->suffix;
    m->split = w->split;
    m->init = w->init;
    m->used = 1;
    memcpy(m->key, w->key, m->len);
    for (i = 0; i < m->len; i++)
        h = (h ^ (unsigned char)m->key[i]) * 1099511628211ull;
    h ^= (uint64_t)m->rules << 32 ^ (uint64_t)(unsigned short)m->given << 16 ^ (uint64_t)m->suffix << 8 ^
         (uint64_t)m->split ^ (uint64_t)(unsigned char)m->init << 24;
    m->hash = mix(h);
}

static size_t bits_for(size_t n, int max)
{
    int bits = MEMO_MIN_BITS;
    while (bits < max && ((size_t)1 << bits) < n)
        bits++;
    return (size_t)1 << bits;
}

NamesMemo *parley_names_memo_new(lua_State *L, size_t names)
{
    /* the tables are the memo's user values: they live as long as it is on the stack */
    NamesMemo *m = (NamesMemo *)lua_newuserdatauv(L, sizeof *m, 2);
    size_t nw = bits_for(names * 4, MEMO_WORD_BITS), np = bits_for(names * 8, MEMO_PAIR_BITS);
    m->word = (MemoWord *)lua_newuserdatauv(L, nw * sizeof *m->word, 0);
    lua_setiuservalue(L, -2, 1);
    m->pair = (MemoPair *)lua_newuserdatauv(L, np * sizeof *m->pair, 0);
    lua_setiuservalue(L, -2, 2);
    memset(m->word, 0, nw * sizeof *m->word);
    memset(m->pair, 0, np * sizeof *m->pair);
    m->word_mask = nw - 1;
    m->word_max = nw / 2;
    m->words = 0;
    m->pair_mask = np - 1;
    return m;
}

int parley_names_memo_word(NamesMemo *m, const NameWord *w)
{
    MemoWord k;
    size_t s;
    word_of(w, &k);
    for (s = (size_t)k.hash & m->word_mask;; s = (s + 1) & m->word_mask) {
        MemoWord *e = &m->word[s];
        if (!e->used) {
            if (m->words >= m->word_max)
                return 0;
            *e = k;
            m->words++;
            return (int)s + 1;
        }
        if (e->hash == k.hash && memcmp(e, &k, sizeof k) == 0)
            return (int)s + 1;
    }
}

void parley_names_memo_ids(NamesMemo *m, const NameRec *r, NameIds *out)
{
    int i;
    for (i = 0; i < NAMES_MAX_WORDS; i++)
        out->w[i] = i < r->n && (r->w[i].role == ROLE_GIVEN || r->w[i].role == ROLE_SURNAME)
                        ? parley_names_memo_word(m, &r->w[i])
                        : 0;
}

double parley_names_memo_sim(NamesMemo *m, const NameWord *a, int ida, const NameWord *b, int idb, unsigned *soft)
{
    MemoPair *e;
    double sim;
    /* namesakes and initials cost word_sim less than a look-up: not remembered */
    if (!m || ida == 0 || idb == 0 || (a->len == b->len && memcmp(a->key, b->key, a->len) == 0) ||
        ((a->rules | b->rules) & R_INITIAL))
        return parley_names_word_sim(a, b, soft);
    e = &m->pair[(size_t)mix((uint64_t)(uint32_t)ida << 32 | (uint32_t)idb) & m->pair_mask];
    if (e->a == (uint32_t)ida && e->b == (uint32_t)idb) {
        *soft = e->soft;
        return e->sim;
    }
    sim = parley_names_word_sim(a, b, soft);
    e->a = (uint32_t)ida;
    e->b = (uint32_t)idb;
    e->soft = *soft;
    e->sim = sim;
    return sim;
}
