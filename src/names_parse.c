/* SPDX-License-Identifier: MIT */
/* The structure of a name: which word is the given name, the surname, the patronymic.
 *
 * Works on the folded keys, so it reads every script alike: оглы, oğlu and oglu all fold to
 * "okli"/"oklu"; -ович and -ovich to "...ovic". Order follows the conventions the brief names:
 * Russian documents put the surname first and the patronymic after the given name
 * (Петросян Ованес Арменович); Azerbaijani ones add the father's name and oğlu/qızı
 * (Məmmədov Elvin Rəşad oğlu). Without those clues, a word with a surname ending is the
 * surname, and otherwise the last word is (given name first). */
#include <string.h>
#include "names.h"

static int ends(const char *key, int len, const char *suffix)
{
    int k = (int)strlen(suffix);
    return len >= k && memcmp(key + len - k, suffix, (size_t)k) == 0;
}

static int same(const char *key, int len, const char *word)
{
    return len == (int)strlen(word) && memcmp(key, word, (size_t)len) == 0;
}

/* The suffix class of a folded word (SUF_*). Roots shorter than three symbols have none, so
 * that given names such as Ali or Elvin are not read as surnames. */
int parley_names_suffix(const char *key, int len)
{
    if (same(key, len, "oklu") || same(key, len, "okli") || same(key, len, "okul"))
        return SUF_OGLU;
    /* qızı, gizi, кызы: the initial k class before a vowel is not in the key */
    if (same(key, len, "izi") || same(key, len, "isi") || same(key, len, "kizi") ||
        same(key, len, "kisi"))
        return SUF_QIZI;
    if (len >= 7 && (ends(key, len, "ovic") || ends(key, len, "evic") || ends(key, len, "ic")))
        return SUF_VICH;
    if (len >= 7 && (ends(key, len, "ovna") || ends(key, len, "evna") || ends(key, len, "icna")))
        return SUF_VNA;
    if (len >= 6 && (ends(key, len, "ova") || ends(key, len, "eva")))
        return SUF_OVA;
    if (len >= 5 && (ends(key, len, "ov") || ends(key, len, "ev")))
        return SUF_OV;
    if (len >= 6 && (ends(key, len, "ian") || ends(key, len, "ianq") || ends(key, len, "yan")))
        return SUF_IAN;
    if (len >= 7 && (ends(key, len, "zate") || ends(key, len, "zata")))
        return SUF_ZADE;
    if (len >= 7 && ends(key, len, "xvili"))
        return SUF_SHVILI;
    if (len >= 6 && (ends(key, len, "li") || ends(key, len, "lu")))
        return SUF_LI;
    if (len >= 5 && ends(key, len, "qe"))
        return SUF_DZE;
    if (len >= 7 && (ends(key, len, "ia") || ends(key, len, "ua") || ends(key, len, "ava") ||
                     ends(key, len, "uri") || ends(key, len, "eli")))
        return SUF_GEO;
    return SUF_NONE;
}

static int is_surname_suffix(int suf)
{
    return suf == SUF_OV || suf == SUF_OVA || suf == SUF_IAN || suf == SUF_ZADE || suf == SUF_LI ||
           suf == SUF_DZE || suf == SUF_SHVILI || suf == SUF_GEO;
}

static int is_initial(const NameWord *w)
{
    return (w->rules & R_INITIAL) != 0;
}

/* A patronymic without its ending: of a name of exactly three words, one of them the only
 * surname (by its ending) and the other two plain words (no ending, no initial), the father's
 * name is
 *   - the last word when the surname comes first (Əhmədov Tural Vaqif: Azerbaijani Latin lists
 *     that drop oğlu/qızı; Russian-order Armenian lists);
 *   - the middle word when the surname comes last (Elvin Rəşad Məmmədov), an Armenian genitive
 *     in -i after a given name among them (Armen Vardani Melkonyan, Արմեն Վարդանի Մելքոնյան).
 * Read as given names, such words pair the father's name with the son's. Returns the index of
 * the patronymic, or -1. */
static int genitive(const NameWord *w)
{
    return w->len >= 4 && w->key[w->len - 1] == 'i' && (w->suffix == SUF_NONE || w->suffix == SUF_LI) &&
           !is_initial(w) && w->role == 0;
}

static int plain(const NameWord *w)
{
    return w->suffix == SUF_NONE && w->role == 0 && !is_initial(w) && w->len >= 3;
}

