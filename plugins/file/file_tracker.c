/* SPDX-License-Identifier: Apache-2.0 */
/* The file tracker: DOWN while a file exists (the classic maintenance "down"
 * file), UP while it exists, or the integer in it times the weight
 * (keepalived's track_file). inotify on the file's directory: a change is
 * seen the moment it happens, with no polling. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../common/plugin_util.h"

enum mode { EXISTS_DOWN, EXISTS_UP, VALUE };  /* in the order of `modes`: the choice index is the mode */

struct file_tracker {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    char path[PATH_MAX];
    char dir[PATH_MAX];
    enum mode mode;
    int fd;
    int wd;
    vigil_watch *watch;
    vigil_timer *retry;   /* while the directory does not exist */
    int64_t interval_us;
};

static void evaluate(struct file_tracker *t) {
    vigil_result r = VIGIL_RESULT_INIT;
    char reason[PATH_MAX + 64];
    struct stat st;
    int exists = stat(t->path, &st) == 0;
    if (t->mode == VALUE) {
        r.ok = 1;
        r.has_value = 1;
        r.value = 0;
        if (exists) {
            /* This runs on the event loop: a FIFO or device at the path must not
             * block it, so only a regular file is read, opened non-blocking. */
            int fd = S_ISREG(st.st_mode) ? open(t->path, O_RDONLY | O_NONBLOCK | O_CLOEXEC) : -1;
            FILE *f = fd >= 0 ? fdopen(fd, "r") : NULL;
            if (fd >= 0 && !f) close(fd);
            long long v = 0;
            char extra;
            int n = f ? fscanf(f, " %lld %c", &v, &extra) : 0;
            if (f) fclose(f);
            if (n == 1 || (n == 2 && extra == '\n')) {
                r.value = v;
                snprintf(reason, sizeof reason, "%s reads %lld", t->path, v);
            } else if (f && n == EOF) {
                snprintf(reason, sizeof reason, "%s is empty (counts as 0)", t->path);
            } else {
                r.ok = 0;
                r.has_value = 0;
                snprintf(reason, sizeof reason, "%s does not hold an integer", t->path);
            }
        } else {
            snprintf(reason, sizeof reason, "%s is absent (counts as 0)", t->path);
        }
    } else {
        r.ok = t->mode == EXISTS_DOWN ? !exists : exists;
        snprintf(reason, sizeof reason, "%s %s", t->path, exists ? "exists" : "is absent");
    }
    r.reason = reason;
    r.latency_us = 0;
    t->host->report(t->tracker, &r);
}

static void on_inotify(int fd, void *arg) {
    struct file_tracker *t = arg;
    char buf[4096] __attribute__((aligned(__alignof__(struct inotify_event))));
    int gone = 0;
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) {
        for (char *p = buf; p < buf + n;) {
            struct inotify_event *e = (struct inotify_event *)p;
            if (e->mask & (IN_IGNORED | IN_DELETE_SELF | IN_MOVE_SELF)) gone = 1;
            p += sizeof *e + e->len;
        }
    }
    if (gone) {
        /* The directory itself went away: watch for it to come back. */
        t->host->unwatch(t->watch);
        t->watch = NULL;
        close(t->fd);
        t->fd = -1;
        t->host->timer_arm(t->retry, t->interval_us);
    }
    evaluate(t);
}

static int add_watch(struct file_tracker *t) {
    t->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
    if (t->fd < 0) return -1;
    t->wd = inotify_add_watch(t->fd, t->dir,
                              IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | IN_CLOSE_WRITE | IN_MODIFY |
                                  IN_ATTRIB | IN_DELETE_SELF | IN_MOVE_SELF | IN_ONLYDIR);
    if (t->wd < 0) {
        close(t->fd);
        t->fd = -1;
        return -1;
    }
    t->watch = t->host->watch_readable(t->host->host, t->fd, on_inotify, t);
    return 0;
}

static void on_retry(void *arg) {
    struct file_tracker *t = arg;
    if (add_watch(t) != 0) t->host->timer_arm(t->retry, t->interval_us);
    evaluate(t);
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    const char *path = vigil_config_get(cfg, "path");
    if (!path || strlen(path) >= PATH_MAX) {
        snprintf(err, errlen, "path missing or too long");
        return NULL;
    }
    struct file_tracker *t = calloc(1, sizeof *t);
    t->host = host;
    t->tracker = tracker;
    t->fd = -1;
    t->interval_us = (cfg->interval_ms > 0 ? cfg->interval_ms : 1000) * 1000;
    snprintf(t->path, sizeof t->path, "%s", path);
    snprintf(t->dir, sizeof t->dir, "%s", path);
    char *slash = strrchr(t->dir, '/');
    if (slash == t->dir) slash[1] = '\0';
    else *slash = '\0';
    t->mode = (enum mode)vigil_config_choice(cfg, "mode", EXISTS_DOWN);
    t->retry = host->timer_new(host->host, on_retry, t);
    return t;
}

static void start(void *state) {
    struct file_tracker *t = state;
    if (add_watch(t) != 0) {
        plog(t->host, VIGIL_LOG_WARNING, "file tracker: cannot watch %s (%s); checking every interval until it can",
             t->dir, strerror(errno));
        t->host->timer_arm(t->retry, t->interval_us);
    }
    evaluate(t);
}

static void destroy(void *state) {
    struct file_tracker *t = state;
    if (t->watch) t->host->unwatch(t->watch);
    if (t->fd >= 0) close(t->fd);
    t->host->timer_free(t->retry);
    free(t);
}

static const char *const modes[] = {"exists-down", "exists-up", "value", NULL};
static const vigil_key keys[] = {
    {"path", VIGIL_KEY_PATH, VIGIL_KEY_REQUIRED, 0, 0, NULL},
    {"mode", VIGIL_KEY_CHOICE, 0, 0, 0, modes},
};
static const vigil_key_doc docs[] = {
    {NULL, "the file to watch (its directory is watched with inotify)"},
    {"exists-down", "exists-down: DOWN while it exists; exists-up: UP while it exists; value: its integer times the weight"},
};

static const vigil_tracker_type file_type = {
    sizeof(vigil_tracker_type), "file", NULL, keys, sizeof keys / sizeof keys[0], 0, NULL, create, start, NULL, NULL, destroy, docs,
};

static const vigil_tracker_type *const trackers[] = {&file_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("file", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
