/* SPDX-License-Identifier: Apache-2.0 */
/* The process tracker: UP while between `min` and `max` processes match by
 * name (comm) or by a substring of their command line.
 *
 * Instant in both directions where the kernel allows it: the netlink proc
 * connector reports every exec and exit. The connector only works in the
 * initial network namespace, so elsewhere (containers, test labs) exits are
 * still seen at once through a pidfd per matching process, and new
 * processes by a /proc scan every `interval` (while enough run and no max is
 * set, every tenth interval: a new one could not change the state).
 *
 * `fork_delay` / `terminate_delay` (keepalived's): a change of state is
 * reported only once it has held that long, so a service that restarts by
 * exiting and forking again does not flap the tracker. */
#define _GNU_SOURCE
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/cn_proc.h>
#include <linux/connector.h>
#include <linux/netlink.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "../common/plugin_util.h"

#define MAX_TRACKED 4096

struct tracked {
    pid_t pid;
    int pidfd;           /* fallback mode */
    vigil_watch *watch;  /* fallback mode */
    struct process_tracker *owner;
};

struct process_tracker {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    char *name;
    char *cmdline;
    long min, max;  /* max < 0: none */
    int64_t interval_us;
    int connector;  /* the proc connector socket, or -1 in fallback mode */
    vigil_watch *connector_watch;
    vigil_timer *scan_timer;
    struct tracked *pids[MAX_TRACKED];
    size_t count;
    long last_count;
    int quiet_scans;  /* intervals since the last full scan */
    int64_t fork_delay_us, terminate_delay_us;
    vigil_timer *delay_timer;  /* armed while a change waits out its delay */
    int reported;              /* -1 nothing yet, else the last state reported */
    int pending;               /* -1, or the state the delay timer will report */
};

/* /proc/PID/NAME into buf (NUL-terminated); plain open/read, no stdio: a
 * scan reads a file or two of every process on the machine. */
static int read_proc(pid_t pid, const char *name, char *buf, size_t len) {
    char path[64];
    snprintf(path, sizeof path, "/proc/%d/%s", (int)pid, name);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) return -1;
    ssize_t n = read(fd, buf, len - 1);
    close(fd);
    if (n < 0) return -1;
    buf[n] = '\0';
    return (int)n;
}

/* A zombie has exited; its pidfd would report that at once, so counting it
 * would make the tracker flap at every scan until the zombie is reaped. */
static int is_zombie(pid_t pid) {
    char buf[512];
    if (read_proc(pid, "stat", buf, sizeof buf) <= 0) return 1;
    const char *close_paren = strrchr(buf, ')');
    return !close_paren || close_paren[1] != ' ' || close_paren[2] == 'Z' || close_paren[2] == 'X';
}

/* The name (or command line) first, the zombie check only for a match. */
static int matches(struct process_tracker *t, pid_t pid) {
    char buf[4096];
    if (t->name) {
        if (read_proc(pid, "comm", buf, sizeof buf) <= 0) return 0;
        buf[strcspn(buf, "\n")] = '\0';
        return strcmp(buf, t->name) == 0 && !is_zombie(pid);
    }
    int n = read_proc(pid, "cmdline", buf, sizeof buf);
    if (n <= 0) return 0;
    for (int i = 0; i < n - 1; ++i)
        if (buf[i] == '\0') buf[i] = ' ';
    return strstr(buf, t->cmdline) != NULL && !is_zombie(pid);
}

static void send_result(struct process_tracker *t, int ok) {
    long n = (long)t->count;
    vigil_result r = VIGIL_RESULT_INIT;
    char reason[256];
    const char *what = t->name ? t->name : t->cmdline;
    r.ok = ok;
    if (t->max >= 0)
        snprintf(reason, sizeof reason, "%ld '%s' process%s running (wanted %ld-%ld)", n, what, n == 1 ? "" : "es", t->min, t->max);
    else
        snprintf(reason, sizeof reason, "%ld '%s' process%s running (wanted at least %ld)", n, what, n == 1 ? "" : "es", t->min);
    r.reason = reason;
    r.latency_us = 0;
    t->reported = ok;
    t->host->report(t->tracker, &r);
}

static int satisfied(const struct process_tracker *t) {
    long n = (long)t->count;
    return n >= t->min && (t->max < 0 || n <= t->max);
}

/* The first state is reported at once; a change after its delay, unless the
 * count comes back meanwhile (then the pending change is dropped). */
