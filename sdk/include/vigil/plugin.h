/* SPDX-License-Identifier: Apache-2.0 */
/*
 * vigil/plugin.h - the vigil plugin ABI (C99).
 *
 * A plugin is a shared object that exports exactly one symbol,
 * vigil_plugin_entry, returning a description of the tracker and notifier
 * types it provides. The daemon hands each instance a table of host
 * services (logging, timers, fd watches, process spawning, result
 * reporting). Nothing else crosses the boundary: no C++ types, no globals.
 *
 * Compatibility rules:
 *  - A plugin states the ABI it was built for (VIGIL_ABI_MAJOR/MINOR, filled
 *    in by VIGIL_PLUGIN_INFO_INIT). The host refuses a different major or a
 *    newer minor than its own.
 *  - Every struct that crosses the boundary starts with its size. New fields
 *    are only ever appended; a reader uses a field only when the size the
 *    writer stated covers it (VIGIL_HAS_FIELD).
 *  - The host services table is append-only: a function pointer keeps its
 *    offset and meaning forever.
 *  - Structs that travel in arrays without a stride (vigil_key, vigil_option,
 *    vigil_key_doc, vigil_value, vigil_range) carry no size: they are frozen
 *    as they are, and a new need gets a new struct.
 *
 * Threading: tracker callbacks run on the daemon's event loop and must never
 * block - use the host's timers, fd watches and spawn. A notifier's deliver
 * callback runs on that notifier's own worker thread and may block (a plain
 * libcurl call is fine); from there only log(), now_us() and run() may be used.
 *
 * Lifetimes: what the host passes in (vigil_config, vigil_event, vigil_exit,
 * vigil_http_result and every string in them) is valid during the call it is
 * passed to only; what a plugin passes to the host (a vigil_result and its
 * reason, log messages, spawn and http specs) is copied before the call
 * returns. From inside a callback a plugin may free what is calling it
 * (timer_free, unwatch, kill from on_exit, http_cancel from on_done).
 *
 * See docs/plugin-sdk.md for a walk-through.
 */
