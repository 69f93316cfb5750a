/* SPDX-License-Identifier: Apache-2.0 */
// Which check a polled tracker's report answers. The host asks for one result
// per poll(); it does not trust the plugin to keep count. A report when no
// check is waiting (a second one for the same poll) is a duplicate; one for a
// check the host's timeout already counted as failed is late. Both are
// dropped, so they cannot change the tracker's state. Pure: no clock, no I/O.
//
// The ABI has one report() per tracker, not per poll: a late report that
// arrives after the next poll() has begun cannot be told from that poll's own
// answer, and is taken as it.
#pragma once

namespace vigil::track {

enum class ReportFate { Accepted, Duplicate, Late };

// "duplicate" or "late" (metric labels and status keys).
const char* fate_name(ReportFate fate);

class CheckCycle {
public:
    // poll() is about to be called.
    void begin() { phase_ = Phase::Waiting; }
    bool waiting() const { return phase_ == Phase::Waiting; }
    // The host's timeout counted the check as failed.
    void time_out() { phase_ = Phase::TimedOut; }
    // A report arrived: what becomes of it. After a late one, any further
    // report for that check is a duplicate.
    ReportFate report();

private:
    enum class Phase { Answered, Waiting, TimedOut };
    Phase phase_ = Phase::Answered;
};

}  // namespace vigil::track
