/* SPDX-License-Identifier: Apache-2.0 */
// What `ps` shows for the supervisor: "vigild: supervisor" and its
// arguments, written over the original argv (and, when that is too short,
// the environment strings after it, whose contents move to the heap first).
#pragma once

namespace vigil::supervisor {

// Call once, after the arguments were parsed and before anything keeps a
// pointer into argv or environ.
void set_process_title(int argc, char** argv, const char* title);

}  // namespace vigil::supervisor