#ifndef VIGIL_PLUGIN_H
#define VIGIL_PLUGIN_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#ifdef __cplusplus
extern "C" {
#endif

#define VIGIL_ABI_MAJOR 1
/* 1.1: http_request/http_cancel/watch_writable, vigil_config.rise/fall.
 * 1.2: key defaults and descriptions (vigil_*_type.key_docs), VIGIL_KEY_SECRET,
 *      typed values (vigil_config.values) and their getters
 *      (vigil_config_integer, _bool, _duration_ms, _choice, _status_ranges). */
#define VIGIL_ABI_MINOR 2

/* True when a struct of `size` bytes (as its writer stated) holds `field`. */
#define VIGIL_HAS_FIELD(type, ptr, field) \
    ((ptr)->size >= offsetof(type, field) + sizeof(((type *)0)->field))

#if defined(__GNUC__)
#define VIGIL_EXPORT __attribute__((visibility("default")))
#else
#define VIGIL_EXPORT
#endif

/* ------------------------------------------------------------------ handles */

typedef struct vigil_host vigil_host;         /* the daemon */
typedef struct vigil_tracker vigil_tracker;   /* the host's side of one tracker */
typedef struct vigil_timer vigil_timer;
typedef struct vigil_watch vigil_watch;
typedef struct vigil_process vigil_process;
typedef struct vigil_http_request vigil_http_request;

/* ------------------------------------------------------------------ logging */

enum vigil_log_level {
    VIGIL_LOG_DEBUG = 0,
    VIGIL_LOG_INFO = 1,
    VIGIL_LOG_NOTICE = 2,
    VIGIL_LOG_WARNING = 3,
    VIGIL_LOG_ERROR = 4
};

/* ------------------------------------------------------------------ config */

/* What a key's value must look like; the host checks it before create(). */
enum vigil_key_kind {
    VIGIL_KEY_TEXT = 1,        /* any non-empty string */
    VIGIL_KEY_PATH = 2,        /* absolute path */
    VIGIL_KEY_COMMAND = 3,     /* a command line */
    VIGIL_KEY_BOOL = 4,        /* yes/no/true/false/on/off/1/0 */
    VIGIL_KEY_INTEGER = 5,     /* within [min, max] */
    VIGIL_KEY_DURATION = 6,    /* 1, 1s, 250ms, 0.5s, 2m */
    VIGIL_KEY_CHOICE = 7,      /* one of `choices` */
    VIGIL_KEY_URL = 8,         /* scheme is one of `choices` */
    VIGIL_KEY_STATUS_LIST = 9, /* HTTP status codes and ranges */
    VIGIL_KEY_HEADER = 10,     /* "Name: value" */
    VIGIL_KEY_INTERFACE = 11,  /* an interface name */
    VIGIL_KEY_TEMPLATE = 12    /* text with {field} placeholders of an event */
};

#define VIGIL_KEY_REQUIRED 0x1u
#define VIGIL_KEY_REPEATABLE 0x2u
/* 1.2: the value is a credential, handled as the host's own secret keys are
 * (e.g. a warning when a file others may read holds it; 1.1 ignores the bit). */
#define VIGIL_KEY_SECRET 0x4u

/* vigil_key and vigil_option travel in arrays without a stride: they are
 * frozen as they are and will never grow (new needs get new structs). */
typedef struct vigil_key {
    const char *name;
    uint32_t kind;                /* enum vigil_key_kind */
    uint32_t flags;               /* VIGIL_KEY_REQUIRED | VIGIL_KEY_REPEATABLE | VIGIL_KEY_SECRET */
    int64_t min, max;             /* VIGIL_KEY_INTEGER; 1.2 (with key_docs): also DURATION, in ms, max 0 = none */
    const char *const *choices;   /* NULL-terminated: CHOICE values, URL schemes */
} vigil_key;

typedef struct vigil_option {
    const char *key;
    const char *value;
} vigil_option;

/* 1.2. What a key means, parallel to a type's `keys` (frozen like them).
 * A key with a default is never missing from the plugin's config: when the
 * section does not set it, the host passes the default as if it were
 * written, after checking it at load time like any value of its kind. */
typedef struct vigil_key_doc {
    const char *default_value;   /* as a user would write it ("yes", "50ms", "200-299"); NULL: none */
    const char *description;     /* one line, for the operator; NULL: none */
} vigil_key_doc;

/* 1.2. An HTTP status range of a STATUS_LIST value, both ends included. */
typedef struct vigil_range {
    int32_t lo, hi;
} vigil_range;

#define VIGIL_VALUE_DEFAULT 0x1u  /* the section did not set the key: this is its declared default */

/* 1.2. A value as the host read it by its key's kind (the same parser that
 * checked it), so a plugin never parses a number, boolean or list again. */
typedef struct vigil_value {
    uint32_t kind;               /* the key's VIGIL_KEY_*; 0: an undeclared key (VIGIL_TYPE_ANY_KEY) or a refused value */
    uint32_t flags;              /* VIGIL_VALUE_DEFAULT */
    int64_t number;              /* INTEGER: the value; DURATION: milliseconds; BOOL: 0/1; CHOICE: index in `choices` */
    const vigil_range *ranges;   /* STATUS_LIST: range_count ranges; else NULL */
    size_t range_count;
} vigil_value;

/* A [tracker NAME] or [notifier NAME] section as the plugin sees it: its
 * type-specific keys in file order (a repeatable key appears once per line;
 * for a single key the last occurrence is the one in force). The struct and
 * everything it points to are valid during the call it is passed to
 * (validate, create) only: copy what you keep. */
typedef struct vigil_config {
    uint32_t size;
    const char *name;
    const char *type;
    const vigil_option *options;
    size_t option_count;
    int64_t interval_ms;   /* trackers: how often to poll */
    int64_t timeout_ms;    /* trackers: per check; notifiers: per delivery */
    /* 1.1 */
    int32_t rise;          /* trackers: successes in a row to be UP */
    int32_t fall;          /* trackers: failures in a row to be DOWN */
    /* 1.2. Parallel to `options`. Only for a type that has key_docs (built
     * against 1.2 or later): the host states an older type's config without it. */
    const vigil_value *values;
} vigil_config;

/* The value in force for `key`, or NULL. */
static inline const char *vigil_config_get(const vigil_config *cfg, const char *key) {
    const char *found = NULL;
    size_t i;
    for (i = 0; i < cfg->option_count; ++i)
        if (strcmp(cfg->options[i].key, key) == 0) found = cfg->options[i].value;
    return found;
}

/* 1.2. The parsed value in force for `key` when its key is of `kind`, or
 * NULL: the key is absent, of another kind, or the config has no values.
 * The getters below look values up only; the host did the parsing. */
static inline const vigil_value *vigil_config_value(const vigil_config *cfg, const char *key, uint32_t kind) {
    const vigil_value *found = NULL;
    size_t i;
    if (!VIGIL_HAS_FIELD(vigil_config, cfg, values) || !cfg->values) return NULL;
    for (i = 0; i < cfg->option_count; ++i)
        if (strcmp(cfg->options[i].key, key) == 0) found = &cfg->values[i];
    return found && found->kind == kind ? found : NULL;
}

/* 1.2. Each returns `fallback` when vigil_config_value() finds nothing. */
static inline int64_t vigil_config_integer(const vigil_config *cfg, const char *key, int64_t fallback) {
    const vigil_value *v = vigil_config_value(cfg, key, VIGIL_KEY_INTEGER);
    return v ? v->number : fallback;
}
static inline int vigil_config_bool(const vigil_config *cfg, const char *key, int fallback) {
    const vigil_value *v = vigil_config_value(cfg, key, VIGIL_KEY_BOOL);
    return v ? v->number != 0 : fallback;
}
static inline int64_t vigil_config_duration_ms(const vigil_config *cfg, const char *key, int64_t fallback) {
    const vigil_value *v = vigil_config_value(cfg, key, VIGIL_KEY_DURATION);
    return v ? v->number : fallback;
}
/* The index in the key's `choices`. */
static inline int vigil_config_choice(const vigil_config *cfg, const char *key, int fallback) {
    const vigil_value *v = vigil_config_value(cfg, key, VIGIL_KEY_CHOICE);
    return v ? (int)v->number : fallback;
}
/* The ranges (valid as long as cfg), or NULL with *count 0. */
static inline const vigil_range *vigil_config_status_ranges(const vigil_config *cfg, const char *key, size_t *count) {
    const vigil_value *v = vigil_config_value(cfg, key, VIGIL_KEY_STATUS_LIST);
    *count = v ? v->range_count : 0;
    return v ? v->ranges : NULL;
}

/* ------------------------------------------------------------------ results */

/* One check's outcome, pushed to the host with report(). The host applies
 * rise/fall and weights; the plugin only says what it saw. The host copies it,
 * reason included, before report() returns: a stack buffer will do. */
typedef struct vigil_result {
    uint32_t size;
    int32_t ok;           /* nonzero: success */
    const char *reason;   /* why, in words; may be NULL */
    int64_t latency_us;   /* how long the check took, or -1 */
    int32_t has_value;    /* file mode=value: `value` carries the number */
    int64_t value;
} vigil_result;

#define VIGIL_RESULT_INIT {sizeof(vigil_result), 0, NULL, -1, 0, 0}

/* ------------------------------------------------------------------ events */

/* A state change, as notifiers receive it (its fields and the JSON's are
 * described in docs/vigilctl.md, "The event"). All strings are valid for the
 * duration of deliver(). */
typedef struct vigil_event {
    uint32_t size;
    uint64_t seq;
    const char *kind;        /* "instance" or "group" */
    const char *name;
    const char *state;       /* MASTER BACKUP FAULT STOP */
    const char *prev_state;
    int32_t priority;
    const char *const *vips;
    size_t vip_count;
    const char *host;        /* router_id */
    const char *time;        /* RFC 3339 UTC with milliseconds */
    const char *reason;
    const char *json;        /* the whole event as one JSON object */
} vigil_event;

/* ------------------------------------------------------------------ processes */

typedef struct vigil_spawn {
    uint32_t size;
    const char *const *argv;   /* NULL-terminated; argv[0] a path, or a command run through /bin/sh -c when use_shell */
    const char *const *env;    /* NULL-terminated "NAME=value"; added to a clean PATH-only environment */
    int32_t use_shell;
    const char *user;          /* NULL: the configured script_user */
    int64_t timeout_ms;        /* killed (the whole process group) after this; 0: no limit */
} vigil_spawn;

typedef struct vigil_exit {
    uint32_t size;
    int32_t exit_code;     /* -1 when killed by a signal */
    int32_t signal;        /* the signal, or 0 */
    int32_t timed_out;
    int64_t duration_us;
    const char *output;    /* the first 4 KiB of stdout+stderr, NUL-terminated */
} vigil_exit;

/* An HTTP(S) request run on the event loop (libcurl in the host). */
typedef struct vigil_http_spec {
    uint32_t size;
    const char *method;          /* "GET" (NULL), "HEAD", "POST", ... */
    const char *url;
    const char *const *headers;  /* NULL-terminated "Name: value", or NULL */
    const char *body;            /* POST body, or NULL */
    size_t body_len;
    int64_t timeout_ms;          /* whole request */
    int32_t tls_verify;          /* nonzero: verify the certificate and host name */
    size_t max_body;             /* keep at most this much of the response body (0: 64 KiB) */
} vigil_http_spec;

typedef struct vigil_http_result {
    uint32_t size;
    int32_t status;       /* the HTTP status, or 0 when there was no response */
    const char *error;    /* why there was no response (refused, timeout, TLS), or NULL */
    const char *body;     /* NUL-terminated, truncated at max_body */
    size_t body_len;
    int64_t duration_us;
} vigil_http_result;

typedef void (*vigil_timer_fn)(void *arg);
typedef void (*vigil_fd_fn)(int fd, void *arg);
typedef void (*vigil_exit_fn)(void *arg, const vigil_exit *exit);
typedef void (*vigil_http_fn)(void *arg, const vigil_http_result *result);

/* ------------------------------------------------------------------ host services */

typedef struct vigil_host_api {
    uint32_t size;
    uint32_t abi_major, abi_minor;
    vigil_host *host;

    /* Any thread. */
    void (*log)(vigil_host *host, int level, const char *message);

    /* Event loop only. One-shot timers; re-arm from the callback to repeat.
     * timer_free may be called from the timer's own callback. */
    vigil_timer *(*timer_new)(vigil_host *host, vigil_timer_fn fn, void *arg);
    void (*timer_arm)(vigil_timer *timer, int64_t delay_us);
    void (*timer_disarm)(vigil_timer *timer);
    void (*timer_free)(vigil_timer *timer);

    /* Event loop only. Calls fn whenever fd is readable, until unwatched
     * (unwatch may be called from fn itself). */
    vigil_watch *(*watch_readable)(vigil_host *host, int fd, vigil_fd_fn fn, void *arg);
    void (*unwatch)(vigil_watch *watch);

    /* Event loop only. Starts a process without waiting; on_exit runs on the
     * loop when it ends (or is killed at its timeout). NULL and a message in
     * err when it cannot start (e.g. a script writable by others). */
    vigil_process *(*spawn)(vigil_host *host, const vigil_spawn *spec, vigil_exit_fn on_exit, void *arg,
                            char *err, size_t errlen);
    /* Kills the process group and forgets it: on_exit will not be called.
     * The handle is gone once on_exit returns; from on_exit, kill() of its own
     * process does nothing. */
    void (*kill)(vigil_process *process);

    /* Event loop only. A tracker's result, from poll() itself or from the
     * callback that learns it; for event-driven trackers, call whenever the
     * watched thing changes (and once from start()). Not from create(). */
    void (*report)(vigil_tracker *tracker, const vigil_result *result);

    /* Monotonic microseconds. Any thread. */
    int64_t (*now_us)(vigil_host *host);

    /* Worker threads (notifiers): runs a process to completion, blocking
     * the caller; fills *exit. Returns 0, or -1 with err when it cannot start. */
    int (*run)(vigil_host *host, const vigil_spawn *spec, vigil_exit *exit, char *err, size_t errlen);

    /* 1.1. Event loop only. Starts a request without waiting; on_done runs on
     * the loop with the result (the strings live until it returns). NULL and
     * a message in err when it cannot start. Check VIGIL_HAS_FIELD first. */
    vigil_http_request *(*http_request)(vigil_host *host, const vigil_http_spec *spec, vigil_http_fn on_done, void *arg,
                                        char *err, size_t errlen);
    /* Abandons a request: on_done will not be called. The handle is gone once
     * on_done returns; from on_done, http_cancel() of its own request does nothing. */
    void (*http_cancel)(vigil_http_request *request);

    /* 1.1. Event loop only. Like watch_readable, for writability (a
     * non-blocking connect completing). Unwatch with unwatch(). */
    vigil_watch *(*watch_writable)(vigil_host *host, int fd, vigil_fd_fn fn, void *arg);
} vigil_host_api;

/* ------------------------------------------------------------------ types */

#define VIGIL_TYPE_ANY_KEY 0x1u  /* accept keys beyond `keys` (Lua scripts take them all) */

typedef struct vigil_tracker_type {
    uint32_t size;
    const char *name;
    const char *const *aliases;   /* NULL-terminated, or NULL */
    const vigil_key *keys;
    size_t key_count;
    uint32_t flags;

    /* Optional, at config check time (also `vigild -t`): rules across keys.
     * Return 0, or nonzero with a message in err. */
    int (*validate)(const vigil_config *cfg, char *err, size_t errlen);

    /* Returns the plugin's state for one [tracker], or NULL with err: the
     * tracker is then DOWN with err as its reason until a reload. */
    void *(*create)(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err,
                    size_t errlen);
    /* Optional: begin watching (event-driven trackers report on their own). */
    void (*start)(void *state);
    /* Optional: run one check and report() once when done (polled every
     * interval; the host reports a timeout failure and calls cancel() if no
     * result arrives within the timeout). A second report for one poll, or
     * one after the timeout, is dropped, counted and logged. Never called
     * while the previous check is in flight: a poll due then is skipped. */
    void (*poll)(void *state);
    void (*cancel)(void *state);
    /* Frees everything, abandoning a check in flight (no report, no side
     * effects); cancel() is not called first. */
    void (*destroy)(void *state);

    /* 1.2. key_count entries parallel to `keys`, or NULL. */
    const vigil_key_doc *key_docs;
} vigil_tracker_type;

typedef struct vigil_notifier_type {
    uint32_t size;
    const char *name;
    const char *const *aliases;
    const vigil_key *keys;
    size_t key_count;
    uint32_t flags;

    int (*validate)(const vigil_config *cfg, char *err, size_t errlen);
    void *(*create)(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen);
    /* On the notifier's worker thread; may block up to timeout_ms. Return 0
     * when delivered, or nonzero with a message in err (the host retries
     * with backoff). */
    int (*deliver)(void *state, const vigil_event *event, int64_t timeout_ms, char *err, size_t errlen);
    void (*destroy)(void *state);

    /* 1.2. key_count entries parallel to `keys`, or NULL. */
    const vigil_key_doc *key_docs;
} vigil_notifier_type;

/* ------------------------------------------------------------------ the entry point */

typedef struct vigil_plugin_info {
    uint32_t size;
    uint32_t abi_major, abi_minor;
    const char *name;
    const char *version;
    const vigil_tracker_type *const *trackers;
    size_t tracker_count;
    const vigil_notifier_type *const *notifiers;
    size_t notifier_count;
} vigil_plugin_info;

#define VIGIL_PLUGIN_INFO_INIT(name, version) \
    {sizeof(vigil_plugin_info), VIGIL_ABI_MAJOR, VIGIL_ABI_MINOR, (name), (version), NULL, 0, NULL, 0}

#define VIGIL_PLUGIN_ENTRY_SYMBOL "vigil_plugin_entry"

/* The one symbol a plugin exports. */
VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void);

#ifdef __cplusplus
}
#endif

#endif /* VIGIL_PLUGIN_H */
