/* SPDX-License-Identifier: Apache-2.0 */
/* Whether a file that decides what runs (an exec script, a Lua script) can
 * be changed by someone other than root or vigild's own user: whoever can
 * rewrite it, or swap a directory above it, runs code as the script user
 * (or inside vigild, for Lua) and with it decides where the VIPs go. */
#ifndef VIGIL_TRUSTED_PATH_H
#define VIGIL_TRUSTED_PATH_H

#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

/* 0 when `path` (absolute) and every directory above it, on the path as
 * written and on the path its symbolic links lead to, are owned by root or
 * by vigild's effective user; the file is a regular file not writable by
 * group or others; and no directory is writable by others, or by a group
 * other than root, unless it is sticky (/tmp). Else nonzero with a message
 * naming the offending path in err. */
int check_trusted_path(const char *path, char *err, size_t errlen);

/* The same for the program a shell command line starts with, when it names
 * one by absolute path (a PATH search is the shell's); 0 otherwise. */
int check_shell_line_program(const char *line, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif
