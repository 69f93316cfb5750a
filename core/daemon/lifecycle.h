/* SPDX-License-Identifier: Apache-2.0 */
// What the daemon tells whoever supervises it: that it serves, reloads and
// stops, and proofs of life around work that holds the loop on purpose.
#pragma once

#include <string>

#include "config/model.h"

namespace vigil::daemon {

class Lifecycle {
public:
    virtual ~Lifecycle() = default;
    // The config now in force (at start and after each accepted reload).
    virtual void applied(const config::Config& config) = 0;
    virtual void ready(const std::string& status) = 0;
    virtual void reloading() = 0;
    virtual void stopping() = 0;
    virtual void beat() = 0;
};

}  // namespace vigil::daemon
