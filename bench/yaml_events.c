/* SPDX-License-Identifier: MIT */
/* The floor for parley.yaml.load: pulls every libyaml event from a file held in memory (as
 * load reads a Lua string) and does nothing with them. Prints "events N seconds S", S the
 * best CPU time of `runs` passes (default 3). Used by bench/yaml.lua.
 * Usage: yaml_events FILE [runs] */
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <yaml.h>

static double cpu_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Reads the whole file; NULL on failure. */
static unsigned char *slurp(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    if (f == NULL || fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        if (f)
            fclose(f);
        return NULL;
    }
    buf = malloc((size_t)n + 1);
    if (buf && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        free(buf);
        buf = NULL;
    }
    fclose(f);
    *len = (size_t)n;
    return buf;
}

/* One pass over the events; -1 on a parse error. */
static long pass(const unsigned char *text, size_t len)
{
    yaml_parser_t parser;
    yaml_event_t event;
    long events = 0;
    int done = 0;
    if (!yaml_parser_initialize(&parser))
        return -1;
    yaml_parser_set_input_string(&parser, text, len);
    while (!done) {
        if (!yaml_parser_parse(&parser, &event)) {
            fprintf(stderr, "yaml_events: %s at line %lu\n", parser.problem,
                    (unsigned long)parser.problem_mark.line + 1);
            yaml_parser_delete(&parser);
            return -1;
        }
        done = event.type == YAML_STREAM_END_EVENT;
        yaml_event_delete(&event);
        events++;
    }
    yaml_parser_delete(&parser);
    return events;
}

int main(int argc, char **argv)
{
    size_t len;
    unsigned char *text;
    int runs = argc > 2 ? atoi(argv[2]) : 3, i;
    double best = -1;
    long events = 0;
    if (argc < 2 || (text = slurp(argv[1], &len)) == NULL) {
        fprintf(stderr, "usage: yaml_events FILE [runs]\n");
        return 2;
    }
    for (i = 0; i < runs; i++) {
        double t0 = cpu_seconds(), t;
        events = pass(text, len);
        t = cpu_seconds() - t0;
        if (events < 0) {
            free(text);
            return 1;
        }
        if (best < 0 || t < best)
            best = t;
    }
    printf("events %ld seconds %.6f\n", events, best);
    free(text);
    return 0;
}
