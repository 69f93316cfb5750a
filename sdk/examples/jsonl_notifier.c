/* SPDX-License-Identifier: Apache-2.0 */
/* An example notifier: appends each event, as its JSON object, to a file,
 * one per line. deliver() runs on the notifier's own thread and may block.
 * It uses only what plugin ABI 1.1 offered (vigil_config_get, no key docs or
 * typed getters), which every later 1.x keeps working, and names the fields
 * it sets, so fields a later ABI appends stay zero.
 *
 *   [notifier audit]
 *   type = jsonl
 *   path = /var/log/vigil/events.jsonl
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin.h>

struct jsonl {
    char path[4096];
};

static void *create(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen) {
    const char *path = vigil_config_get(cfg, "path");
    struct jsonl *n;
    (void)host;
    if (!path || strlen(path) >= sizeof n->path) {
        snprintf(err, errlen, "path is missing or too long");
        return NULL;
    }
    n = calloc(1, sizeof *n);
    strcpy(n->path, path);
    return n;
}

static int deliver(void *state, const vigil_event *event, int64_t timeout_ms, char *err, size_t errlen) {
    struct jsonl *n = state;
    FILE *f = fopen(n->path, "a");
    (void)timeout_ms;
    if (!f) {
        snprintf(err, errlen, "cannot open %s", n->path);
        return -1; /* the host retries with backoff */
    }
    fprintf(f, "%s\n", event->json);
    return fclose(f) == 0 ? 0 : -1;
}

static void destroy(void *state) { free(state); }

static const vigil_key keys[] = {
    {"path", VIGIL_KEY_PATH, VIGIL_KEY_REQUIRED, 0, 0, NULL},
};

static const vigil_notifier_type jsonl_type = {
    .size = sizeof(vigil_notifier_type),
    .name = "jsonl",
    .keys = keys,
    .key_count = 1,
    .create = create,
    .deliver = deliver,
    .destroy = destroy,
};

static const vigil_notifier_type *const notifiers[] = {&jsonl_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("example-jsonl", "1.0");
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
