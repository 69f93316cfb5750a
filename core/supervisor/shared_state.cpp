// SPDX-License-Identifier: Apache-2.0
#include "supervisor/shared_state.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <cerrno>
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <new>
#include <string_view>

namespace vigil::supervisor {

SharedState* create_shared_state(int& fd, const std::string& path) {
    if (!path.empty()) unlink(path.c_str());
    fd = path.empty() ? memfd_create("vigild-shared", 0) : open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW, 0600);
    if (fd < 0) return nullptr;
    auto fail = [&] {
        int saved = errno;
        close(fd);
        fd = -1;
        if (!path.empty()) unlink(path.c_str());
        errno = saved;
        return nullptr;
    };
    if (!path.empty()) {
        // The slots are sparse; the room they may take must be there.
        struct statvfs fs{};
        if (fstatvfs(fd, &fs) == 0 && static_cast<uint64_t>(fs.f_bavail) * fs.f_frsize < sizeof(SharedState)) {
            errno = ENOSPC;
            return fail();
        }
        if (flock(fd, LOCK_EX | LOCK_NB) != 0) return fail();
    }
    if (!path.empty()) {
        // Before the size is set: a file cut short by a kill in between has
        // the wrong size, and is never mapped (a hole in a full tmpfs faults).
        int err = posix_fallocate(fd, 0, offsetof(SharedState, held));
        if (err != 0) {
            errno = err;
            return fail();
        }
    }
    if (ftruncate(fd, sizeof(SharedState)) != 0) return fail();
    void* p = mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return fail();
    // A fresh memfd (or an emptied file) reads as zeros: every slot empty, no call in flight.
    auto* state = static_cast<SharedState*>(p);
    state->magic = kSharedMagic;
    state->version = kSharedVersion;
    state->stall_timeout_ms.store(-1);
    state->origin = current_origin();
    return state;
}

SharedState* map_shared_state(int fd) {
    struct stat st{};
    if (fstat(fd, &st) != 0 || static_cast<size_t>(st.st_size) != sizeof(SharedState)) return nullptr;
    void* p = mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) return nullptr;
    auto* state = static_cast<SharedState*>(p);
    if (state->magic != kSharedMagic || state->version != kSharedVersion) {
        munmap(p, sizeof(SharedState));
        return nullptr;
    }
    return state;
}

Origin current_origin() {
    Origin o{};
    struct stat st{};
    if (stat("/proc/self/ns/net", &st) == 0) o.netns_inode = st.st_ino;
#ifdef SO_NETNS_COOKIE
    int s = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s >= 0) {
        uint64_t cookie = 0;
        socklen_t len = sizeof cookie;
        if (getsockopt(s, SOL_SOCKET, SO_NETNS_COOKIE, &cookie, &len) == 0) o.netns_cookie = cookie;
        close(s);
    }
#endif
    if (FILE* f = fopen("/proc/sys/kernel/random/boot_id", "re")) {
        if (!fgets(o.boot_id, sizeof o.boot_id, f)) o.boot_id[0] = '\0';
        fclose(f);
        o.boot_id[strcspn(o.boot_id, "\n")] = '\0';
    }
    return o;
}

std::string origin_mismatch(const Origin& o) {
    Origin here = current_origin();
    if (strncmp(o.boot_id, here.boot_id, sizeof o.boot_id) != 0) return "an earlier boot";
    bool same = o.netns_cookie && here.netns_cookie ? o.netns_cookie == here.netns_cookie : o.netns_inode == here.netns_inode;
    return same ? "" : "another network namespace";
}

void record_resigned(RestartRecord& record, const std::set<std::string>& done) {
    // Comma-separated: names have no comma, and an anycast's has a space.
    std::string list;
    for (const auto& key : done) list += (list.empty() ? "" : ",") + key.substr(key.find(' ') + 1);
    copy_text(record.resigned, list.c_str());
}

ResignedHolds resigned_holds(const RestartRecord& record) {
    ResignedHolds out;
    std::string_view list(record.resigned, strnlen(record.resigned, sizeof record.resigned));
    while (!list.empty()) {
        auto comma = list.find(',');
        auto entry = list.substr(0, comma);
        list = comma == std::string_view::npos ? std::string_view() : list.substr(comma + 1);
        if (entry.empty()) continue;
        (entry.starts_with("anycast ") ? out.anycasts : out.instances).emplace_back(entry);
    }
    return out;
}

}  // namespace vigil::supervisor
