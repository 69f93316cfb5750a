// SPDX-License-Identifier: Apache-2.0
#include "net/link_monitor.h"

#include <event2/event.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/netlink.h>
#include <netlink/socket.h>

namespace vigil::net {

LinkMonitor::LinkMonitor(event_base* base, Listener listener) : listener_(std::move(listener)) {
    sock_ = nl_socket_alloc();
    if (!sock_) {
        error_ = "cannot allocate a netlink socket";
        return;
    }
    nl_socket_disable_seq_check(sock_);
    int err = nl_connect(sock_, NETLINK_ROUTE);
    if (!err) err = nl_socket_add_memberships(sock_, RTNLGRP_LINK, RTNLGRP_IPV4_IFADDR, RTNLGRP_IPV6_IFADDR, 0);
    if (!err) err = nl_socket_set_nonblocking(sock_);
    if (err) {
        error_ = std::string("netlink: ") + nl_geterror(err);
        return;
    }
    ev_ = event_new(base, nl_socket_get_fd(sock_), EV_READ | EV_PERSIST, on_readable, this);
    event_add(ev_, nullptr);
}

LinkMonitor::~LinkMonitor() {
    if (ev_) event_free(ev_);
    if (sock_) nl_socket_free(sock_);
}

void LinkMonitor::on_readable(int, short, void* arg) {
    auto* self = static_cast<LinkMonitor*>(arg);
    // Drain everything queued; the content does not matter, only that
    // something changed (an overrun, -NLE_NOMEM, is a change too).
    while (true) {
        int n = nl_recvmsgs_default(self->sock_);
        if (n == -NLE_AGAIN || n == 0) break;
        if (n < 0 && n != -NLE_NOMEM && n != -NLE_DUMP_INTR) break;
    }
    self->listener_();
}

}  // namespace vigil::net
