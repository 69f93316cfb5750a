/* SPDX-License-Identifier: Apache-2.0 */
/* An example tracker: UP while some local socket listens on a TCP port.
 * Polled every interval; reads /proc/net/tcp and tcp6, so it never blocks.
 * Written for plugin ABI 1.2: its key has a description, and it reads the
 * port as the host parsed it (jsonl_notifier.c keeps to what 1.1 offers).
 *
 *   [tracker api]
 *   type = tcp_listen
 *   port = 8080
 *   interval = 1s
 *   weight = -10
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin.h>

struct tcp_listen {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    unsigned port;
};

/* True if `table` (/proc/net/tcp format) has a LISTEN (state 0A) socket on port. */
static int listening(const char *table, unsigned port) {
    FILE *f = fopen(table, "r");
    char line[512];
    int found = 0;
    if (!f) return 0;
    if (!fgets(line, sizeof line, f)) line[0] = '\0'; /* header */
    while (!found && fgets(line, sizeof line, f)) {
        char local[64];
        unsigned state;
        /* "  0: 0100007F:1F90 00000000:0000 0A ..." */
        if (sscanf(line, "%*d: %63s %*s %x", local, &state) != 2) continue;
        const char *colon = strrchr(local, ':');
        if (colon && (unsigned)strtoul(colon + 1, NULL, 16) == port && state == 0x0A) found = 1;
    }
    fclose(f);
    return found;
}

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    (void)cfg;
    (void)err;
    (void)errlen;
    return 0; /* the key table already checks port's range */
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    /* Required and checked against 1-65535 before create(): 0 never comes. */
    int64_t port = vigil_config_integer(cfg, "port", 0);
    struct tcp_listen *t;
    if (!port) {
        snprintf(err, errlen, "port is missing");
        return NULL;
    }
    t = calloc(1, sizeof *t);
    t->host = host;
    t->tracker = tracker;
    t->port = (unsigned)port;
    return t;
}

static void poll(void *state) {
    struct tcp_listen *t = state;
    vigil_result r = VIGIL_RESULT_INIT;
    char reason[64];
    r.ok = listening("/proc/net/tcp", t->port) || listening("/proc/net/tcp6", t->port);
    snprintf(reason, sizeof reason, "port %u %s", t->port, r.ok ? "is listening" : "has no listener");
    r.reason = reason;
    t->host->report(t->tracker, &r); /* may be called from poll() itself */
}

static void destroy(void *state) { free(state); }

static const vigil_key keys[] = {
    {"port", VIGIL_KEY_INTEGER, VIGIL_KEY_REQUIRED, 1, 65535, NULL},
};
static const vigil_key_doc key_docs[] = {
    {NULL, "UP while a local socket listens on this TCP port"}, /* required: no default */
};

static const vigil_tracker_type tcp_listen_type = {
    sizeof(vigil_tracker_type), "tcp_listen", NULL, keys, 1, 0, validate, create, NULL, poll, NULL, destroy, key_docs,
};

static const vigil_tracker_type *const trackers[] = {&tcp_listen_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("example-tcp-listen", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
