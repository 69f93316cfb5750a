// SPDX-License-Identifier: Apache-2.0
#include "supervisor/shared_state.h"

#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <new>

namespace vigil::supervisor {

SharedState* create_shared_state(int& fd) {
    fd = memfd_create("vigild-shared", 0);
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
    // A fresh memfd reads as zeros: every slot empty, no call in flight.
    auto* state = static_cast<SharedState*>(p);
    state->magic = kSharedMagic;
    state->version = kSharedVersion;
    state->stall_timeout_ms.store(-1);
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

}  // namespace vigil::supervisor
