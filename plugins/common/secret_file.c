/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "secret_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Opens without following a symlink and checks what was opened (no race
 * between the check and the read): owned by root or by us, and private. */
static int open_private(const char *path, char *err, size_t errlen) {
    int fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        snprintf(err, errlen, "%s: %s", path, errno == ELOOP ? "refusing a symbolic link" : strerror(errno));
        return -1;
    }
    struct stat st;
    const char *problem = NULL;
    if (fstat(fd, &st) != 0) problem = strerror(errno);
    else if (!S_ISREG(st.st_mode)) problem = "not a regular file";
    else if (st.st_uid != 0 && st.st_uid != geteuid()) problem = "refusing a secret owned by another user";
    else if (st.st_mode & (S_IRWXG | S_IRWXO)) problem = "refusing a secret readable by group or others (chmod 600)";
    if (problem) {
        snprintf(err, errlen, "%s: %s", path, problem);
        close(fd);
        return -1;
    }
    return fd;
}

int check_secret_file(const char *path, char *err, size_t errlen) {
    int fd = open_private(path, err, errlen);
    if (fd < 0) return -1;
    close(fd);
    return 0;
}

char *read_secret_file(const char *path, char *err, size_t errlen) {
    int fd = open_private(path, err, errlen);
    if (fd < 0) return NULL;
    char *buf = calloc(1, 4097);
    ssize_t n = read(fd, buf, 4096);
    close(fd);
    if (n < 0) n = 0;
    buf[n] = '\0';
    if (n && buf[n - 1] == '\n') buf[--n] = '\0';
    if (n && buf[n - 1] == '\r') buf[--n] = '\0';
    return buf;
}
