/* SPDX-License-Identifier: MIT */
/* The script a name is written in, as parley.text.script gives it: every name an import writes
 * is classified (its `script` column), so this runs once per name of every list and transfer.
 *
 * core.text_script(s) -> "Armenian", "Cyrillic", "Latin", "Greek", "Georgian", "Arabic",
 * "other" (letters of a script not named here), "mixed" (letters of two scripts) or "unknown"
 * (no letter, or not valid UTF-8). A letter is any code point from U+0041 on that is not ASCII
 * punctuation (U+005B-U+0060, U+007B-U+00BF); the ranges are those parley.text documents. */
#include <string.h>
#include "parley.h"

struct range {
    unsigned long first, last;
    const char *script;
};

static const struct range SCRIPTS[] = {
    {0x0530, 0x058F, "Armenian"}, {0xFB13, 0xFB17, "Armenian"},
    {0x0400, 0x052F, "Cyrillic"},
    {0x0041, 0x024F, "Latin"}, {0x0250, 0x02AF, "Latin"}, /* IPA letters: Azerbaijani ə is U+0259 */
    {0x1E00, 0x1EFF, "Latin"},
    {0x0370, 0x03FF, "Greek"}, {0x10A0, 0x10FF, "Georgian"}, {0x0600, 0x06FF, "Arabic"},
};

static const char *script_of(unsigned long c)
{
    size_t i;
    for (i = 0; i < sizeof SCRIPTS / sizeof SCRIPTS[0]; i++)
        if (c >= SCRIPTS[i].first && c <= SCRIPTS[i].last)
            return SCRIPTS[i].script;
    return "other";
}

/* Decodes the code point at s[*at] (strictly, as Lua's utf8.len: no overlong form, no surrogate,
 * nothing above U+10FFFF) and moves *at past it; -1 when the bytes there are not UTF-8. */
static long decode(const unsigned char *s, size_t n, size_t *at)
{
    static const unsigned long least[] = {0, 0, 0x80, 0x800, 0x10000};
    size_t i = *at, len, k;
    unsigned long c = s[i];
    if (c < 0x80)
        len = 1;
    else if ((c & 0xE0) == 0xC0)
        len = 2, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
        len = 3, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
        len = 4, c &= 0x07;
    else
        return -1;
    if (i + len > n)
        return -1;
    for (k = 1; k < len; k++) {
        if ((s[i + k] & 0xC0) != 0x80)
            return -1;
        c = (c << 6) | (s[i + k] & 0x3F);
    }
    if (c < least[len] || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
        return -1;
    *at = i + len;
    return (long)c;
}

static int is_ascii_letter(unsigned char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

/* core.text_script(s) */
static int l_text_script(lua_State *L)
{
    size_t n, at = 0, i;
    const unsigned char *s = (const unsigned char *)luaL_checklstring(L, 1, &n);
    const char *found = NULL;
    int ascii = 1;
    for (i = 0; i < n && ascii; i++)
        ascii = s[i] < 0x80;
    if (ascii) {
        for (i = 0; i < n; i++)
            if (is_ascii_letter(s[i])) {
                lua_pushliteral(L, "Latin");
                return 1;
            }
        lua_pushliteral(L, "unknown");
        return 1;
    }
    /* the whole text must be UTF-8 before any letter counts, as utf8.len decides */
    while (at < n)
        if (decode(s, n, &at) < 0) {
            lua_pushliteral(L, "unknown");
            return 1;
        }
    at = 0;
    while (at < n) {
        unsigned long c = (unsigned long)decode(s, n, &at);
        int is_letter = c >= 0x41 && !(c >= 0x5B && c <= 0x60) && !(c >= 0x7B && c <= 0xBF);
        if (is_letter) {
            const char *name = script_of(c);
            if (found && strcmp(found, name) != 0) {
                lua_pushliteral(L, "mixed");
                return 1;
            }
            found = name;
        }
    }
    lua_pushstring(L, found ? found : "unknown");
    return 1;
}

int parley_open_text_script(lua_State *L)
{
    lua_pushcfunction(L, l_text_script);
    lua_setfield(L, -2, "text_script");
    return 0;
}
