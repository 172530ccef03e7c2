/* SPDX-License-Identifier: MIT */
/* What a plain YAML scalar means: null, boolean, integer, float or string.
 *
 * The default is the YAML 1.2 core schema (spec 1.2.2, section 10.3.2), where only
 * true/false are booleans, so `no` (Norway) and `on` stay strings. YAML 1.1's rules (the type
 * repository at yaml.org/type, as PyYAML reads it) are there for old files: y/n/yes/no/on/off
 * booleans, 0-prefixed octal, 0b binary, underscores in numbers and base 60.
 * Timestamps are strings under both: Lua has no date type and the dataset validator parses
 * dates with their precision itself.
 *
 * The loader calls parley_yaml_resolve for every plain scalar, so it starts with a switch on the
 * first character and returns PY_STR for most text after one comparison. The dumper calls it
 * to decide which strings need quotes. Nothing here allocates. */
#include <stdint.h>
#include <string.h>
#include "yaml_bridge.h"

#define IS_DIGIT(ch) ((unsigned)((ch) - '0') < 10u)

/* Is s (len bytes) one of the NUL-separated words in list? */
static int is_word(const char *s, size_t len, const char *list)
{
    while (*list) {
        size_t n = strlen(list);
        if (n == len && memcmp(s, list, n) == 0)
            return 1;
        list += n + 1;
    }
    return 0;
}

static int digit_value(int ch)
{
    if (IS_DIGIT(ch))
        return ch - '0';
    if (ch >= 'a' && ch <= 'f')
        return ch - 'a' + 10;
    if (ch >= 'A' && ch <= 'F')
        return ch - 'A' + 10;
    return 99;
}

/* Reads the digits of base in [p, e) into *v, skipping '_' when underscores is set.
 * Returns 0 when there is no digit or a character that is not one, 2 when the value passes
 * 2^64 - 1 (the syntax is still checked to the end, so "9999...9x" stays a string), 1 else. */
static int read_digits(const char *p, const char *e, int base, int underscores, uint64_t *v)
{
    uint64_t acc = 0;
    int any = 0, over = 0;
    *v = 0;
    for (; p < e; p++) {
        int d;
        if (*p == '_' && underscores)
            continue;
        d = digit_value((unsigned char)*p);
        if (d >= base)
            return 0;
        any = 1;
        if (acc > (UINT64_MAX - (uint64_t)d) / (uint64_t)base)
            over = 1;
        else
            acc = acc * (uint64_t)base + (uint64_t)d;
    }
    *v = acc;
    return any ? (over ? 2 : 1) : 0;
}

/* Gives a magnitude its sign: PY_INT with *iv, or PY_BIGINT when it does not fit. */
static py_kind signed_int(uint64_t v, int neg, lua_Integer *iv)
{
    if (neg) {
        if (v > (uint64_t)INT64_MAX + 1u)
            return PY_BIGINT;
        *iv = v == 0 ? 0 : -(lua_Integer)(v - 1u) - 1;
    } else {
        if (v > (uint64_t)INT64_MAX)
            return PY_BIGINT;
        *iv = (lua_Integer)v;
    }
    return PY_INT;
}

/* v by address: it is read_digits' output, filled in by the argument evaluated beside it */
static py_kind int_of(int rc, const uint64_t *v, int neg, lua_Integer *iv)
{
    if (rc == 0)
        return PY_STR;
    if (rc == 2)
        return PY_BIGINT;
    return signed_int(*v, neg, iv);
}

/* ".inf", ".Inf", ".INF" after the dot? */
static int is_inf(const char *p, const char *e)
{
    return is_word(p, (size_t)(e - p), "inf\0Inf\0INF\0");
}

static int is_nan(const char *p, const char *e)
{
    return is_word(p, (size_t)(e - p), "nan\0NaN\0NAN\0");
}

/* Core schema numbers: [-+]?[0-9]+ | 0o[0-7]+ | 0x[0-9a-fA-F]+ |
 * [-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)? | [-+]?\.inf | \.nan */
