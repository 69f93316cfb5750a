/* SPDX-License-Identifier: Apache-2.0 */
/* What a server answered, for the failure messages of the notifiers that
 * speak to one (webhook, mail): quoted printable and bounded, so that an
 * operator reads the server's own words in the log. Pure: no I/O. */
#ifndef VIGIL_SERVER_REPLY_H
#define VIGIL_SERVER_REPLY_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* How much of a reply a message quotes. */
#define REPLY_QUOTE_MAX 128

/* Writes at most `max` bytes of text[0, len) to out as printable ASCII: \n,
 * \r and \t as such, a backslash as \\, any other byte outside 0x20-0x7e
 * as \xNN (a log line stays one line, and a cut UTF-8 sequence stays
 * harmless); "..." marks text cut at `max`. Always NUL-terminated. */
void quote_reply(const char *text, size_t len, size_t max, char *out, size_t outlen);

/* "HTTP 503, body: 'down for maintenance\n'" or "HTTP 503, empty body". */
void http_failure(long status, const char *body, size_t body_len, char *err, size_t errlen);

/* An SMTP conversation as libcurl's debug callback shows it: the lines the
 * client sent and the reply lines it received. It keeps the verb of the
 * command in progress (never its arguments: AUTH carries credentials) and
 * the last reply that refused something (code 400 and up). */
struct smtp_trace {
    char command[16];           /* "MAIL FROM", "RCPT TO", "DATA", "AUTH", ...; "" before the first */
    char refused_command[16];   /* what the last refusal answered */
    int refused_code;           /* 0: nothing refused */
    char refused_text[512];     /* that reply line's text, raw */
    size_t refused_len;
};

void smtp_trace_sent(struct smtp_trace *t, const char *data, size_t len);
void smtp_trace_received(struct smtp_trace *t, const char *data, size_t len);

/* "SMTP server answered 500 'Error: no' to DATA" when the server refused a
 * command; else, with a `response_code` of 400 or more, the code alone;
 * else `transport_error` (libcurl's words). */
void smtp_failure(const struct smtp_trace *t, long response_code, const char *transport_error, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
