// Resigning for a worker that can no longer do it itself: for every instance
// it held as MASTER, a priority-0 advert (the backup takes over after its
// skew time, not the master down interval) and the removal of the VIPs it
// added. Needs only the shared state: nothing of the worker's.
#pragma once

#include <set>
#include <string>
#include <vector>

#include "net/address_manager.h"
#include "supervisor/shared_state.h"

namespace vigil::supervisor {

struct Resignation {
    std::string instance;
    int adverts_sent = 0;
    int vips_removed = 0;
    std::vector<std::string> problems;
};

class Resigner {
public:
    // Resigns for each held instance not in `done`, and adds it there (a
    // worker's death may be seen twice: its "dying" word, then its exit).
    std::vector<Resignation> resign(const SharedState& shared, std::set<std::string>& done);

private:
    net::AddressManager addresses_;
};

}  // namespace vigil::supervisor
