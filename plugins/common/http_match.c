#include "http_match.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int http_parse_status_list(const char *text, struct http_range *out, int max) {
    int n = 0;
    const char *p = text;
    while (*p) {
        while (*p && (isspace((unsigned char)*p) || *p == ',')) ++p;
        if (!*p) break;
        if (n >= max) return -1;
        char *end;
        long lo = strtol(p, &end, 10), hi = lo;
        if (end == p) return -1;
        p = end;
        if (*p == '-') {
            hi = strtol(p + 1, &end, 10);
            if (end == p + 1) return -1;
            p = end;
        }
        if (*p && !isspace((unsigned char)*p) && *p != ',') return -1;
        if (lo < 100 || hi > 599 || lo > hi) return -1;
        out[n].lo = (int)lo;
        out[n].hi = (int)hi;
        ++n;
    }
    return n > 0 ? n : -1;
}

int http_judge(int status, const char *error, const char *body, const struct http_range *ranges, int range_count,
               const char *expect_body, char *reason, size_t reason_len) {
    if (error) {
        snprintf(reason, reason_len, "%s", error);
        return 0;
    }
    int expected = 0;
    for (int i = 0; i < range_count; ++i)
        if (status >= ranges[i].lo && status <= ranges[i].hi) expected = 1;
    if (!expected) {
        snprintf(reason, reason_len, "HTTP %d, not an expected status", status);
        return 0;
    }
    if (expect_body && *expect_body && !strstr(body ? body : "", expect_body)) {
        snprintf(reason, reason_len, "HTTP %d, but the body lacks '%s'", status, expect_body);
        return 0;
    }
    snprintf(reason, reason_len, "HTTP %d", status);
    return 1;
}