static void report(struct process_tracker *t) {
    int ok = satisfied(t);
    t->last_count = (long)t->count;
    int64_t delay = ok ? t->fork_delay_us : t->terminate_delay_us;
    if (t->reported < 0 || ok == t->reported || delay <= 0) {
        if (t->pending >= 0) t->host->timer_disarm(t->delay_timer);
        t->pending = -1;
        send_result(t, ok);
        return;
    }
    if (t->pending == ok) return;
    t->pending = ok;
    t->host->timer_arm(t->delay_timer, delay);
    plog(t->host, VIGIL_LOG_DEBUG, "process tracker '%s': %ld running; reporting %s after %lld ms unless it changes back",
         t->name ? t->name : t->cmdline, (long)t->count, ok ? "UP" : "DOWN", (long long)(delay / 1000));
}

static void on_delay_over(void *arg) {
    struct process_tracker *t = arg;
    t->pending = -1;
    send_result(t, satisfied(t));
}

static ssize_t find(struct process_tracker *t, pid_t pid) {
    for (size_t i = 0; i < t->count; ++i)
        if (t->pids[i]->pid == pid) return (ssize_t)i;
    return -1;
}

static void forget(struct process_tracker *t, size_t i) {
    struct tracked *p = t->pids[i];
    if (p->watch) t->host->unwatch(p->watch);
    if (p->pidfd >= 0) close(p->pidfd);
    free(p);
    t->pids[i] = t->pids[--t->count];
}

static void on_pidfd(int fd, void *arg);

static void remember(struct process_tracker *t, pid_t pid) {
    if (find(t, pid) >= 0 || t->count >= MAX_TRACKED) return;
    struct tracked *p = calloc(1, sizeof *p);
    p->pid = pid;
    p->pidfd = -1;
    p->owner = t;
    if (t->connector < 0) {
        p->pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
        if (p->pidfd < 0) { /* it is already gone */
            free(p);
            return;
        }
        p->watch = t->host->watch_readable(t->host->host, p->pidfd, on_pidfd, p);
    }
    t->pids[t->count++] = p;
}

static void full_scan(struct process_tracker *t);

static void on_pidfd(int fd, void *arg) {
    (void)fd;
    struct tracked *p = arg;
    struct process_tracker *t = p->owner;
    ssize_t i = find(t, p->pid);
    if (i >= 0) forget(t, (size_t)i);
    /* Below min now? A process started since the last full scan (an
     * overlapping restart) may still make up for it: look before saying DOWN. */
    if (t->connector < 0 && (long)t->count < t->min) full_scan(t);
    report(t);
}

/* Adds every matching process in /proc not known yet. */
static void add_new(struct process_tracker *t) {
    DIR *d = opendir("/proc");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (!isdigit((unsigned char)e->d_name[0])) continue;
        pid_t pid = (pid_t)atoi(e->d_name);
        if (matches(t, pid)) remember(t, pid);
    }
    closedir(d);
}

/* Drops known processes that no longer match (a reused pid, a changed comm). */
static void prune(struct process_tracker *t) {
    for (size_t i = t->count; i-- > 0;)
        if (!matches(t, t->pids[i]->pid)) forget(t, i);
}

static void full_scan(struct process_tracker *t) {
    t->quiet_scans = 0;
    add_new(t);
    prune(t);
}

/* While enough processes run and there is no max, a new one cannot change the
 * state: then only the known ones are re-checked each interval, and the whole
 * of /proc every kFullScanEvery-th (for the count in the reason). Whenever
 * the known ones fall below min (here or through a pidfd) the whole of /proc
 * is scanned at once, so one started meanwhile still counts. */
enum { kFullScanEvery = 10 };

static void on_scan_timer(void *arg) {
    struct process_tracker *t = arg;
    size_t before = t->count;
    int satisfied = t->max < 0 && (long)t->count >= t->min;
    if (!satisfied || ++t->quiet_scans >= kFullScanEvery) {
        full_scan(t);
    } else {
        prune(t);
        if ((long)t->count < t->min) full_scan(t);
    }
    if (t->count != before || (long)t->count != t->last_count) report(t);
    t->host->timer_arm(t->scan_timer, t->interval_us);
}