static int bare_patronymic(NameRec *rec)
{
    int i, sur = -1, n_plain = 0;
    if (rec->n != 3)
        return -1;
    /* Armenian genitives (Samveli ends like -li) first */
    if (rec->w[2].suffix == SUF_IAN && plain(&rec->w[0]) && genitive(&rec->w[1])) {
        rec->w[1].suffix = SUF_GEN;
        return 1;
    }
    if (rec->w[0].suffix == SUF_IAN && plain(&rec->w[1]) && genitive(&rec->w[2])) {
        rec->w[2].suffix = SUF_GEN;
        return 2;
    }
    for (i = 0; i < 3; i++) {
        const NameWord *w = &rec->w[i];
        if (is_surname_suffix(w->suffix) && w->role == 0) {
            if (sur >= 0)
                return -1;
            sur = i;
        } else if (plain(w)) {
            n_plain++;
        }
    }
    if (sur < 0 || n_plain != 2)
        return -1;
    /* surname first: Surname Given Father; surname last: Given Father Surname (Elvin Rəşad
     * Məmmədov): these lists do not give second given names */
    return sur == 0 ? 2 : sur == 2 ? 1 : -1;
}

void parley_names_parse(NameRec *rec)
{
    int i, n = rec->n, pat = -1, given = -1, surname = -1, candidates = 0, last_cand = -1;
    for (i = 0; i < n; i++) {
        rec->w[i].suffix = (unsigned char)parley_names_suffix(rec->w[i].key, rec->w[i].len);
        rec->w[i].role = 0;
    }
    /* Azerbaijani: <father's name> oğlu/qızı */
    for (i = 1; i < n; i++) {
        int s = rec->w[i].suffix;
        if ((s == SUF_OGLU || s == SUF_QIZI) && rec->w[i - 1].role == 0 && n >= 3) {
            rec->w[i].role = ROLE_MARKER;
            rec->w[i - 1].role = ROLE_PATRONYMIC;
            pat = i - 1;
            break;
        }
    }
    /* Russian: a word in -ovich/-ovna, in a name of three words or more, not the first */
    if (pat < 0 && n >= 3) {
        for (i = 1; i < n; i++) {
            int s = rec->w[i].suffix;
            if (s == SUF_VICH || s == SUF_VNA) {
                rec->w[i].role = ROLE_PATRONYMIC;
                pat = i;
                break;
            }
        }
    }
    /* initials: the second of two initials in a row is the patronymic's (Петров И. С.,
     * I. S. Petrov, Манукян К.Г.) */
    if (pat < 0 && n >= 3)
        for (i = 1; i < n; i++)
            if (is_initial(&rec->w[i]) && is_initial(&rec->w[i - 1])) {
                rec->w[i].role = ROLE_PATRONYMIC;
                pat = i;
                break;
            }
    if (pat < 0 && (pat = bare_patronymic(rec)) >= 0)
        rec->w[pat].role = ROLE_PATRONYMIC;
    for (i = 0; i < n; i++)
        if (rec->w[i].role == 0 && is_surname_suffix(rec->w[i].suffix)) {
            candidates++;
            last_cand = i;
        }
    if (pat >= 0) {
        /* the given name stands just before the patronymic */
        for (i = pat - 1; i >= 0; i--)
            if (rec->w[i].role == 0) {
                given = i;
                break;
            }
        if (candidates == 1 && last_cand != given)
            surname = last_cand;
        else
            for (i = 0; i < n; i++)
                if (rec->w[i].role == 0 && i != given && !is_initial(&rec->w[i])) {
                    surname = i;
                    break;
                }
    } else if (candidates == 1) {
        surname = last_cand;
    } else {
        for (i = n - 1; i >= 0; i--)
            if (rec->w[i].role == 0 && !is_initial(&rec->w[i])) {
                surname = i;
                break;
            }
    }
    rec->surname_first = -1;
    for (i = 0; i < n; i++) {
        if (rec->w[i].role != 0)
            continue;
        rec->w[i].role = (unsigned char)(i == surname ? ROLE_SURNAME : ROLE_GIVEN);
    }
    {
        int main = 0, first_given = -1;
        for (i = 0; i < n; i++) {
            if (rec->w[i].role == ROLE_GIVEN || rec->w[i].role == ROLE_SURNAME)
                main++;
            if (rec->w[i].role == ROLE_GIVEN && first_given < 0)
                first_given = i;
        }
        if (main >= 2 && surname >= 0)
            rec->surname_first = surname < first_given;
    }
}
