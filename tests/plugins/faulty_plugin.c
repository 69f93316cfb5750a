/* SPDX-License-Identifier: Apache-2.0 */
/* A deliberately faulty tracker plugin, built against the SDK alone, for the
 * tests of what vigild does when a plugin misbehaves. Type `faulty`:
 *   crash_file = PATH   poll() dereferences NULL when PATH exists
 *   block_file = PATH   poll() blocks the loop for `block_for` when PATH exists
 *   keep_trigger = yes  leave PATH in place (a fault at every poll: a crash
 *                       loop); by default poll() removes it as it fires, so a
 *                       restarted worker runs clean
 *   block_for = DURATION  (default 10s)
 *   fail_create = yes   create() fails with "refusing to start on purpose"
 *   report_twice = yes  every poll reports twice
 *   report_late = yes   every poll reports once, late: at 2 x timeout + 100 ms,
 *                       after the host's own deadline (timeout + 10% + 50 ms)
 *                       has counted the check as failed (keep the interval
 *                       longer, or the report lands in the next poll)
 * Otherwise every poll reports success. Before it crashes or blocks, poll()
 * writes CLOCK_MONOTONIC in nanoseconds to PATH.fired: the moment of the
 * fault, for tests that time what follows. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <vigil/plugin.h>

typedef struct faulty {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    char *crash_file, *block_file;
    int64_t block_us, timeout_us;
    int report_twice, report_late, keep_trigger;
    vigil_timer *late;
} faulty;

static char *copy(const char *s) { return s ? strdup(s) : NULL; }

static void report(faulty *f, const char *reason) {
    vigil_result r = VIGIL_RESULT_INIT;
    r.ok = 1;
    r.reason = reason;
    f->host->report(f->tracker, &r);
}

static void late_report(void *arg) { report(arg, "late on purpose"); }

static void fire(const faulty *f, const char *trigger) {
    char path[4096];
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    snprintf(path, sizeof path, "%s.fired", trigger);
    FILE *out = fopen(path, "w");
    if (!out) return;
    fprintf(out, "%lld\n", (long long)now.tv_sec * 1000000000LL + now.tv_nsec);
    fclose(out);
    if (!f->keep_trigger) unlink(trigger);
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    if (vigil_config_bool(cfg, "fail_create", 0)) {
        snprintf(err, errlen, "refusing to start on purpose");
        return NULL;
    }
    faulty *f = calloc(1, sizeof *f);
    if (!f) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    f->host = host;
    f->tracker = tracker;
    f->crash_file = copy(vigil_config_get(cfg, "crash_file"));
    f->block_file = copy(vigil_config_get(cfg, "block_file"));
    f->block_us = vigil_config_duration_ms(cfg, "block_for", 10000) * 1000;
    f->timeout_us = cfg->timeout_ms * 1000;
    f->report_twice = vigil_config_bool(cfg, "report_twice", 0);
    f->report_late = vigil_config_bool(cfg, "report_late", 0);
    f->keep_trigger = vigil_config_bool(cfg, "keep_trigger", 0);
    f->late = host->timer_new(host->host, late_report, f);
    return f;
}

/* The fault under test: a store through NULL, the real thing (a SIGSEGV).
 * Not instrumented: under ./scripts/test --sanitize, UBSan would report it
 * and exit first, which is not the crash the tests are about. */
__attribute__((no_sanitize("undefined"))) static void crash_now(void) {
    volatile int *nowhere = NULL;
    *nowhere = 1;
}

static void poll_once(void *state) {
    faulty *f = state;
    if (f->crash_file && access(f->crash_file, F_OK) == 0) {
        fire(f, f->crash_file);
        crash_now();
    }
    if (f->block_file && access(f->block_file, F_OK) == 0) {
        fire(f, f->block_file);
        struct timespec left = {(time_t)(f->block_us / 1000000), (long)(f->block_us % 1000000) * 1000};
        while (nanosleep(&left, &left) != 0) {
        }
    }
    if (f->report_late) {
        f->host->timer_arm(f->late, 2 * f->timeout_us + 100000);
        return;
    }
    report(f, "fine");
    if (f->report_twice) report(f, "fine again");
}

static void destroy(void *state) {
    faulty *f = state;
    f->host->timer_free(f->late);
    free(f->crash_file);
    free(f->block_file);
    free(f);
}

static const vigil_key keys[] = {
    {"crash_file", VIGIL_KEY_PATH, 0, 0, 0, NULL},  {"block_file", VIGIL_KEY_PATH, 0, 0, 0, NULL},
    {"block_for", VIGIL_KEY_DURATION, 0, 0, 0, NULL}, {"fail_create", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"report_twice", VIGIL_KEY_BOOL, 0, 0, 0, NULL}, {"report_late", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"keep_trigger", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
};
/* In the order of `keys`; what each does is in the comment at the top. */
static const vigil_key_doc docs[] = {
    {NULL, "poll() crashes while this file exists"}, {NULL, "poll() blocks the loop while this file exists"},
    {"10s", "how long poll() blocks"},              {"no", "create() fails"},
    {"no", "every poll reports twice"},             {"no", "every poll reports late"},
    {"no", "leave the trigger file in place"},
};
static const vigil_tracker_type type = {
    sizeof(vigil_tracker_type), "faulty", NULL, keys, sizeof keys / sizeof keys[0], 0, NULL, create, NULL, poll_once, NULL, destroy, docs,
};
static const vigil_tracker_type *const trackers[] = {&type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("faulty", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
