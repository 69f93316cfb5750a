/* SPDX-License-Identifier: Apache-2.0 */
/* The log notifier: one line per event, to a file (appended, reopened each
 * time so logrotate needs no signal) or to syslog, from a template. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <syslog.h>
#include <unistd.h>

#include "../common/plugin_util.h"
#include "../common/template.h"

#define DEFAULT_FORMAT "{time} {kind} {name} {prev_state} -> {state} priority {priority} vips {vips} on {host}: {reason}"

struct log_notifier {
    const vigil_host_api *host;
    char *path;   /* NULL: syslog */
    char *format;
};

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    int to_syslog = vigil_config_bool(cfg, "syslog", 0);
    int to_file = vigil_config_get(cfg, "path") != NULL;
    if (to_syslog == to_file) {
        snprintf(err, errlen, "a log notifier needs exactly one of 'path' or 'syslog = yes'");
        return -1;
    }
    return 0;
}

static void *create(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen) {
    if (validate(cfg, err, errlen) != 0) return NULL;
    struct log_notifier *n = calloc(1, sizeof *n);
    n->host = host;
    const char *path = vigil_config_get(cfg, "path");
    const char *format = vigil_config_get(cfg, "format");
    n->path = path ? strdup(path) : NULL;
    n->format = strdup(format ? format : DEFAULT_FORMAT);
    return n;
}

static int deliver(void *state, const vigil_event *ev, int64_t timeout_ms, char *err, size_t errlen) {
    (void)timeout_ms;
    struct log_notifier *n = state;
    char line[4096];
    render_template(n->format, ev, line, sizeof line - 1, 1);
    if (!n->path) {
        syslog(LOG_NOTICE | LOG_DAEMON, "%s", line);
        return 0;
    }
    int fd = open(n->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0640);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", n->path, strerror(errno));
        return -1;
    }
    size_t len = strlen(line);
    line[len++] = '\n';
    ssize_t w = write(fd, line, len);
    int saved = errno;
    close(fd);
    if (w != (ssize_t)len) {
        snprintf(err, errlen, "%s: %s", n->path, w < 0 ? strerror(saved) : "short write");
        return -1;
    }
    return 0;
}

static void destroy(void *state) {
    struct log_notifier *n = state;
    free(n->path);
    free(n->format);
    free(n);
}

static const vigil_key keys[] = {
    {"path", VIGIL_KEY_PATH, 0, 0, 0, NULL},
    {"syslog", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"format", VIGIL_KEY_TEMPLATE, 0, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "append one line per event to this file (exactly one of path and syslog = yes)"},
    {"no", "log one line per event to syslog (daemon.notice) instead"},
    {DEFAULT_FORMAT, "the line, with {field} placeholders of the event"},
};

static const vigil_notifier_type log_type = {
    sizeof(vigil_notifier_type), "log", NULL, keys, sizeof keys / sizeof keys[0], 0, validate, create, deliver, destroy, docs,
};

static const vigil_notifier_type *const notifiers[] = {&log_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("log", "1.0");
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
