/* SPDX-License-Identifier: Apache-2.0 */
/* A tracker (typedcheck) and a notifier (typednote) with a key of each
 * parsed kind, for the SDK 1.2 tests. create() refuses on purpose, with what
 * it saw through the getters as its message, so a test reads it back from
 * TrackerRuntime::start() or the create() call. TYPED_PLUGIN selects:
 * 0 built for 1.2; 1 built for 1.1 (ABI minor 1 and the 1.1 struct sizes,
 * key_docs left in place beyond the size: the host must not read them);
 * 2 a 1.2 plugin whose default its own key refuses. */
#include <stdio.h>
#include <string.h>

#include <vigil/plugin.h>

/* "key=value ..." of every key as the plugin sees it. */
static void describe(const vigil_config *cfg, char *out, size_t len) {
    size_t count = 0, i;
    const vigil_range *codes = vigil_config_status_ranges(cfg, "codes", &count);
    char ranges[128] = "", defaulted[128] = "";
    for (i = 0; i < count; ++i) {
        size_t used = strlen(ranges);
        snprintf(ranges + used, sizeof ranges - used, "%s%d-%d", i ? "," : "", (int)codes[i].lo, (int)codes[i].hi);
    }
    for (i = 0; VIGIL_HAS_FIELD(vigil_config, cfg, values) && cfg->values && i < cfg->option_count; ++i)
        if (cfg->values[i].flags & VIGIL_VALUE_DEFAULT) {
            size_t used = strlen(defaulted);
            snprintf(defaulted + used, sizeof defaulted - used, "%s%s", used ? "," : "", cfg->options[i].key);
        }
    const char *raw = vigil_config_get(cfg, "count"), *note = vigil_config_get(cfg, "note");
    snprintf(out, len, "count=%lld enabled=%d wait=%lld codes=%s color=%d note=%s raw_count=%s defaulted=%s values=%s",
             (long long)vigil_config_integer(cfg, "count", -1), vigil_config_bool(cfg, "enabled", -1),
             (long long)vigil_config_duration_ms(cfg, "wait", -1), count ? ranges : "none",
             vigil_config_choice(cfg, "color", -1), note ? note : "none", raw ? raw : "none", defaulted[0] ? defaulted : "none",
             VIGIL_HAS_FIELD(vigil_config, cfg, values) ? "yes" : "no");
}

static void *create_tracker(const vigil_host_api *h, vigil_tracker *t, const vigil_config *c, char *e, size_t n) {
    (void)h;
    (void)t;
    describe(c, e, n);
    return NULL;
}
static void *create_notifier(const vigil_host_api *h, const vigil_config *c, char *e, size_t n) {
    (void)h;
    describe(c, e, n);
    return NULL;
}
static int deliver(void *s, const vigil_event *ev, int64_t timeout_ms, char *e, size_t n) {
    (void)s;
    (void)ev;
    (void)timeout_ms;
    (void)e;
    (void)n;
    return 0;
}
static void destroy(void *s) { (void)s; }

static const char *const colors[] = {"red", "green", "blue", NULL};
static const vigil_key keys[] = {
    {"count", VIGIL_KEY_INTEGER, 0, 1, 1000, NULL},
    {"enabled", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"wait", VIGIL_KEY_DURATION, 0, 1, 0, NULL},
    {"codes", VIGIL_KEY_STATUS_LIST, 0, 0, 0, NULL},
    {"color", VIGIL_KEY_CHOICE, 0, 0, 0, colors},
    {"note", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"token", VIGIL_KEY_TEXT, VIGIL_KEY_SECRET, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
#if TYPED_PLUGIN == 2
    {"1001", "how many"},
#else
    {"3", "how many"},
#endif
    {"yes", "whether it is on"},
    {"2s", "how long to wait"},
    {"200-299 304", "the statuses that pass"},
    {"green", "which color"},
    {NULL, "free text, no default"},
    {NULL, "a credential"},
};

#if TYPED_PLUGIN == 1
#define MINOR 1
#define TRACKER_SIZE offsetof(vigil_tracker_type, key_docs)
#define NOTIFIER_SIZE offsetof(vigil_notifier_type, key_docs)
#else
#define MINOR VIGIL_ABI_MINOR
#define TRACKER_SIZE sizeof(vigil_tracker_type)
#define NOTIFIER_SIZE sizeof(vigil_notifier_type)
#endif

static const vigil_tracker_type tracker = {
    TRACKER_SIZE, "typedcheck", NULL, keys, sizeof keys / sizeof keys[0], 0, NULL, create_tracker, NULL, NULL, NULL, destroy,
    docs,
};
static const vigil_notifier_type notifier = {
    NOTIFIER_SIZE, "typednote", NULL, keys, sizeof keys / sizeof keys[0], 0, NULL, create_notifier, deliver, destroy, docs,
};
static const vigil_tracker_type *const trackers[] = {&tracker};
static const vigil_notifier_type *const notifiers[] = {&notifier};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("typed", "0.1");
    info.abi_minor = MINOR;
    info.trackers = trackers;
    info.tracker_count = 1;
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
