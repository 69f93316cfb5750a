// SPDX-License-Identifier: Apache-2.0
#include "supervisor/process_title.h"

#include <cstdlib>
#include <cstring>
#include <string>

extern char** environ;

namespace vigil::supervisor {

void set_process_title(int argc, char** argv, const char* title) {
    if (argc < 1 || !argv[0]) return;
    // The kernel shows the bytes from argv[0] up to the end of the argument
    // area; environment strings usually follow contiguously.
    std::string text = title;
    for (int i = 1; i < argc; ++i) text += std::string(" ") + argv[i];
    char* start = argv[0];
    char* end = argv[argc - 1] + strlen(argv[argc - 1]) + 1;
    if (static_cast<size_t>(end - start) < text.size() + 1 && environ) {
        size_t count = 0;
        while (environ[count]) ++count;
        for (size_t i = 0; i < count; ++i)
            if (environ[i] == end) end = environ[i] + strlen(environ[i]) + 1;
        // Keep the environment: each string moves to the heap (never freed).
        auto** moved = static_cast<char**>(calloc(count + 1, sizeof(char*)));
        if (!moved) return;
        for (size_t i = 0; i < count; ++i) moved[i] = strdup(environ[i]);
        environ = moved;
    }
    size_t room = static_cast<size_t>(end - start);
    size_t n = std::min(text.size(), room - 1);
    memcpy(start, text.data(), n);
    memset(start + n, 0, room - n);
}

}  // namespace vigil::supervisor
