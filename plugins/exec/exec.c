/* SPDX-License-Identifier: Apache-2.0 */
/* The exec tracker and notifier: keepalived's vrrp_script and notify
 * scripts. Commands run through the host (as script_user, clean
 * environment, no shell unless shell = yes, killed on timeout). */
#define _GNU_SOURCE
#include <stdint.h>

#include "../common/plugin_util.h"
#include "../common/trusted_path.h"

/* ------------------------------------------------------------------ shared */

struct command {
    char **argv;       /* split command, or NULL with shell */
    char *line;        /* for the shell (a copy: cfg lives only during create) */
    int shell;
    char *user;
};

static int parse_command(const vigil_config *cfg, struct command *c, char *err, size_t errlen) {
    const char *line = vigil_config_get(cfg, "command");
    memset(c, 0, sizeof *c);
    c->shell = vigil_config_bool(cfg, "shell", 0);
    if (!line || !*line) {
        snprintf(err, errlen, "command is empty");
        return -1;
    }
    if (!c->shell) {
        c->argv = split_command(line);
        if (!c->argv || !c->argv[0]) {
            free(c->argv);
            c->argv = NULL;
            snprintf(err, errlen, "command: unbalanced quotes or no program");
            return -1;
        }
        if (c->argv[0][0] != '/') {
            snprintf(err, errlen, "command: '%s' is not an absolute path (no PATH search; or set shell = yes)", c->argv[0]);
            free(c->argv);
            c->argv = NULL;
            return -1;
        }
    }
    const char *user = vigil_config_get(cfg, "user");
    c->user = user ? strdup(user) : NULL;
    c->line = strdup(line);
    return 0;
}

static void free_command(struct command *c) {
    free(c->argv);
    free(c->user);
    free(c->line);
}

static int validate_command(const vigil_config *cfg, char *err, size_t errlen) {
    struct command c;
    if (parse_command(cfg, &c, err, errlen) != 0) return -1;
    free_command(&c);
    return 0;
}

/* A one-line summary of a command's output for reasons. */
static void first_line(const char *output, char *out, size_t len) {
    size_t n = strcspn(output ? output : "", "\n");
    if (n >= len) n = len - 1;
    memcpy(out, output ? output : "", n);
    out[n] = '\0';
}

/* ------------------------------------------------------------------ tracker */

struct exec_tracker {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    struct command cmd;
    char *shell_argv[2];
    vigil_process *running;
};

static void on_exit_tracker(void *arg, const vigil_exit *e) {
    struct exec_tracker *t = arg;
    t->running = NULL;
    vigil_result r = VIGIL_RESULT_INIT;
    char line[200], reason[300];
    first_line(e->output, line, sizeof line);
    r.ok = e->exit_code == 0;
    if (e->signal) snprintf(reason, sizeof reason, "killed by signal %d", e->signal);
    else snprintf(reason, sizeof reason, "exit %d%s%s", e->exit_code, line[0] ? ": " : "", line);
    r.reason = reason;
    r.latency_us = e->duration_us;
    t->host->report(t->tracker, &r);
}

static void *create_tracker(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err,
                            size_t errlen) {
    struct exec_tracker *t = calloc(1, sizeof *t);
    t->host = host;
    t->tracker = tracker;
    if (parse_command(cfg, &t->cmd, err, errlen) != 0) {
        free(t);
        return NULL;
    }
    return t;
}

static void poll_tracker(void *state) {
    struct exec_tracker *t = state;
    vigil_spawn spec = {sizeof(vigil_spawn), NULL, NULL, t->cmd.shell, t->cmd.user, 0};
    if (t->cmd.shell) {
        t->shell_argv[0] = (char *)t->cmd.line;
        t->shell_argv[1] = NULL;
        spec.argv = (const char *const *)t->shell_argv;
    } else {
        spec.argv = (const char *const *)t->cmd.argv;
    }
    char err[256] = "";
    t->running = t->host->spawn(t->host->host, &spec, on_exit_tracker, t, err, sizeof err);
    if (!t->running) {
        vigil_result r = VIGIL_RESULT_INIT;
        r.reason = err;
        t->host->report(t->tracker, &r);
    }
}

