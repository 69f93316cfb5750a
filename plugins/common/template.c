/* SPDX-License-Identifier: Apache-2.0 */
#include "template.h"

#include <stdio.h>
#include <string.h>

static void append(char *out, size_t len, size_t *used, const char *text, size_t n) {
    if (*used + 1 >= len) return;
    if (n > len - 1 - *used) n = len - 1 - *used;
    memcpy(out + *used, text, n);
    *used += n;
    out[*used] = '\0';
}

void render_template(const char *format, const vigil_event *ev, char *out, size_t len, int one_line) {
    char number[32], vips[1024] = "";
    size_t used = 0;
    out[0] = '\0';
    for (size_t i = 0; i < ev->vip_count; ++i) {
        size_t u = strlen(vips);
        snprintf(vips + u, sizeof vips - u, "%s%s", i ? " " : "", ev->vips[i]);
    }
    for (const char *p = format; *p;) {
        if (!one_line && p[0] == '\\' && p[1] == 'n') {
            append(out, len, &used, "\n", 1);
            p += 2;
            continue;
        }
        if (*p != '{' || !strchr(p, '}')) {
            append(out, len, &used, p, 1);
            ++p;
            continue;
        }
        const char *close = strchr(p, '}');
        size_t n = (size_t)(close - p - 1);
        const char *name = p + 1, *v = "";
#define FIELD(key) (n == sizeof(key) - 1 && strncmp(name, key, n) == 0)
        if (FIELD("time")) v = ev->time;
        else if (FIELD("kind")) v = ev->kind;
        else if (FIELD("name")) v = ev->name;
        else if (FIELD("state")) v = ev->state;
        else if (FIELD("prev_state")) v = ev->prev_state;
        else if (FIELD("host")) v = ev->host;
        else if (FIELD("reason")) v = ev->reason;
        else if (FIELD("vips")) v = vips;
        else if (FIELD("priority")) {
            snprintf(number, sizeof number, "%d", ev->priority);
            v = number;
        } else if (FIELD("seq")) {
            snprintf(number, sizeof number, "%llu", (unsigned long long)ev->seq);
            v = number;
        }
#undef FIELD
        if (!v) v = "";
        append(out, len, &used, v, strlen(v));
        p = close + 1;
    }
    if (one_line)
        for (char *c = out; *c; ++c)
            if (*c == '\n' || *c == '\r') *c = ' ';
}
