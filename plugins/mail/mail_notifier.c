/* SPDX-License-Identifier: Apache-2.0 */
/* The mail notifier: one message per event over SMTP (libcurl): smtp:// with
 * STARTTLS (starttls = no | try | required) or smtps://, AUTH with username
 * and a private password_file, several recipients, templated subject and
 * body, Date and Message-ID headers. Blocking, on the notifier's own thread;
 * failures are retried by the host with backoff. */
#define _GNU_SOURCE
#include <curl/curl.h>
#include <time.h>
#include <unistd.h>

#include "../common/plugin_util.h"
#include "../common/secret_file.h"
#include "../common/server_reply.h"
#include "../common/template.h"

#define DEFAULT_SUBJECT "[vigil] {name} is {state} on {host}"
#define DEFAULT_BODY \
    "{kind} {name} moved from {prev_state} to {state} on {host} at {time}.\\n\\nPriority: {priority}\\nVIPs: {vips}\\nReason: {reason}\\n"

struct mail {
    char *url, *from, *subject, *body, *username, *password;
    struct curl_slist *rcpt;
    char *to_header;
    long use_ssl;
    int tls_verify;
};

struct upload {
    const char *data;
    size_t left;
};

static size_t read_message(char *buf, size_t size, size_t n, void *arg) {
    struct upload *u = arg;
    size_t len = size * n < u->left ? size * n : u->left;
    memcpy(buf, u->data, len);
    u->data += len;
    u->left -= len;
    return len;
}

/* libcurl's view of the conversation: what the server answered to which
 * command, so a failure names the server's reply, not libcurl's summary
 * of it ("Weird server reply"). */
static int trace_smtp(CURL *c, curl_infotype type, char *data, size_t len, void *arg) {
    (void)c;
    if (type == CURLINFO_HEADER_OUT) smtp_trace_sent(arg, data, len);
    else if (type == CURLINFO_HEADER_IN) smtp_trace_received(arg, data, len);
    return 0;
}

static int validate(const vigil_config *cfg, char *err, size_t errlen) {
    const char *pw = vigil_config_get(cfg, "password_file");
    if (pw && check_secret_file(pw, err, errlen) != 0) return -1;
    if (pw && !vigil_config_get(cfg, "username")) {
        snprintf(err, errlen, "password_file needs a username");
        return -1;
    }
    return 0;
}

static void *create(const vigil_host_api *host, const vigil_config *cfg, char *err, size_t errlen) {
    (void)host;
    if (validate(cfg, err, errlen) != 0) return NULL;
    struct mail *m = calloc(1, sizeof *m);
    const char *v;
    if ((v = vigil_config_get(cfg, "password_file")) && !(m->password = read_secret_file(v, err, errlen))) {
        free(m);
        return NULL;
    }
    curl_global_init(CURL_GLOBAL_DEFAULT);
    m->url = strdup(vigil_config_get(cfg, "smtp_url"));
    m->from = strdup(vigil_config_get(cfg, "from"));
    m->subject = strdup((v = vigil_config_get(cfg, "subject")) ? v : DEFAULT_SUBJECT);
    m->body = strdup((v = vigil_config_get(cfg, "body")) ? v : DEFAULT_BODY);
    m->username = (v = vigil_config_get(cfg, "username")) ? strdup(v) : NULL;
    /* Default: try, but required once a password is involved (a stripped
     * STARTTLS must not send it in clear). */
    v = vigil_config_get(cfg, "starttls");
    if (!v) v = m->password ? "required" : "try";
    m->use_ssl = !strcmp(v, "try") ? CURLUSESSL_TRY : !strcmp(v, "required") ? CURLUSESSL_ALL : CURLUSESSL_NONE;
    m->tls_verify = vigil_config_bool(cfg, "tls_verify", 1);
    size_t to_len = 1;
    for (size_t i = 0; i < cfg->option_count; ++i)
        if (!strcmp(cfg->options[i].key, "to")) to_len += strlen(cfg->options[i].value) + 2;
    m->to_header = calloc(1, to_len);
    for (size_t i = 0; i < cfg->option_count; ++i)
        if (!strcmp(cfg->options[i].key, "to")) {
            m->rcpt = curl_slist_append(m->rcpt, cfg->options[i].value);
            if (m->to_header[0]) strcat(m->to_header, ", ");
            strcat(m->to_header, cfg->options[i].value);
        }
    return m;
}

static int deliver(void *state, const vigil_event *ev, int64_t timeout_ms, char *err, size_t errlen) {
    struct mail *m = state;
    char subject[512], body[8192], date[64], hostname[256] = "localhost";
    render_template(m->subject, ev, subject, sizeof subject, 1);
    render_template(m->body, ev, body, sizeof body, 0);
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    strftime(date, sizeof date, "%a, %d %b %Y %H:%M:%S +0000", &tm);
    gethostname(hostname, sizeof hostname - 1);
    size_t cap = strlen(body) + strlen(m->to_header) + 2048;
    char *message = malloc(cap);
    int len = snprintf(message, cap,
                       "Date: %s\r\nMessage-ID: <vigil.%llu.%lld.%d@%s>\r\nFrom: %s\r\nTo: %s\r\nSubject: %s\r\n"
                       "MIME-Version: 1.0\r\nContent-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n"
                       "X-Vigil-Event: %s %s %s\r\n\r\n",
                       date, (unsigned long long)ev->seq, (long long)now, (int)getpid(), hostname, m->from, m->to_header,
                       subject, ev->kind, ev->name, ev->state);
    /* The body with CRLF line ends, as SMTP wants. */
    for (const char *p = body; *p && (size_t)len + 3 < cap; ++p) {
        if (*p == '\n') message[len++] = '\r';
        message[len++] = *p;
    }
    message[len] = '\0';

    struct upload up = {message, (size_t)len};
    CURL *c = curl_easy_init();
    curl_easy_setopt(c, CURLOPT_URL, m->url);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_MAIL_FROM, m->from);
    curl_easy_setopt(c, CURLOPT_MAIL_RCPT, m->rcpt);
    curl_easy_setopt(c, CURLOPT_READFUNCTION, read_message);
    curl_easy_setopt(c, CURLOPT_READDATA, &up);
    curl_easy_setopt(c, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(c, CURLOPT_USE_SSL, m->use_ssl);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYPEER, m->tls_verify ? 1L : 0L);
    curl_easy_setopt(c, CURLOPT_SSL_VERIFYHOST, m->tls_verify ? 2L : 0L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)(timeout_ms > 0 ? timeout_ms : 10000));
    if (m->username) curl_easy_setopt(c, CURLOPT_USERNAME, m->username);
    if (m->password) curl_easy_setopt(c, CURLOPT_PASSWORD, m->password);
    struct smtp_trace trace = {0};
    curl_easy_setopt(c, CURLOPT_DEBUGFUNCTION, trace_smtp);
    curl_easy_setopt(c, CURLOPT_DEBUGDATA, &trace);
    curl_easy_setopt(c, CURLOPT_VERBOSE, 1L); /* the debug function sees nothing without it; nothing is printed */
    CURLcode rc = curl_easy_perform(c);
    long reply = 0;
    curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &reply);
    if (rc != CURLE_OK) smtp_failure(&trace, reply, curl_easy_strerror(rc), err, errlen);
    curl_easy_cleanup(c);
    free(message);
    return rc == CURLE_OK ? 0 : -1;
}

static void destroy(void *state) {
    struct mail *m = state;
    free(m->url);
    free(m->from);
    free(m->subject);
    free(m->body);
    free(m->username);
    if (m->password) {
        explicit_bzero(m->password, strlen(m->password)); /* a plain memset before free may be optimised away */
        free(m->password);
    }
    free(m->to_header);
    curl_slist_free_all(m->rcpt);
    free(m);
}

static const char *const schemes[] = {"smtp", "smtps", NULL};
static const char *const starttls[] = {"no", "try", "required", NULL};
static const vigil_key keys[] = {
    {"smtp_url", VIGIL_KEY_URL, VIGIL_KEY_REQUIRED, 0, 0, schemes},
    {"starttls", VIGIL_KEY_CHOICE, 0, 0, 0, starttls},
    {"username", VIGIL_KEY_TEXT, 0, 0, 0, NULL},
    {"password_file", VIGIL_KEY_PATH, 0, 0, 0, NULL},
    {"from", VIGIL_KEY_TEXT, VIGIL_KEY_REQUIRED, 0, 0, NULL},
    {"to", VIGIL_KEY_TEXT, VIGIL_KEY_REQUIRED | VIGIL_KEY_REPEATABLE, 0, 0, NULL},
    {"subject", VIGIL_KEY_TEMPLATE, 0, 0, 0, NULL},
    {"body", VIGIL_KEY_TEMPLATE, 0, 0, 0, NULL},
    {"tls_verify", VIGIL_KEY_BOOL, 0, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "the server: smtp://HOST[:PORT] or smtps://HOST[:PORT]"},
    {NULL, "STARTTLS on smtp://: no, try or required (default: try, required with a password_file)"},
    {NULL, "the AUTH user"},
    {NULL, "a file only vigild's user may read, holding the AUTH password"},
    {NULL, "the sender address"},
    {NULL, "a recipient address (repeat the key for more)"},
    {DEFAULT_SUBJECT, "the subject, with {field} placeholders of the event"},
    {DEFAULT_BODY, "the body, with {field} placeholders and \\n line breaks"},
    {"yes", "verify the TLS certificate and host name"},
};

static const vigil_notifier_type mail_type = {
    sizeof(vigil_notifier_type), "mail", NULL, keys, sizeof keys / sizeof keys[0], 0, validate, create, deliver, destroy, docs,
};

static const vigil_notifier_type *const notifiers[] = {&mail_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("mail", "1.0");
    info.notifiers = notifiers;
    info.notifier_count = 1;
    return &info;
}
