/* SPDX-License-Identifier: Apache-2.0 */
/* The http tracker (alias nginx): a request on the event loop through the
 * host's HTTP service (libcurl multi, no process or thread per check); UP
 * when the status is one of expect_status and the body holds expect_body.
 * `recover` (what the seed's chkngx.sh did by starting nginx) runs as the
 * script user once the checks have failed `fall` times in a row, then at
 * most once a minute while they keep failing. */
#define _GNU_SOURCE
#include "../common/http_match.h"
#include "../common/plugin_util.h"

#define RECOVER_EVERY_US (60LL * 1000 * 1000)

static const char *const schemes[] = {"http", "https", NULL};
static const char *const methods[] = {"GET", "HEAD", "POST", NULL};

struct http_tracker {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    char *name;  /* the section's name: logs never show the URL (it may hold credentials) */
    char *url, *method, *expect_body, *host_header_line, *recover;
    const char *headers[2];
    vigil_range *ranges;
    size_t range_count;
    int tls_verify;
    int64_t timeout_ms;
    int fall;
    int failures;
    int64_t last_recover_us;
    vigil_http_request *running;
    vigil_process *recovering;
};

static void on_recover_exit(void *arg, const vigil_exit *e) {
    struct http_tracker *t = arg;
    t->recovering = NULL;
    plog(t->host, e->exit_code == 0 ? VIGIL_LOG_NOTICE : VIGIL_LOG_WARNING, "http tracker %s: recover command %s (exit %d)",
         t->name, e->exit_code == 0 ? "finished" : "failed", e->exit_code);
}

static void maybe_recover(struct http_tracker *t) {
    if (!t->recover || t->recovering || t->failures < t->fall) return;
    int64_t now = t->host->now_us(t->host->host);
    if (t->last_recover_us && now - t->last_recover_us < RECOVER_EVERY_US) return;
    t->last_recover_us = now;
    const char *argv[] = {t->recover, NULL};
    vigil_spawn spec = {sizeof(vigil_spawn), argv, NULL, 1, NULL, 60000};
    char err[256] = "";
    plog(t->host, VIGIL_LOG_NOTICE, "http tracker %s: down, running recover command: %s", t->name, t->recover);
    t->recovering = t->host->spawn(t->host->host, &spec, on_recover_exit, t, err, sizeof err);
    if (!t->recovering) plog(t->host, VIGIL_LOG_ERROR, "http tracker %s: cannot run recover command: %s", t->name, err);
}

static void on_done(void *arg, const vigil_http_result *r) {
    struct http_tracker *t = arg;
    t->running = NULL;
    vigil_result res = VIGIL_RESULT_INIT;
    char reason[512];
    res.ok = http_judge(r->status, r->error, r->body, t->ranges, t->range_count, t->expect_body, reason, sizeof reason);
    res.reason = reason;
    res.latency_us = r->duration_us;
    t->failures = res.ok ? 0 : t->failures + 1;
    if (res.ok) t->last_recover_us = 0;
    t->host->report(t->tracker, &res);
    maybe_recover(t);
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    if (!VIGIL_HAS_FIELD(vigil_host_api, host, http_request) || !host->http_request) {
        snprintf(err, errlen, "this vigild has no HTTP service (needs plugin ABI 1.1)");
        return NULL;
    }
    struct http_tracker *t = calloc(1, sizeof *t);
    const char *v;
    t->host = host;
    t->tracker = tracker;
    t->name = strdup(cfg->name ? cfg->name : "?");
    t->url = strdup(vigil_config_get(cfg, "url"));
    t->method = strdup(methods[vigil_config_choice(cfg, "method", 0)]);
    t->expect_body = (v = vigil_config_get(cfg, "expect_body")) ? strdup(v) : NULL;
    t->recover = (v = vigil_config_get(cfg, "recover")) ? strdup(v) : NULL;
    if ((v = vigil_config_get(cfg, "host"))) {
        size_t len = strlen(v) + 7;
        t->host_header_line = malloc(len);
        snprintf(t->host_header_line, len, "Host: %s", v);
        t->headers[0] = t->host_header_line;
    }
    /* The host's parse lives only as long as cfg. None (never, with the
     * default): no status passes. */
    const vigil_range *ranges = vigil_config_status_ranges(cfg, "expect_status", &t->range_count);
    if (t->range_count && (t->ranges = malloc(t->range_count * sizeof *ranges))) memcpy(t->ranges, ranges, t->range_count * sizeof *ranges);
    else t->range_count = 0;
    t->tls_verify = vigil_config_bool(cfg, "tls_verify", 1);
    t->timeout_ms = cfg->timeout_ms > 0 ? cfg->timeout_ms : 1000;
    t->fall = VIGIL_HAS_FIELD(vigil_config, cfg, fall) && cfg->fall > 0 ? cfg->fall : 1;
    return t;
}

static void poll(void *state) {
    struct http_tracker *t = state;
    vigil_http_spec spec = {sizeof(vigil_http_spec), t->method, t->url, t->headers[0] ? t->headers : NULL,
                            NULL, 0, t->timeout_ms, t->tls_verify, 65536};
    char err[256] = "";
    t->running = t->host->http_request(t->host->host, &spec, on_done, t, err, sizeof err);
    if (!t->running) {
        vigil_result r = VIGIL_RESULT_INIT;
        r.reason = err;
        t->host->report(t->tracker, &r);
    }
}

static void cancel(void *state) {
    struct http_tracker *t = state;
    if (t->running) t->host->http_cancel(t->running);
    t->running = NULL;
    t->failures++;  /* the host reports the timeout as a failure */
    maybe_recover(t);
}

static void destroy(void *state) {
    struct http_tracker *t = state;
    if (t->running) t->host->http_cancel(t->running);
    if (t->recovering) t->host->kill(t->recovering);
    free(t->name);
    free(t->url);
    free(t->method);
    free(t->ranges);
    free(t->expect_body);
    free(t->host_header_line);
    free(t->recover);
    free(t);
}

static const vigil_key keys[] = {
    {"url", VIGIL_KEY_URL, VIGIL_KEY_REQUIRED, 0, 0, schemes},
    {"method", VIGIL_KEY_CHOICE, 0, 0, 0, methods},
    {"expect_status", VIGIL_KEY_STATUS_LIST, 0, 0, 0, NULL},
    {"expect_body", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"host", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"recover", VIGIL_KEY_COMMAND, 0, 0, 0, NULL},
    {"tls_verify", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "what to request (never logged: it may hold credentials)"},
    {"GET", "the request method"},
    {"200", "the statuses that count as UP, e.g. 200-299 301,302"},
    {NULL, "text the response body must contain"},
    {NULL, "the Host header to send, for a virtual host behind an address"},
    {NULL, "a shell line run as the script user once checks fail `fall` times, then at most once a minute"},
    {"yes", "verify the TLS certificate and host name"},
};
static const char *const aliases[] = {"nginx", NULL};

static const vigil_tracker_type http_type = {
    sizeof(vigil_tracker_type), "http", aliases, keys, sizeof keys / sizeof keys[0], 0, NULL, create, NULL, poll, cancel,
    destroy, docs,
};

static const vigil_tracker_type *const trackers[] = {&http_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("http", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
