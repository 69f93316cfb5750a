// SPDX-License-Identifier: Apache-2.0
#include "supervisor/leftovers.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <set>

#include "log/logger.h"
#include "supervisor/shared_state.h"

namespace vigil::supervisor {

std::string held_file_path(const std::string& pid_file) {
    const std::string suffix = ".pid";
    auto slash = pid_file.rfind('/');
    bool has_suffix = pid_file.size() > suffix.size() && pid_file.compare(pid_file.size() - suffix.size(), suffix.size(), suffix) == 0 &&
                      (slash == std::string::npos || slash + 1 < pid_file.size() - suffix.size());
    return (has_suffix ? pid_file.substr(0, pid_file.size() - suffix.size()) : pid_file) + ".held";
}

Leftovers resign_leftovers(const std::string& held_file) {
    Leftovers out;
    int fd = open(held_file.c_str(), O_RDWR | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0) {
        if (errno != ENOENT) {
            out.found = out.untouchable = true;
            out.problem = "cannot open " + held_file + ": " + strerror(errno);
        }
        return out;
    }
    out.found = true;
    // What is read here decides which addresses and routes root removes:
    // only a file as vigild makes it (its own, private, one name).
    struct stat st{};
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid() || (st.st_mode & 077) != 0 || st.st_nlink != 1) {
        out.untouchable = true;
        out.problem = held_file + " is not a private regular file of this user (as vigild makes it); not read";
        close(fd);
        return out;
    }
    // Its supervisor, or the worker it started, holds the lock while it runs.
    if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
        out.busy = true;
        out.problem = held_file + " is held by a vigild that still runs (a worker whose supervisor is gone stops by itself); "
                      "it resigns for itself";
        close(fd);
        return out;
    }
    SharedState* state = map_shared_state(fd);
    if (!state) {
        out.problem = held_file + " is not a held file of this vigild version; not read";
        close(fd);
        return out;
    }
    auto elsewhere = origin_mismatch(state->origin);
    if (elsewhere == "an earlier boot") {
        // Nothing of it is in the kernel any more.
        out.note = held_file + " is from an earlier boot: nothing to resign for";
    } else if (!elsewhere.empty()) {
        // Its interface indexes name another namespace's interfaces.
        out.problem = held_file + " was written in " + elsewhere + "; not resigned for here (run vigild --resign-leftovers there)";
        munmap(state, sizeof(SharedState));
        close(fd);
        return out;
    } else {
        Resigner resigner;
        std::set<std::string> done;
        out.resigned = resigner.resign(*state, done);
    }
    munmap(state, sizeof(SharedState));
    // Resigned for: a second reading would send priority 0 again for nothing.
    // Removed while still locked, so no one reads it in between.
    if (unlink(held_file.c_str()) != 0 && errno != ENOENT) out.problem = "cannot remove " + held_file + ": " + strerror(errno);
    close(fd);
    return out;
}

void log_resignations(const std::vector<Resignation>& resigned, const std::string& whose, const char* speaker) {
    for (const auto& r : resigned) {
        if (r.anycast)
            VLOG_NOTICE("%s: withdrew %s (%d prefix%s) for %s: %d address(es) and %d route(s) removed, no advert", speaker,
                        r.instance.c_str(), r.prefixes, r.prefixes == 1 ? "" : "es", whose.c_str(), r.vips_removed, r.routes_removed);
        else if (r.owner)
            VLOG_NOTICE("%s: %s, the address owner, keeps its addresses (they are its own: no priority 0); %d route(s)/rule(s) removed",
                        speaker, r.instance.c_str(), r.routes_removed);
        else
            VLOG_NOTICE("%s: resigned %s for %s: priority 0 sent %d time(s), %d VIP(s) and %d route(s)/rule(s) removed", speaker,
                        r.instance.c_str(), whose.c_str(), r.adverts_sent, r.vips_removed, r.routes_removed);
        for (const auto& p : r.problems) VLOG_ERROR("%s: %s: %s", speaker, r.instance.c_str(), p.c_str());
    }
}

}  // namespace vigil::supervisor
