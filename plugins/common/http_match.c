/* SPDX-License-Identifier: Apache-2.0 */
#include "http_match.h"

#include <stdio.h>
#include <string.h>

int http_judge(int status, const char *error, const char *body, const vigil_range *ranges, size_t range_count,
               const char *expect_body, char *reason, size_t reason_len) {
    if (error) {
        snprintf(reason, reason_len, "%s", error);
        return 0;
    }
    int expected = 0;
    for (size_t i = 0; i < range_count; ++i)
        if (status >= ranges[i].lo && status <= ranges[i].hi) expected = 1;
    if (!expected) {
        snprintf(reason, reason_len, "HTTP %d, not an expected status", status);
        return 0;
    }
    if (expect_body && *expect_body && !strstr(body ? body : "", expect_body)) {
        snprintf(reason, reason_len, "HTTP %d, but the body lacks '%s'", status, expect_body);
        return 0;
    }
    snprintf(reason, reason_len, "HTTP %d", status);
    return 1;
}
