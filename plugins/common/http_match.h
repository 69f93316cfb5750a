/* What makes an HTTP answer a success for the http tracker: the status in a
 * list of codes and ranges ("200-299 301,302"), the body containing a text. */
#ifndef VIGIL_HTTP_MATCH_H
#define VIGIL_HTTP_MATCH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

struct http_range {
    int lo, hi;
};

/* Parses a status list; returns the number of ranges, or -1 when it is not one. */
int http_parse_status_list(const char *text, struct http_range *out, int max);

/* 1 when the answer passes, else 0; `reason` says why in words. `error` is
 * the transport's reason when there was no answer (status 0). */
int http_judge(int status, const char *error, const char *body, const struct http_range *ranges, int range_count,
               const char *expect_body, char *reason, size_t reason_len);

#ifdef __cplusplus
}
#endif

#endif
