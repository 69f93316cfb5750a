/* SPDX-License-Identifier: Apache-2.0 */
// A network namespace that exists for one test and is removed on every exit
// path. vigild runs only inside such namespaces, never on the machine's own
// interfaces.
#pragma once

#include <unistd.h>

#include <atomic>
#include <string>
#include <vector>

#include "support/process.h"

namespace vigil::test {

class NetNamespace {
public:
    NetNamespace() {
        static std::atomic<int> counter{0};
        name_ = "vgl-" + std::to_string(getpid()) + "-" + std::to_string(counter++);
        ok_ = run({"/usr/sbin/ip", "netns", "add", name_}).status == 0 &&
              run({"/usr/sbin/ip", "-n", name_, "link", "set", "lo", "up"}).status == 0;
    }
    ~NetNamespace() { run({"/usr/sbin/ip", "netns", "del", name_}); }
    NetNamespace(const NetNamespace&) = delete;
    NetNamespace& operator=(const NetNamespace&) = delete;

    // False when namespaces cannot be made here (not root): callers skip.
    bool ok() const { return ok_; }
    const std::string& name() const { return name_; }

    // argv run inside the namespace; `ip netns exec` execs in place, so the
    // spawned pid is the program's own.
    std::vector<std::string> exec(std::vector<std::string> argv) const {
        argv.insert(argv.begin(), {"/usr/sbin/ip", "netns", "exec", name_});
        return argv;
    }

private:
    std::string name_;
    bool ok_ = false;
};

}  // namespace vigil::test
