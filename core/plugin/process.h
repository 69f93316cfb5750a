/* SPDX-License-Identifier: Apache-2.0 */
// Running plugin commands: as the script user, with a clean environment,
// without a shell unless asked, in their own process group so a timeout
// kills everything they started. Asynchronous (on the loop, for trackers)
// or blocking (on a notifier's worker thread).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

#include "vigil/plugin.h"

namespace vigil::plugin {

// Everything decided before the child is started: it then only makes system calls.
struct Launch {
    std::vector<std::string> argv;
    std::vector<std::string> env;
    uid_t uid = 0;
    gid_t gid = 0;
    std::vector<gid_t> groups;
    bool change_user = false;
};

// Checks and resolves a spawn request; "" or why it cannot run (a script
// writable by group or others, an unknown user, a relative path, ...).
std::string prepare(const vigil_spawn& spec, const std::string& default_user, Launch& out);

// Starts the child (clone(CLONE_VM), see process.cpp) and execs; returns the pid (its own process group) and the read end
// of a pipe carrying its stdout and stderr, or -1 with `error`.
pid_t start(const Launch& launch, int& output_fd, std::string& error);

// The user plugins' commands run as: `configured`, else vigil-script if it
// exists, else nobody.
std::string resolve_script_user(const std::string& configured);

}  // namespace vigil::plugin
