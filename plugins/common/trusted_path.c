/* SPDX-License-Identifier: Apache-2.0 */
#define _GNU_SOURCE
#include "trusted_path.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* One inode on the way: `is_last` is the file itself (a regular file or a
 * symbolic link to one); before it, directories and symbolic links to them. */
static int check_one(const char *path, int is_last, char *err, size_t errlen) {
    struct stat st;
    if (lstat(path, &st) != 0) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    if (st.st_uid != 0 && st.st_uid != geteuid()) {
        snprintf(err, errlen, "%s: refusing a %s owned by uid %u (only root or vigild's user may own it)", path,
                 S_ISDIR(st.st_mode) ? "directory" : S_ISLNK(st.st_mode) ? "symbolic link" : "script", (unsigned)st.st_uid);
        return -1;
    }
    if (S_ISLNK(st.st_mode)) return 0; /* where it leads is checked on the resolved path */
    if (S_ISDIR(st.st_mode) && !is_last) {
        /* Sticky (/tmp): others may create entries there but not replace ours. */
        int writable = (st.st_mode & S_IWOTH) || ((st.st_mode & S_IWGRP) && st.st_gid != 0);
        if (writable && !(st.st_mode & S_ISVTX)) {
            snprintf(err, errlen, "%s: refusing a script in a directory writable by group or others (chmod go-w)", path);
            return -1;
        }
        return 0;
    }
    if (!is_last || !S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "%s: not a regular file", path);
        return -1;
    }
    if (st.st_mode & (S_IWGRP | S_IWOTH)) {
        snprintf(err, errlen, "%s: refusing a script writable by group or others (chmod go-w)", path);
        return -1;
    }
    return 0;
}

/* Resolves `path` as the kernel does, a component at a time, and checks every
 * inode it passes: each directory, each symbolic link (a link anywhere on the
 * way, also in the middle of another link's target, can be re-pointed by its
 * directory's writers), and the file it ends at. */
static int check_walk(const char *path, char *err, size_t errlen) {
    char done[PATH_MAX] = ""; /* resolved so far, physical; "" is "/" */
    char todo[PATH_MAX];      /* what is left to walk */
    if (snprintf(todo, sizeof todo, "%s", path) >= (int)sizeof todo) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    if (check_one("/", 0, err, errlen) != 0) return -1;
    const char *rest = todo;
    for (int links = 0;;) {
        rest += strspn(rest, "/");
        if (!*rest) return 0;
        size_t n = strcspn(rest, "/");
        char name[NAME_MAX + 1];
        if (n > NAME_MAX) {
            snprintf(err, errlen, "%s: name too long", path);
            return -1;
        }
        memcpy(name, rest, n);
        name[n] = '\0';
        rest += n;
        int last = rest[strspn(rest, "/")] == '\0';
        if (strcmp(name, ".") == 0) continue;
        if (strcmp(name, "..") == 0) {
            char *slash = strrchr(done, '/');
            if (slash) *slash = '\0';
            continue;
        }
        char here[PATH_MAX];
        if (snprintf(here, sizeof here, "%s/%s", done, name) >= (int)sizeof here) {
            snprintf(err, errlen, "%s: path too long", path);
            return -1;
        }
        if (check_one(here, last, err, errlen) != 0) return -1;
        struct stat st;
        if (lstat(here, &st) != 0 || !S_ISLNK(st.st_mode)) {
            memcpy(done, here, strlen(here) + 1);
            continue;
        }
        if (++links > 40) {
            snprintf(err, errlen, "%s: too many levels of symbolic links", path);
            return -1;
        }
        char target[PATH_MAX], next[PATH_MAX];
        ssize_t len = readlink(here, target, sizeof target - 1);
        if (len < 0) {
            snprintf(err, errlen, "%s: %s", here, strerror(errno));
            return -1;
        }
        target[len] = '\0';
        if (snprintf(next, sizeof next, "%s%s", target, rest) >= (int)sizeof next) {
            snprintf(err, errlen, "%s: path too long", path);
            return -1;
        }
        if (target[0] == '/') done[0] = '\0'; /* else relative to the link's directory, `done` */
        memcpy(todo, next, strlen(next) + 1);
        rest = todo;
    }
}

int check_trusted_path(const char *path, char *err, size_t errlen) {
    if (!path || path[0] != '/') {
        snprintf(err, errlen, "'%s' is not an absolute path", path ? path : "");
        return -1;
    }
    /* A missing file is named as such, not by its first missing directory. */
    char *real = realpath(path, NULL);
    if (!real) {
        snprintf(err, errlen, "%s: %s", path, strerror(errno));
        return -1;
    }
    free(real);
    return check_walk(path, err, errlen);
}

int check_shell_line_program(const char *line, char *err, size_t errlen) {
    line += strspn(line, " \t");
    if (*line != '/') return 0;
    size_t len = strcspn(line, " \t\n;&|<>()`$'\"");
    char program[PATH_MAX];
    if (len >= sizeof program) {
        snprintf(err, errlen, "%.64s...: path too long", line);
        return -1;
    }
    memcpy(program, line, len);
    program[len] = '\0';
    return check_trusted_path(program, err, errlen);
}
