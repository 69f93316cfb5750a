/* SPDX-License-Identifier: Apache-2.0 */
// Routes and rules to and from their fixed-size records in the shared state.
// The worker stores; the supervisor loads what a dying worker (or a plugin
// in it) may have scribbled on, so every load checks what it reads.
#pragma once

#include <optional>

#include "net/route.h"
#include "supervisor/shared_state.h"

namespace vigil::supervisor {

void store_route(SharedRoute& to, const net::Route& route);
void store_rule(SharedRule& to, const net::Rule& rule);
// nullopt when the record cannot be a route or rule vigil added.
std::optional<net::Route> load_route(const SharedRoute& from);
std::optional<net::Rule> load_rule(const SharedRule& from);

}  // namespace vigil::supervisor
