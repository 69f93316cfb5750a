// SPDX-License-Identifier: Apache-2.0
#include "daemon/stdio.h"

#include <fcntl.h>
#include <unistd.h>

namespace vigil::daemon {

void stdio_to_null() {
    int null = open("/dev/null", O_RDWR | O_CLOEXEC);
    if (null < 0) return;
    for (int fd = 0; fd <= 2; ++fd) dup2(null, fd);
    if (null > 2) close(null);
}

}  // namespace vigil::daemon
