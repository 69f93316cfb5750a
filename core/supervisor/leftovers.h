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
    std::string problem;  // it could not be read (it is removed all the same)
    std::vector<Resignation> resigned;
};

// Resigns for every hold in the file and removes it. The caller holds the pid
// file's lock: no live supervisor owns the file.
Leftovers resign_leftovers(const std::string& held_file);

// The log lines for resignations; `whose`: "the dead worker", "a vigild
// killed with its worker", ...; `speaker` starts each line.
void log_resignations(const std::vector<Resignation>& resigned, const std::string& whose, const char* speaker = "supervisor");

}  // namespace vigil::supervisor