static void on_connector(int fd, void *arg) {
    struct process_tracker *t = arg;
    char buf[4096] __attribute__((aligned(NLMSG_ALIGNTO)));
    ssize_t len;
    int changed = 0, overrun = 0;
    while ((len = recv(fd, buf, sizeof buf, MSG_DONTWAIT)) != 0) {
        if (len < 0) {
            if (errno == ENOBUFS) overrun = 1; /* events lost: rescan */
            if (errno == EAGAIN || errno == EWOULDBLOCK || errno == ENOBUFS) {
                if (errno != ENOBUFS) break;
                continue;
            }
            break;
        }
        for (struct nlmsghdr *h = (struct nlmsghdr *)buf; NLMSG_OK(h, (size_t)len); h = NLMSG_NEXT(h, len)) {
            struct cn_msg *msg = NLMSG_DATA(h);
            if (h->nlmsg_len < NLMSG_LENGTH(sizeof *msg) || msg->id.idx != CN_IDX_PROC) continue;
            /* The event follows the 20-byte cn_msg, 4-byte aligned; struct
             * proc_event needs 8 (its timestamp): read an aligned copy (of
             * what the kernel sent, which older kernels keep shorter). */
            struct proc_event event = {0};
            size_t sent = h->nlmsg_len - NLMSG_LENGTH(sizeof *msg);
            memcpy(&event, msg->data, sent < sizeof event ? sent : sizeof event);
            const struct proc_event *ev = &event;
            pid_t pid;
            switch (ev->what) {
                case PROC_EVENT_FORK:
                    /* A daemon forking away from its parent never execs; a new thread is not a process. */
                    pid = ev->event_data.fork.child_pid;
                    if (pid == ev->event_data.fork.child_tgid && find(t, pid) < 0 && matches(t, pid)) {
                        remember(t, pid);
                        changed = 1;
                    }
                    break;
                case PROC_EVENT_EXEC:
                    pid = ev->event_data.exec.process_pid;
                    if (find(t, pid) < 0 && matches(t, pid)) { remember(t, pid); changed = 1; }
                    break;
                case PROC_EVENT_COMM:
                    pid = ev->event_data.comm.process_pid;
                    if (find(t, pid) < 0 && matches(t, pid)) { remember(t, pid); changed = 1; }
                    else if (find(t, pid) >= 0 && !matches(t, pid)) { forget(t, (size_t)find(t, pid)); changed = 1; }
                    break;
                case PROC_EVENT_EXIT:
                    /* Threads exit too; only the thread group leader's exit is the process's. */
                    if (ev->event_data.exit.process_pid != ev->event_data.exit.process_tgid) break;
                    {
                        ssize_t i = find(t, ev->event_data.exit.process_pid);
                        if (i >= 0) { forget(t, (size_t)i); changed = 1; }
                    }
                    break;
                default:
                    break;
            }
        }
    }
    if (overrun) { full_scan(t); changed = 1; }
    if (changed) report(t);
}

/* Subscribes to the proc connector; -1 where the kernel refuses (any network
 * namespace but the initial one, or no CAP_NET_ADMIN). */
