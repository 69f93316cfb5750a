/* SPDX-License-Identifier: Apache-2.0 */
// Resigning for a worker that can no longer do it itself: for every instance
// it held as MASTER, a priority-0 advert (the backup takes over after its
// skew time, not the master down interval) and the removal of the VIPs it
// added, with the instance's routes and rules. For an [anycast] section it
// held announced: its addresses or routes removed (which withdraws them from
// BGP), no advert. Needs only the shared state: nothing of the worker's.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "net/address_manager.h"
#include "net/route_manager.h"
#include "supervisor/shared_state.h"

namespace vigil::supervisor {

struct Resignation {
    std::string instance;  // an anycast's: "anycast NAME"
    bool anycast = false;  // an [anycast] section: withdrawn, no advert
    int prefixes = 0;      // an anycast's held prefixes (addresses or routes)
    bool owner = false;    // priority 255: no priority 0 (its addresses are its own)
    int adverts_sent = 0;
    int vips_removed = 0;
    int routes_removed = 0;  // routes and rules
    std::vector<std::string> problems;
};

class Resigner {
public:
    // A worker's death may be seen twice: its "dying" word (or a stall), then
    // its exit. Each time, the VIPs (routes, rules) of every held instance are removed again
    // (removing an absent one is harmless, and a worker not yet quite dead
    // may have added one since); priority 0 goes out once per instance hold, the
    // holds in `done` (slot and name) being left out and the others added.
    // Returns the holds resigned for the first time.
    std::vector<Resignation> resign(const SharedState& shared, std::set<std::string>& done);

private:
    net::AddressManager addresses_;
    net::RouteManager routes_;
};

}  // namespace vigil::supervisor
