// SPDX-License-Identifier: Apache-2.0
// A deliberately buggy program for tests/sanitize/self_check.sh: proves that
// a sanitizer report, in a process whose exit status nobody checks, reaches
// the reports directory that fails ./scripts/test --sanitize.
// Usage: sanitizer_canary heap-overflow|leak|undefined|clean
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace {
// volatile: keep the compiler from folding the bugs away.
volatile int index_past_end = 8;
volatile int big = INT_MAX;
void* volatile last_allocation;
}  // namespace

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    if (std::strcmp(mode, "heap-overflow") == 0) {
        // Through a volatile pointer, so that UBSan's object-size check
        // cannot see the allocation and ASan is the one to catch it.
        char* volatile buffer = new char[8];
        buffer[index_past_end] = 1;
        int byte = buffer[0];
        delete[] buffer;
        return byte;
    }
    if (std::strcmp(mode, "leak") == 0) {
        last_allocation = std::malloc(64);
        last_allocation = nullptr;
        return 0;
    }
    if (std::strcmp(mode, "undefined") == 0) {
        int sum = big + 1;
        return sum == 0;
    }
    if (std::strcmp(mode, "clean") == 0) {
        char* buffer = new char[8]();
        int byte = buffer[7];
        delete[] buffer;
        return byte;
    }
    std::fprintf(stderr, "usage: %s heap-overflow|leak|undefined|clean\n", argv[0]);
    return 2;
}
