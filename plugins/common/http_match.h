/* SPDX-License-Identifier: Apache-2.0 */
/* What makes an HTTP answer a success for the http tracker: the status in
 * the ranges of its expect_status (as the host parsed them), the body
 * containing a text. */
#ifndef VIGIL_HTTP_MATCH_H
#define VIGIL_HTTP_MATCH_H

#include <stddef.h>

#include <vigil/plugin.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 1 when the answer passes, else 0; `reason` says why in words. `error` is
 * the transport's reason when there was no answer (status 0). */
int http_judge(int status, const char *error, const char *body, const vigil_range *ranges, size_t range_count,
               const char *expect_body, char *reason, size_t reason_len);

#ifdef __cplusplus
}
#endif

#endif
