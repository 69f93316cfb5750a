/* SPDX-License-Identifier: Apache-2.0 */
/* Small helpers shared by the built-in plugins' sources (compiled into each
 * plugin; nothing here is part of the SDK). */
#ifndef VIGIL_PLUGIN_UTIL_H
#define VIGIL_PLUGIN_UTIL_H

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vigil/plugin.h>

/* printf-style log through the host. */
static inline void plog(const vigil_host_api *host, int level, const char *fmt, ...) {
    char buf[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    host->log(host->host, level, buf);
}

/* Splits a command line into words: whitespace separates, "..." and '...'
 * group, backslash escapes inside "..." and outside quotes. Returns a
 * NULL-terminated array in one allocation (free() it), or NULL on an
 * unterminated quote. */
char **split_command(const char *line);

#endif
