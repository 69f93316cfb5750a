// SPDX-License-Identifier: Apache-2.0
#include "daemon/options.h"

#include <getopt.h>

#include <cstdio>

#include "vigil_version.h"

namespace vigil::daemon {

std::string usage() {
    return "usage: vigild [-f FILE] [-t|--test-config] [-n|--foreground] [--log-console]\n"
           "              [--log-level debug|info|notice|warning|error] [--pid-file FILE] [--keywords] [--version]\n"
           "       vigild --resign-leftovers [--pid-file FILE]\n"
           "\n"
           "  -f, --config FILE   configuration file (default /etc/vigil/vigil.conf, plus conf.d/*.conf beside it)\n"
           "  -t, --test-config   check the configuration, print every problem, exit 0 (valid) or 1\n"
           "  -n, --foreground    do not detach; log to stderr unless [global] log says otherwise\n"
           "      --log-console   also copy every log line to stderr\n"
           "      --log-level L   override [global] log_level\n"
           "      --pid-file FILE pid file (default /run/vigil/vigild.pid)\n"
           "      --keywords      list every configuration key (with the loaded plugins' keys) and exit\n"
           "      --version       print the version and exit\n"
           "      --resign-leftovers  resign for what a vigild killed with its worker still holds (VIPs, routes,\n"
           "                      anycast prefixes: removed, priority 0 sent) and exit; the unit's ExecStopPost\n"
           "\n"
           "signals: TERM/INT stop gracefully, HUP reloads the configuration, USR1 logs a state dump\n";
}

std::optional<int> answer_without_running(const ParsedOptions& parsed) {
    if (!parsed.error.empty()) {
        fprintf(stderr, "vigild: %s\n%s", parsed.error.c_str(), usage().c_str());
        return 2;
    }
    if (parsed.options.show_help) {
        fputs(usage().c_str(), stdout);
        return 0;
    }
    if (parsed.options.show_version) {
        printf("vigild %s\n", VIGIL_VERSION);
        return 0;
    }
    return std::nullopt;
}

ParsedOptions parse_options(int argc, char** argv) {
    enum { kLogConsole = 256, kLogLevel, kPidFile, kVersion, kSupervised, kKeywords, kResignLeftovers };
    static const option longopts[] = {
        {"config", required_argument, nullptr, 'f'},
        {"test-config", no_argument, nullptr, 't'},
        {"foreground", no_argument, nullptr, 'n'},
        {"log-console", no_argument, nullptr, kLogConsole},
        {"log-level", required_argument, nullptr, kLogLevel},
        {"pid-file", required_argument, nullptr, kPidFile},
        {"version", no_argument, nullptr, kVersion},
        {"keywords", no_argument, nullptr, kKeywords},
        {"resign-leftovers", no_argument, nullptr, kResignLeftovers},
        {"help", no_argument, nullptr, 'h'},
        {"supervised", required_argument, nullptr, kSupervised},
        {nullptr, 0, nullptr, 0},
    };
    ParsedOptions out;
    optind = 1;
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, ":f:tnh", longopts, nullptr)) != -1) {
        switch (c) {
            case 'f': out.options.config_path = optarg; break;
            case 't': out.options.test_config = true; break;
            case 'n': out.options.foreground = true; break;
            case 'h': out.options.show_help = true; break;
            case kLogConsole: out.options.log_console = true; break;
            case kLogLevel:
                out.options.log_level = log::parse_level(optarg);
                if (!out.options.log_level)
                    out.error = std::string("--log-level: '") + optarg + "' is not debug, info, notice, warning or error";
                break;
            case kPidFile: out.options.pid_file = optarg; break;
            case kVersion: out.options.show_version = true; break;
            case kKeywords: out.options.show_keywords = true; break;
            case kResignLeftovers: out.options.resign_leftovers = true; break;
            case kSupervised: out.options.supervised_fds = optarg; break;
            case ':': out.error = std::string("option ") + argv[optind - 1] + " needs a value"; break;
            default: out.error = std::string("unknown option ") + argv[optind - 1]; break;
        }
        if (!out.error.empty()) return out;
    }
    if (optind < argc) out.error = std::string("unexpected argument '") + argv[optind] + "'";
    return out;
}

}  // namespace vigil::daemon