static void cancel_tracker(void *state) {
    struct exec_tracker *t = state;
    if (t->running) t->host->kill(t->running);
    t->running = NULL;
}

static void destroy_tracker(void *state) {
    struct exec_tracker *t = state;
    if (t->running) t->host->kill(t->running);
    free_command(&t->cmd);
    free(t);
}

/* ------------------------------------------------------------------ notifier */

struct exec_notifier {
    const vigil_host_api *host;
    struct command cmd;
    int pass_args;
};

static void *create_notifier(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen) {
    struct exec_notifier *n = calloc(1, sizeof *n);
    n->host = host;
    if (parse_command(cfg, &n->cmd, err, errlen) != 0) {
        free(n);
        return NULL;
    }
    n->pass_args = vigil_config_bool(cfg, "pass_args", 1);
    return n;
}

/* Runs the notify command once; 0 on exit 0, else -1 with why in err. */
static int run_notify_command(struct exec_notifier *n, const char **args, size_t argc, const char **env, int64_t timeout_ms,
                              char *err, size_t errlen) {
    vigil_spawn spec = {sizeof(vigil_spawn), args, env, 0, n->cmd.user, timeout_ms};
    if (n->cmd.shell) {
        /* The host checks /bin/sh only: the program the line starts with is ours to check. */
        if (check_shell_line_program(n->cmd.line, err, errlen) != 0) return -1;
        /* /bin/sh -c LINE NAME ARGS...: run() adds /bin/sh -c only for argv[0]. */
        static const char *const sh = "/bin/sh";
        const char *full[68];
        size_t k = 0;
        full[k++] = sh;
        full[k++] = "-c";
        for (size_t i = 0; i < argc; ++i) full[k++] = args[i];
        full[k] = NULL;
        spec.argv = full;
        vigil_exit e;
        if (n->host->run(n->host->host, &spec, &e, err, errlen) != 0) return -1;
        if (e.exit_code == 0) return 0;
        char line[200];
        first_line(e.output, line, sizeof line);
        snprintf(err, errlen, "%s%s%s", e.timed_out ? "timed out" : "failed", line[0] ? ": " : "", line);
        return -1;
    }
    vigil_exit e;
    if (n->host->run(n->host->host, &spec, &e, err, errlen) != 0) return -1;
    if (e.exit_code == 0) return 0;
    char line[200];
    first_line(e.output, line, sizeof line);
    if (e.timed_out) snprintf(err, errlen, "timed out after %lld ms", (long long)timeout_ms);
    else if (e.signal) snprintf(err, errlen, "killed by signal %d", e.signal);
    else snprintf(err, errlen, "exit %d%s%s", e.exit_code, line[0] ? ": " : "", line);
    return -1;
}

