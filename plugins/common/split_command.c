/* SPDX-License-Identifier: Apache-2.0 */
#include <ctype.h>

#include "plugin_util.h"

char **split_command(const char *line) {
    size_t len = strlen(line);
    /* Worst case: every other character is a word. */
    size_t max_words = len / 2 + 2;
    char **argv = malloc(max_words * sizeof(char *) + len + 1);
    if (!argv) return NULL;
    char *out = (char *)(argv + max_words);
    size_t n = 0;
    const char *p = line;
    while (*p) {
        while (*p && isspace((unsigned char)*p)) ++p;
        if (!*p) break;
        argv[n++] = out;
        char quote = 0;
        while (*p && (quote || !isspace((unsigned char)*p))) {
            if (quote) {
                if (*p == quote) { quote = 0; ++p; continue; }
                if (quote == '"' && *p == '\\' && p[1]) ++p;
                *out++ = *p++;
            } else if (*p == '"' || *p == '\'') {
                quote = *p++;
            } else {
                if (*p == '\\' && p[1]) ++p;
                *out++ = *p++;
            }
        }
        if (quote) { free(argv); return NULL; }
        *out++ = '\0';
    }
    argv[n] = NULL;
    return argv;
}
