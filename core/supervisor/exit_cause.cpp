#include "supervisor/exit_cause.h"

#include <signal.h>
#include <string.h>
#include <sys/wait.h>

namespace vigil::supervisor {
namespace {

std::string describe(const CallRecord& r) {
    return std::string("plugin '") + r.plugin + "' " + r.callback + (r.object[0] ? std::string(" of ") + r.object : "");
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
