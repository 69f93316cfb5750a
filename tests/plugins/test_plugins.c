/* SPDX-License-Identifier: Apache-2.0 */
/* Purpose-built plugins for the loader tests; TEST_PLUGIN selects which:
 * 0 good (also built a second time as good_twin), 1 wrong_major,
 * 2 newer_minor, 3 no_entry, 5 bad_key, 6 alias_twin (type aliascheck,
 * alias testcheck). */
#include <stdio.h>
#include <string.h>

#include <vigil/plugin.h>

static void *create(const vigil_host_api *h, vigil_tracker *t, const vigil_config *c, char *e, size_t n) {
    (void)h; (void)t; (void)c; (void)e; (void)n;
    static int state;
    return &state;
}
static void destroy(void *s) { (void)s; }

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    const char *target = vigil_config_get(cfg, "target");
    if (target && strcmp(target, "forbidden") == 0) {
        snprintf(err, errlen, "target 'forbidden' is not allowed");
        return -1;
    }
    return 0;
}

#if TEST_PLUGIN == 5
#define KIND 99 /* a key kind this host does not know */
#else
#define KIND VIGIL_KEY_INTEGER
#endif

static const vigil_key keys[] = {
    {"target", VIGIL_KEY_TEXT, VIGIL_KEY_REQUIRED, 0, 0, NULL},
    {"level", KIND, 0, 1, 5, NULL},
};
#if TEST_PLUGIN == 6
static const char *const aliases[] = {"testcheck", NULL};
#define NAME "aliascheck"
#define ALIASES aliases
#else
#define NAME "testcheck"
#define ALIASES NULL
#endif

static const vigil_tracker_type type = {
    sizeof(vigil_tracker_type), NAME, ALIASES, keys, 2, 0, validate, create, NULL, NULL, NULL, destroy, NULL,
};
static const vigil_tracker_type *const trackers[] = {&type};

#if TEST_PLUGIN == 3
/* No entry symbol: something else instead. */
VIGIL_EXPORT const void *not_the_entry(void) { return trackers; }
#else
VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("testcheck", "0.1");
#if TEST_PLUGIN == 1
    info.abi_major = VIGIL_ABI_MAJOR + 1;
#elif TEST_PLUGIN == 2
    info.abi_minor = VIGIL_ABI_MINOR + 1;
#endif
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
#endif