static py_kind core_number(const char *s, size_t len, lua_Integer *iv)
{
    const char *p = s, *e = s + len, *d;
    int neg = 0;
    uint64_t v;
    size_t nint, nfrac = 0;
    if (len >= 3 && s[0] == '0' && (s[1] == 'o' || s[1] == 'x'))
        return int_of(read_digits(s + 2, e, s[1] == 'o' ? 8 : 16, 0, &v), &v, 0, iv);
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == e)
        return PY_STR;
    if (*p == '.' && p + 4 == e) {
        if (is_inf(p + 1, e))
            return neg ? PY_NINF : PY_INF;
        if (p == s && is_nan(p + 1, e))
            return PY_NAN;
    }
    for (d = p; p < e && IS_DIGIT(*p); p++)
        ;
    nint = (size_t)(p - d);
    if (p == e)
        return int_of(read_digits(d, e, 10, 0, &v), &v, neg, iv);
    if (*p == '.')
        for (p++; p < e && IS_DIGIT(*p); p++)
            nfrac++;
    if (nint == 0 && nfrac == 0)
        return PY_STR;
    if (p < e && (*p == 'e' || *p == 'E')) {
        const char *x;
        p++;
        if (p < e && (*p == '+' || *p == '-'))
            p++;
        for (x = p; p < e && IS_DIGIT(*p); p++)
            ;
        if (p == x)
            return PY_STR;
    }
    return p == e ? PY_FLOAT : PY_STR;
}

/* [0-9_]* from p; returns where it stops. */
static const char *skip_dec(const char *p, const char *e)
{
    while (p < e && (IS_DIGIT(*p) || *p == '_'))
        p++;
    return p;
}

/* Base 60 after the first group: (:[0-5]?[0-9])+ ; adds the groups to *v (overflow: PY_BIGINT).
 * Returns where the groups end, or NULL when they are malformed. */
static const char *sexagesimal(const char *p, const char *e, uint64_t *v, int *over)
{
    int groups = 0;
    while (p < e && *p == ':') {
        int n;
        p++;
        if (p + 1 < e && IS_DIGIT(p[0]) && IS_DIGIT(p[1]) && p[0] <= '5') {
            n = (p[0] - '0') * 10 + (p[1] - '0');
            p += 2;
        } else if (p < e && IS_DIGIT(*p)) {
            n = *p++ - '0';
        } else {
            return NULL;
        }
        if (*v > (UINT64_MAX - (uint64_t)n) / 60u)
            *over = 1;
        else
            *v = *v * 60u + (uint64_t)n;
        groups++;
    }
    return groups ? p : NULL;
}

/* YAML 1.1 numbers (with PyYAML's reading of the float pattern):
 * int   [-+]?0b[01_]+ | [-+]?0[0-7_]+ | [-+]?(0|[1-9][0-9_]*) | [-+]?0x[0-9a-fA-F_]+ |
 *       [-+]?[1-9][0-9_]*(:[0-5]?[0-9])+
 * float [-+]?[0-9][0-9_]*\.[0-9_]*([eE][-+][0-9]+)? | [-+]?\.[0-9_]+([eE][-+][0-9]+)? |
 *       [-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\.[0-9_]* | [-+]?\.inf | \.nan */
static py_kind y11_number(const char *s, size_t len, lua_Integer *iv)
{
    const char *p = s, *e = s + len, *q;
    int neg = 0, over = 0;
    uint64_t v;
    if (p < e && (*p == '+' || *p == '-'))
        neg = *p++ == '-';
    if (p == e)
        return PY_STR;
    if (*p == '.') {
        if (p + 4 == e && is_inf(p + 1, e))
            return neg ? PY_NINF : PY_INF;
        if (p == s && p + 4 == e && is_nan(p + 1, e))
            return PY_NAN;
        q = skip_dec(p + 1, e);
        if (q == p + 1 || !IS_DIGIT(p[1]))
            return PY_STR;
        goto exponent;
    }
    if (!IS_DIGIT(*p))
        return PY_STR;
    if (p[0] == '0' && p + 1 < e && (p[1] == 'b' || p[1] == 'x'))
        return int_of(read_digits(p + 2, e, p[1] == 'b' ? 2 : 16, 1, &v), &v, neg, iv);
    if (p[0] == '0' && p + 1 == e)
        return signed_int(0, neg, iv);
    q = skip_dec(p, e);
    if (q == e) /* 0-prefixed is octal; a 0-prefixed non-octal like 09 is a string */
        return int_of(read_digits(p, e, p[0] == '0' ? 8 : 10, 1, &v), &v, neg, iv);
    if (*q == ':') {
        int rc = read_digits(p, q, 10, 1, &v);
        if (rc == 0)
            return PY_STR;
        over = rc == 2;
        q = sexagesimal(q, e, &v, &over);
        if (q == NULL)
            return PY_STR;
        if (q == e)
            return p[0] == '0' ? PY_STR : over ? PY_BIGINT : signed_int(v, neg, iv);
        if (*q != '.')
            return PY_STR;
        return skip_dec(q + 1, e) == e ? PY_FLOAT : PY_STR;
    }
    if (*q != '.')
        return PY_STR;
    q = skip_dec(q + 1, e);
exponent:
    if (q < e && (*q == 'e' || *q == 'E')) {
        const char *x;
        q++;
        if (q == e || (*q != '+' && *q != '-'))
            return PY_STR;
        for (x = ++q; q < e && IS_DIGIT(*q); q++)
            ;
        if (q == x)
            return PY_STR;
    }
    return q == e ? PY_FLOAT : PY_STR;
}

