/* SPDX-License-Identifier: Apache-2.0 */
// A worker's end in words, for the log, status and the next worker's events.
#pragma once

#include <string>

#include "supervisor/shared_state.h"

namespace vigil::supervisor {

enum class DeathKind { Signal, Exit, Stall };

// "SIGSEGV"
std::string signal_name(int sig);

// From waitpid's status: "killed by signal SIGSEGV (core dumped)", "exited with status 3".
std::string describe_exit(int wait_status);
// " in plugin 'faulty' poll of tracker 'crashy'" for the loop's call in flight,
// then any notifier thread's; "" when no plugin code was running.
std::string describe_calls(const SharedState& shared);

}  // namespace vigil::supervisor
