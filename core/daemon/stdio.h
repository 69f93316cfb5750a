/* SPDX-License-Identifier: Apache-2.0 */
// A detached daemon's standard streams: /dev/null once it serves, so that
// whoever started it (a shell capturing its output, say) is not held open.
#pragma once

namespace vigil::daemon {

void stdio_to_null();

}  // namespace vigil::daemon
