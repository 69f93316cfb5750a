/* SPDX-License-Identifier: Apache-2.0 */
// vigild's command line (docs/vigild.md).
#pragma once

#include <optional>
#include <string>

#include "log/level.h"

namespace vigil::daemon {

struct Options {
    std::string config_path = "/etc/vigil/vigil.conf";
    bool test_config = false;
    bool show_keywords = false;  // --keywords: list every config key and exit
    bool foreground = false;
    bool log_console = false;
    std::optional<log::Level> log_level;
    std::string pid_file = "/run/vigil/vigild.pid";
    bool show_version = false;
    bool show_help = false;
    bool resign_leftovers = false;  // --resign-leftovers: resign for a dead vigild's holds and exit
    // The worker executable only: "SHARED_FD,SOCKET_FD" from its supervisor.
    std::string supervised_fds;
};

struct ParsedOptions {
    Options options;
    std::string error;  // non-empty: a usage error
};

ParsedOptions parse_options(int argc, char** argv);
std::string usage();
// A usage error, --help or --version: printed, and the exit status (2 or 0);
// nullopt when vigild has work to do.
std::optional<int> answer_without_running(const ParsedOptions& parsed);

}  // namespace vigil::daemon
