/* SPDX-License-Identifier: Apache-2.0 */
/* Reading a secret (password, HMAC key) from a file that only its owner may
 * read: a group- or world-readable secret is refused, not used. */
#ifndef VIGIL_SECRET_FILE_H
#define VIGIL_SECRET_FILE_H

#include <stddef.h>

/* Returns a malloc'ed secret (one trailing newline stripped), or NULL with
 * a message in err. */
char *read_secret_file(const char *path, char *err, size_t errlen);

/* 0 when the file exists and is private, else nonzero with a message. */
int check_secret_file(const char *path, char *err, size_t errlen);

#endif
