/* SPDX-License-Identifier: Apache-2.0 */
#include "server_reply.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

void quote_reply(const char *text, size_t len, size_t max, char *out, size_t outlen) {
    if (!outlen) return;
    size_t o = 0;
    size_t i = 0;
    /* Room for the longest escape, "..." and the NUL. */
    for (; i < len && i < max && o + 4 + 3 + 1 <= outlen; ++i) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') o += (size_t)snprintf(out + o, outlen - o, "\\n");
        else if (c == '\r') o += (size_t)snprintf(out + o, outlen - o, "\\r");
        else if (c == '\t') o += (size_t)snprintf(out + o, outlen - o, "\\t");
        else if (c == '\\') o += (size_t)snprintf(out + o, outlen - o, "\\\\");
        else if (c < 0x20 || c > 0x7e) o += (size_t)snprintf(out + o, outlen - o, "\\x%02x", c);
        else out[o++] = (char)c;
    }
    out[o] = '\0';
    if (i < len && o + 3 < outlen) strcat(out, "...");
}

void http_failure(long status, const char *body, size_t body_len, char *err, size_t errlen) {
    if (!body || !body_len) {
        snprintf(err, errlen, "HTTP %ld, empty body", status);
        return;
    }
    char quoted[REPLY_QUOTE_MAX * 4 + 4];
    quote_reply(body, body_len, REPLY_QUOTE_MAX, quoted, sizeof quoted);
    snprintf(err, errlen, "HTTP %ld, body: '%s'", status, quoted);
}

/* The commands libcurl sends, as a message names them. */
static const char *const verbs[][2] = {
    {"MAIL", "MAIL FROM"}, {"RCPT", "RCPT TO"}, {"DATA", "DATA"},         {"AUTH", "AUTH"}, {"EHLO", "EHLO"},
    {"HELO", "HELO"},      {"STARTTLS", "STARTTLS"}, {"QUIT", "QUIT"},   {"RSET", "RSET"}, {"NOOP", "NOOP"},
};

void smtp_trace_sent(struct smtp_trace *t, const char *data, size_t len) {
    size_t word = 0;
    while (word < len && data[word] != ' ' && data[word] != '\r' && data[word] != '\n') ++word;
    for (size_t v = 0; v < sizeof verbs / sizeof verbs[0]; ++v) {
        if (word != strlen(verbs[v][0]) || strncasecmp(data, verbs[v][0], word) != 0) continue;
        /* A refusal followed by another command was not the end (STARTTLS
         * refused under starttls = try); the QUIT that closes a failed
         * session is. */
        if (strcmp(verbs[v][0], "QUIT") != 0) t->refused_code = 0;
        snprintf(t->command, sizeof t->command, "%s", verbs[v][1]);
        return;
    }
    /* Anything else (an AUTH exchange's encoded credentials, the end of
     * DATA) continues the command in progress. */
}

static void received_line(struct smtp_trace *t, const char *line, size_t len) {
    while (len && (line[len - 1] == '\r' || line[len - 1] == '\n')) --len;
    if (len < 3 || !isdigit((unsigned char)line[0]) || !isdigit((unsigned char)line[1]) || !isdigit((unsigned char)line[2])) return;
    int code = (line[0] - '0') * 100 + (line[1] - '0') * 10 + (line[2] - '0');
    if (code < 400) return;
    t->refused_code = code;
    snprintf(t->refused_command, sizeof t->refused_command, "%s", t->command);
    /* "500 text" or "500-text" (a line of a longer reply: the last one counts). */
    const char *text = len > 4 ? line + 4 : "";
    size_t text_len = len > 4 ? len - 4 : 0;
    if (text_len > sizeof t->refused_text) text_len = sizeof t->refused_text;
    memcpy(t->refused_text, text, text_len);
    t->refused_len = text_len;
}

void smtp_trace_received(struct smtp_trace *t, const char *data, size_t len) {
    while (len) {
        const char *nl = memchr(data, '\n', len);
        size_t line = nl ? (size_t)(nl - data) + 1 : len;
        received_line(t, data, line);
        data += line;
        len -= line;
    }
}

void smtp_failure(const struct smtp_trace *t, long response_code, const char *transport_error, char *err, size_t errlen) {
    if (t->refused_code) {
        char quoted[REPLY_QUOTE_MAX * 4 + 4];
        quote_reply(t->refused_text, t->refused_len, REPLY_QUOTE_MAX, quoted, sizeof quoted);
        const char *to = t->refused_command[0] ? t->refused_command : "the connection";
        if (quoted[0]) snprintf(err, errlen, "SMTP server answered %d '%s' to %s", t->refused_code, quoted, to);
        else snprintf(err, errlen, "SMTP server answered %d to %s", t->refused_code, to);
    } else if (response_code >= 400) {
        snprintf(err, errlen, "SMTP server answered %ld (%s)", response_code, transport_error);
    } else {
        snprintf(err, errlen, "%s", transport_error);
    }
}