py_kind parley_yaml_number(const char *s, size_t len, int schema, lua_Integer *iv)
{
    return schema == PY_SCHEMA_11 ? y11_number(s, len, iv) : core_number(s, len, iv);
}

py_kind parley_yaml_resolve(const char *s, size_t len, int schema, lua_Integer *iv)
{
    if (len == 0)
        return PY_NULL;
    switch (s[0]) {
    case '~':
        return len == 1 ? PY_NULL : PY_STR;
    case 'n': case 'N':
        if (is_word(s, len, "null\0Null\0NULL\0"))
            return PY_NULL;
        if (schema == PY_SCHEMA_11 && is_word(s, len, "n\0N\0no\0No\0NO\0"))
            return PY_FALSE;
        return PY_STR;
    case 't': case 'T':
        return is_word(s, len, "true\0True\0TRUE\0") ? PY_TRUE : PY_STR;
    case 'f': case 'F':
        return is_word(s, len, "false\0False\0FALSE\0") ? PY_FALSE : PY_STR;
    case 'y': case 'Y':
        if (schema == PY_SCHEMA_11 && is_word(s, len, "y\0Y\0yes\0Yes\0YES\0"))
            return PY_TRUE;
        return PY_STR;
    case 'o': case 'O':
        if (schema == PY_SCHEMA_11) {
            if (is_word(s, len, "on\0On\0ON\0"))
                return PY_TRUE;
            if (is_word(s, len, "off\0Off\0OFF\0"))
                return PY_FALSE;
        }
        return PY_STR;
    case '0': case '1': case '2': case '3': case '4': case '5': case '6': case '7': case '8':
    case '9': case '-': case '+': case '.':
        return parley_yaml_number(s, len, schema, iv);
    default:
        return PY_STR;
    }
}

/* YAML 1.1 floats may hold '_' and base-60 groups, which strtod does not read: the text is
 * rebuilt without them on the Lua stack (a rare path, so a luaL_Buffer is fine). */
static int push_float_11(lua_State *L, const char *s, size_t len)
{
    luaL_Buffer b;
    const char *p = s, *e = s + len;
    lua_Number acc = 0, sign = 1;
    if (p < e && (*p == '+' || *p == '-'))
        sign = *p++ == '-' ? -1 : 1;
    for (;;) {
        const char *q = p;
        while (q < e && *q != ':')
            q++;
        luaL_buffinit(L, &b);
        for (; p < q; p++)
            if (*p != '_')
                luaL_addchar(&b, *p);
        luaL_pushresult(&b);
        if (lua_stringtonumber(L, lua_tostring(L, -1)) == 0) {
            lua_pop(L, 1);
            return 0;
        }
        acc = acc * 60 + lua_tonumber(L, -1);
        lua_pop(L, 2);
        if (q == e)
            break;
        p = q + 1;
    }
    lua_pushnumber(L, sign * acc);
    return 1;
}

int parley_yaml_push_float(lua_State *L, const char *s, size_t len, int schema)
{
    if (schema == PY_SCHEMA_11 && (memchr(s, '_', len) || memchr(s, ':', len)))
        return push_float_11(L, s, len);
    if (lua_stringtonumber(L, s) == 0)
        return 0;
    /* Defensive: every PY_FLOAT text has a '.' or an exponent, which Lua reads as a float. */
    if (lua_isinteger(L, -1)) {
        lua_Number d = (lua_Number)lua_tointeger(L, -1);
        lua_pop(L, 1);
        lua_pushnumber(L, d);
    }
    return 1;
}