static int deliver(void *state, const vigil_event *ev, int64_t timeout_ms, char *err, size_t errlen) {
    struct exec_notifier *n = state;
    /* keepalived's generic notify arguments: INSTANCE|GROUP NAME STATE PRIORITY
     * (and ANYCAST NAME ANNOUNCED|WITHDRAWN 0 for vigil's own [anycast]). */
    char kind[16], priority[16], seq[32], vips[1024] = "";
    snprintf(kind, sizeof kind, "%s",
             strcmp(ev->kind, "group") == 0     ? "GROUP"
             : strcmp(ev->kind, "anycast") == 0 ? "ANYCAST"
                                                : "INSTANCE");
    snprintf(priority, sizeof priority, "%d", ev->priority);
    snprintf(seq, sizeof seq, "%llu", (unsigned long long)ev->seq);
    for (size_t i = 0; i < ev->vip_count; ++i) {
        size_t used = strlen(vips);
        snprintf(vips + used, sizeof vips - used, "%s%s", i ? " " : "", ev->vips[i]);
    }
    const char *args[64];
    size_t argc = 0;
    char *shell_line = NULL;
    if (n->cmd.shell) {
        /* Event fields are never pasted into the shell line: with pass_args
         * they arrive as the script's $1..$4. */
        if (n->pass_args) {
            size_t len = strlen(n->cmd.line) + 16;
            if (!(shell_line = malloc(len))) {
                snprintf(err, errlen, "out of memory");
                return -1;
            }
            snprintf(shell_line, len, "%s \"$@\"", n->cmd.line);
            args[argc++] = shell_line;
            args[argc++] = "vigil-notify";  /* $0 */
        } else {
            args[argc++] = n->cmd.line;
        }
    } else {
        for (char **a = n->cmd.argv; *a && argc < 58; ++a) args[argc++] = *a;
    }
    if (n->pass_args) {
        args[argc++] = kind;
        args[argc++] = ev->name;
        args[argc++] = ev->state;
        args[argc++] = priority;
    }
    args[argc] = NULL;

    /* Whole, however long: a reason (free text from a tracker) is not cut. */
    char *env_buf[10];
    const char *env[11];
    const char *names[] = {"VIGIL_KIND", "VIGIL_NAME", "VIGIL_STATE", "VIGIL_PREV_STATE", "VIGIL_PRIORITY",
                           "VIGIL_VIPS", "VIGIL_HOST", "VIGIL_TIME", "VIGIL_REASON", "VIGIL_SEQ"};
    const char *values[] = {ev->kind, ev->name, ev->state, ev->prev_state, priority, vips, ev->host, ev->time, ev->reason, seq};
    for (int i = 0; i < 10; ++i) {
        const char *value = values[i] ? values[i] : "";
        size_t len = strlen(names[i]) + 1 + strlen(value) + 1;
        if (!(env_buf[i] = malloc(len))) {
            while (i--) free(env_buf[i]);
            free(shell_line);
            snprintf(err, errlen, "out of memory");
            return -1;
        }
        snprintf(env_buf[i], len, "%s=%s", names[i], value);
        env[i] = env_buf[i];
    }
    env[10] = NULL;

    int rc = run_notify_command(n, args, argc, env, timeout_ms, err, errlen);
    for (int i = 0; i < 10; ++i) free(env_buf[i]);
    free(shell_line);
    return rc;
}

static void destroy_notifier(void *state) {
    struct exec_notifier *n = state;
    free_command(&n->cmd);
    free(n);
}

/* ------------------------------------------------------------------ registration */

#define COMMAND_DOC {NULL, "the program (an absolute path) and its arguments; a shell line with shell = yes"}
#define SHELL_DOC {"no", "run command through /bin/sh -c"}
#define USER_DOC {NULL, "run as this user instead of [global] script_user"}

static const vigil_key tracker_keys[] = {
    {"command", VIGIL_KEY_COMMAND, VIGIL_KEY_REQUIRED, 0, 0, NULL},
    {"shell", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"user", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
};
static const vigil_key_doc tracker_docs[] = {COMMAND_DOC, SHELL_DOC, USER_DOC};
static const vigil_key notifier_keys[] = {
    {"command", VIGIL_KEY_COMMAND, VIGIL_KEY_REQUIRED, 0, 0, NULL},
    {"pass_args", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"shell", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
    {"user", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
};
static const vigil_key_doc notifier_docs[] = {
    COMMAND_DOC,
    {"yes", "append keepalived's arguments INSTANCE|GROUP NAME STATE PRIORITY (ANYCAST NAME STATE 0 for an [anycast] section)"},
    SHELL_DOC,
    USER_DOC,
};

static const vigil_tracker_type exec_tracker_type = {
    sizeof(vigil_tracker_type), "exec", NULL, tracker_keys, sizeof tracker_keys / sizeof tracker_keys[0], 0, validate_command, create_tracker, NULL, poll_tracker,
    cancel_tracker, destroy_tracker, tracker_docs,
};
static const vigil_notifier_type exec_notifier_type = {
    sizeof(vigil_notifier_type), "exec", NULL, notifier_keys, sizeof notifier_keys / sizeof notifier_keys[0], 0, validate_command, create_notifier, deliver,
    destroy_notifier, notifier_docs,
};

static const vigil_tracker_type *const trackers[] = {&exec_tracker_type};
static const vigil_notifier_type *const notifiers[] = {&exec_notifier_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("exec", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
