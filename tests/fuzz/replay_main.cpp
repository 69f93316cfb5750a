// SPDX-License-Identifier: Apache-2.0
// Runs a fuzz target's LLVMFuzzerTestOneInput over files, without libFuzzer:
// the normal build replays every committed corpus and regression input this
// way (ctest fuzz.replay_*). Arguments are files or directories (not recursive).
// A crash is the failure; finding no input at all is one too, so a corpus
// that went missing cannot pass unnoticed.
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <vector>

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size);

namespace {

void replay(const std::filesystem::path& file) {
    std::ifstream in(file, std::ios::binary);
    std::vector<uint8_t> bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    // The fuzzer never passes a null pointer; an empty vector's data() may be one.
    bytes.reserve(1);
    LLVMFuzzerTestOneInput(bytes.data(), bytes.size());
}

}  // namespace

int main(int argc, char** argv) {
    size_t replayed = 0;
    for (int i = 1; i < argc; ++i) {
        std::filesystem::path arg = argv[i];
        if (std::filesystem::is_directory(arg)) {
            for (const auto& entry : std::filesystem::directory_iterator(arg))
                if (entry.is_regular_file() && entry.path().filename().string()[0] != '.') {
                    replay(entry.path());
                    ++replayed;
                }
        } else if (std::filesystem::exists(arg)) {
            replay(arg);
            ++replayed;
        }
    }
    std::printf("replayed %zu input(s)\n", replayed);
    return replayed > 0 ? 0 : 1;
}
