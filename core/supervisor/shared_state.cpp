// SPDX-License-Identifier: Apache-2.0
#include "supervisor/shared_state.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <new>
#include <string_view>

namespace vigil::supervisor {

SharedState* create_shared_state(int& fd, const std::string& path) {
    fd = path.empty() ? memfd_create("vigild-shared", 0) : open(path.c_str(), O_RDWR | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    if (fd < 0) return nullptr;
    if (ftruncate(fd, sizeof(SharedState)) != 0) {
        close(fd);
        fd = -1;
        return nullptr;
    }
    void* p = mmap(nullptr, sizeof(SharedState), PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
    if (p == MAP_FAILED) {
        close(fd);
        fd = -1;
        return nullptr;
    }
    // A fresh memfd (or an emptied file) reads as zeros: every slot empty, no call in flight.
    auto* state = static_cast<SharedState*>(p);
    state->magic = kSharedMagic;
    state->version = kSharedVersion;
    state->stall_timeout_ms.store(-1);
    state->netns_inode = current_netns_inode();
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

uint64_t current_netns_inode() {
    struct stat st{};
    return stat("/proc/self/ns/net", &st) == 0 ? static_cast<uint64_t>(st.st_ino) : 0;
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
