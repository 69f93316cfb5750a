// SPDX-License-Identifier: Apache-2.0
#include "supervisor/exit_cause.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

namespace vigil::supervisor {
namespace {

// Bounded: the worker wrote them, and may have died mid-write.
template <size_t N>
std::string text(const char (&field)[N]) {
    return std::string(field, strnlen(field, N));
}

std::string describe(const CallRecord& r) {
    auto object = text(r.object);
    return "plugin '" + text(r.plugin) + "' " + text(r.callback) + (object.empty() ? "" : " of " + object);
}

}  // namespace

std::string signal_name(int sig) {
    const char* abbrev = sigabbrev_np(sig);
    return abbrev ? std::string("SIG") + abbrev : "signal " + std::to_string(sig);
}

std::string describe_exit(int status) {
    if (WIFSIGNALED(status))
        return "killed by signal " + signal_name(WTERMSIG(status)) + (WCOREDUMP(status) ? " (core dumped)" : "");
    if (WIFEXITED(status)) return "exited with status " + std::to_string(WEXITSTATUS(status));
    return "ended with wait status " + std::to_string(status);
}

std::string describe_calls(const SharedState& shared) {
    std::string out;
    if (shared.loop_call.active.load(std::memory_order_acquire)) out = " in " + describe(shared.loop_call);
    for (const auto& r : shared.thread_calls)
        if (r.active.load(std::memory_order_acquire))
            out += (out.empty() ? " while a notifier thread was in " : "; a notifier thread was in ") + describe(r);
    return out;
}

}  // namespace vigil::supervisor
