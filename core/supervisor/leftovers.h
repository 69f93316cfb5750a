/* SPDX-License-Identifier: Apache-2.0 */
// What a vigild killed together with its worker (a stop timeout's SIGKILL, an
// OOM kill of the service, `kill -9` of both) left behind: nobody resigned for
// it, so its VIPs stay on this host while the peer takes over, and an anycast
// prefix stays announced. The shared state lives in a file beside the pid
// file (tmpfs under /run), so it outlives both processes; whoever next holds
// the pid file's lock resigns for it from there: the unit's ExecStopPost
// (`vigild --resign-leftovers`) or the next supervisor at its start.
#pragma once

#include <string>
#include <vector>

#include "supervisor/resign.h"

namespace vigil::supervisor {

// /run/vigil/vigild.pid -> /run/vigil/vigild.held (a name without ".pid"
// gets ".held" appended).
std::string held_file_path(const std::string& pid_file);

struct Leftovers {
    bool found = false;   // there was a held file
    bool busy = false;    // ... locked by a vigild that still runs: left alone
    bool untouchable = false;  // ... not opened, or not a file vigild made: not read, not to be replaced
    std::string problem;  // why it was not resigned for (busy, unreadable, another namespace): then it stays
    std::string note;     // an earlier boot's: removed, nothing to resign for
    std::vector<Resignation> resigned;
};

// Resigns for every hold in the file and removes it, unless a running vigild
// (a supervisor or the worker it started) holds the file's lock, or it was
// written in another network namespace or by another version.
Leftovers resign_leftovers(const std::string& held_file);

// The log lines for resignations; `whose`: "the dead worker", "a vigild
// killed with its worker", ...; `speaker` starts each line.
void log_resignations(const std::vector<Resignation>& resigned, const std::string& whose, const char* speaker = "supervisor");

}  // namespace vigil::supervisor
