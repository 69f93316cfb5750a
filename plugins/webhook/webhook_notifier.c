/* SPDX-License-Identifier: Apache-2.0 */
/* The webhook notifier: POSTs each event's JSON (docs/vigilctl.md) to a URL, with
 * extra headers and, given a secret_file, an X-Vigil-Signature header
 * "sha256=HEX" = HMAC-SHA256(secret, body). Runs on the notifier's own
 * thread: a plain blocking libcurl call. Non-2xx answers are failures
 * (retried by the host with backoff), named by their status and the start
 * of their body. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "../common/plugin_util.h"
#include "../common/secret_file.h"
#include "../common/server_reply.h"

struct webhook {
    char *url;
    char *secret;
    struct curl_slist *headers;
    int tls_verify;
};

/* The start of the answer's body, for a failure message; the rest is read and dropped. */
struct body_start {
    char data[REPLY_QUOTE_MAX + 1]; /* one more: the quote then shows the body was cut */
    size_t len;
};

static size_t keep_start(char *data, size_t size, size_t n, void *arg) {
    struct body_start *b = arg;
    size_t len = size * n, room = sizeof b->data - b->len;
    memcpy(b->data + b->len, data, len < room ? len : room);
    b->len += len < room ? len : room;
    return len;
}

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    const char *secret = vigil_config_get(cfg, "secret_file");
    return secret ? check_secret_file(secret, err, errlen) : 0;
}

static void *create(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen) {
    (void)host;
    struct webhook *w = calloc(1, sizeof *w);
    const char *secret_file = vigil_config_get(cfg, "secret_file");
    if (secret_file && !(w->secret = read_secret_file(secret_file, err, errlen))) {
        free(w);
        return NULL;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    w->url = strdup(vigil_config_get(cfg, "url"));
    w->tls_verify = vigil_config_bool(cfg, "tls_verify", 1);
    w->headers = curl_slist_append(NULL, "Content-Type: application/json");
    w->headers = curl_slist_append(w->headers, "User-Agent: vigil");
    for (size_t i = 0; i < cfg->option_count; ++i)
        if (strcmp(cfg->options[i].key, "header") == 0) w->headers = curl_slist_append(w->headers, cfg->options[i].value);
    return w;
}

static void sign(const char *secret, const char *body, char out[80]) {
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int len = 0;
    HMAC(EVP_sha256(), secret, (int)strlen(secret), (const unsigned char *)body, strlen(body), mac, &len);
    strcpy(out, "X-Vigil-Signature: sha256=");
    char *p = out + strlen(out);
    for (unsigned int i = 0; i < len; ++i) p += sprintf(p, "%02x", mac[i]);
}

static int deliver(void *state, const vigil_event *ev, int64_t timeout_ms, char *err, size_t errlen) {
    struct webhook *w = state;
    CURL *c = curl_easy_init();
    struct curl_slist *headers = NULL;
    for (struct curl_slist *h = w->headers; h; h = h->next) headers = curl_slist_append(headers, h->data);
    char signature[128];
    if (w->secret) {
        sign(w->secret, ev->json, signature);
        headers = curl_slist_append(headers, signature);
    }
    curl_easy_setopt(c, CURLOPT_URL, w->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, ev->json);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 10000));
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, w->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, w->tls_verify ? 2L : 0L);
    struct body_start body = {0};
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, keep_start);
    curl_easy_setopt(c, CURLOPT_WRITEDATA, &body);
    CURLcode rc = curl_easy_perform(c);
    long status = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    if (rc != CURLE_OK) {
        snprintf(err, errlen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    if (status < 200 || status > 299) {
        http_failure(status, body.data, body.len, err, errlen);
        return -1;
    }
    return 0;
}

static void destroy(void *state) {
    struct webhook *w = state;
    free(w->url);
    if (w->secret) {
        explicit_bzero(w->secret, strlen(w->secret)); /* a plain memset before free may be optimised away */
        free(w->secret);
    }
    curl_slist_free_all(w->headers);
    free(w);
}

static const char *const schemes[] = {"http", "https", NULL};
static const vigil_key keys[] = {
    {"url", VIGIL_KEY_URL, VIGIL_KEY_REQUIRED, 0, 0, schemes},
    {"secret_file", VIGIL_KEY_PATH, 0, 0, 0, NULL},
    {"header", VIGIL_KEY_HEADER, VIGIL_KEY_REPEATABLE, 0, 0, NULL},
    {"tls_verify", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "where to POST each event's JSON"},
    {NULL, "a file only vigild's user may read: its content signs the body (X-Vigil-Signature)"},
    {NULL, "an extra request header 'Name: value' (repeat the key for more)"},
    {"yes", "verify the TLS certificate and host name"},
};

static const vigil_notifier_type webhook_type = {
    sizeof(vigil_notifier_type), "webhook", NULL, keys, sizeof keys / sizeof keys[0], 0, validate, create, deliver, destroy, docs,
};

static const vigil_notifier_type *const notifiers[] = {&webhook_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("webhook", "1.0");
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