static int open_connector(void) {
    int fd = socket(AF_NETLINK, SOCK_DGRAM | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_CONNECTOR);
    if (fd < 0) return -1;
    struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = CN_IDX_PROC, .nl_pid = 0};
    if (bind(fd, (struct sockaddr *)&addr, sizeof addr) != 0) { close(fd); return -1; }
    /* The netlink header, the connector header, then the op as the connector
     * message's data. In a byte buffer: cn_msg ends in a flexible array, and
     * ISO C (clang -Werror) allows no struct member after one. */
    enum proc_cn_mcast_op op = PROC_CN_MCAST_LISTEN;
    _Alignas(struct nlmsghdr) unsigned char req[sizeof(struct nlmsghdr) + sizeof(struct cn_msg) + sizeof op];
    memset(req, 0, sizeof req);
    struct nlmsghdr *h = (struct nlmsghdr *)req;
    h->nlmsg_len = sizeof req;
    h->nlmsg_type = NLMSG_DONE;
    struct cn_msg *msg = (struct cn_msg *)(req + sizeof *h);
    msg->id.idx = CN_IDX_PROC;
    msg->id.val = CN_VAL_PROC;
    msg->len = sizeof op;
    memcpy(msg->data, &op, sizeof op);
    if (send(fd, req, sizeof req, 0) != (ssize_t)sizeof req) { close(fd); return -1; }
    return fd;
}

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    int by_name = vigil_config_get(cfg, "name") != NULL, by_cmdline = vigil_config_get(cfg, "cmdline") != NULL;
    if (by_name == by_cmdline) {
        snprintf(err, errlen, "a process tracker needs exactly one of 'name' or 'cmdline'");
        return -1;
    }
    const vigil_value *min = vigil_config_value(cfg, "min", VIGIL_KEY_INTEGER), *max = vigil_config_value(cfg, "max", VIGIL_KEY_INTEGER);
    /* A lone max below the default min (max = 0) could never be UP. */
    if (min && max && min->number > max->number) {
        snprintf(err, errlen, "max %lld is below min %lld%s", (long long)max->number, (long long)min->number,
                 (min->flags & VIGIL_VALUE_DEFAULT) ? " (min's default): set min too" : "");
        return -1;
    }
    return 0;
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    if (validate(cfg, err, errlen) != 0) return NULL;
    struct process_tracker *t = calloc(1, sizeof *t);
    const char *name = vigil_config_get(cfg, "name"), *cmdline = vigil_config_get(cfg, "cmdline");
    t->host = host;
    t->tracker = tracker;
    t->name = name ? strdup(name) : NULL;
    t->cmdline = cmdline ? strdup(cmdline) : NULL;
    t->min = (long)vigil_config_integer(cfg, "min", 1);
    t->max = (long)vigil_config_integer(cfg, "max", -1);
    t->interval_us = (cfg->interval_ms > 0 ? cfg->interval_ms : 1000) * 1000;
    t->last_count = -1;
    int64_t delay_ms = vigil_config_duration_ms(cfg, "delay", 0);
    t->fork_delay_us = vigil_config_duration_ms(cfg, "fork_delay", delay_ms) * 1000;
    t->terminate_delay_us = vigil_config_duration_ms(cfg, "terminate_delay", delay_ms) * 1000;
    t->reported = -1;
    t->pending = -1;
    t->connector = open_connector();
    return t;
}

static void start(void *state) {
    struct process_tracker *t = state;
    t->delay_timer = t->host->timer_new(t->host->host, on_delay_over, t);
    if (t->connector >= 0) {
        t->connector_watch = t->host->watch_readable(t->host->host, t->connector, on_connector, t);
        plog(t->host, VIGIL_LOG_DEBUG, "process tracker: using the proc connector");
    } else {
        t->scan_timer = t->host->timer_new(t->host->host, on_scan_timer, t);
        t->host->timer_arm(t->scan_timer, t->interval_us);
        plog(t->host, VIGIL_LOG_INFO,
             "process tracker '%s': no proc connector here (not the initial network namespace?); exits are seen at once "
             "through pidfds, new processes by a /proc scan every interval",
             t->name ? t->name : t->cmdline);
    }
    add_new(t); /* after subscribing, so nothing starting meanwhile is missed */
    report(t);
}

static void destroy(void *state) {
    struct process_tracker *t = state;
    while (t->count) forget(t, t->count - 1);
    if (t->connector_watch) t->host->unwatch(t->connector_watch);
    if (t->connector >= 0) close(t->connector);
    if (t->scan_timer) t->host->timer_free(t->scan_timer);
    if (t->delay_timer) t->host->timer_free(t->delay_timer);
    free(t->name);
    free(t->cmdline);
    free(t);
}

static const vigil_key keys[] = {
    {"name", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"cmdline", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"min", VIGIL_KEY_INTEGER, 0, 0, 1000000, NULL},
    {"max", VIGIL_KEY_INTEGER, 0, 0, 1000000, NULL},
    {"delay", VIGIL_KEY_DURATION, 0, 0, 3600000, NULL},
    {"fork_delay", VIGIL_KEY_DURATION, 0, 0, 3600000, NULL},
    {"terminate_delay", VIGIL_KEY_DURATION, 0, 0, 3600000, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "match processes by name (comm); exactly one of name and cmdline"},
    {NULL, "match processes whose command line contains this"},
    {"1", "UP with at least this many matching processes"},
    {NULL, "UP with at most this many (no limit when unset)"},
    {"0", "fork_delay and terminate_delay both"},
    {NULL, "report UP only once enough processes have run this long (default: delay)"},
    {NULL, "report DOWN only once too few (or too many) have run this long (default: delay)"},
};

static const vigil_tracker_type process_type = {
    sizeof(vigil_tracker_type), "process", NULL, keys, sizeof keys / sizeof keys[0], 0, validate, create, start, NULL, NULL, destroy, docs,
};

static const vigil_tracker_type *const trackers[] = {&process_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("process", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
