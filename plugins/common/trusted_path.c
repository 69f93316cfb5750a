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

/* "/", then every prefix of `path` up to the file itself. */
static int check_chain(const char *path, char *err, size_t errlen) {
    char walk[PATH_MAX];
    size_t len = strlen(path);
    if (len >= sizeof walk) {
        snprintf(err, errlen, "%s: path too long", path);
        return -1;
    }
    memcpy(walk, path, len + 1);
    if (check_one("/", 0, err, errlen) != 0) return -1;
    for (size_t i = 1; i <= len; ++i) {
        if (walk[i] != '/' && walk[i] != '\0') continue;
        if (walk[i - 1] == '/') continue; /* "//" */
        char saved = walk[i];
        walk[i] = '\0';
        int rc = check_one(walk, i == len, err, errlen);
        walk[i] = saved;
        if (rc != 0) return -1;
    }
    return 0;
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
    /* The path as written (its symbolic links must be ours: whoever owns
     * one can point it elsewhere), then the path it resolves to. */
    int rc = check_chain(path, err, errlen);
    if (rc == 0 && strcmp(real, path) != 0) rc = check_chain(real, err, errlen);
    free(real);
    return rc;
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
