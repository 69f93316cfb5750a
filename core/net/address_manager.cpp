// SPDX-License-Identifier: Apache-2.0
#include "net/address_manager.h"

#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <netlink/route/addr.h>
#include <netlink/socket.h>
#include <sys/socket.h>

#include <memory>

namespace vigil::net {
namespace {

struct AddrDeleter {
    void operator()(rtnl_addr* a) const { rtnl_addr_put(a); }
};

std::unique_ptr<rtnl_addr, AddrDeleter> build(int ifindex, const IpPrefix& prefix) {
    std::unique_ptr<rtnl_addr, AddrDeleter> addr(rtnl_addr_alloc());
    int family = prefix.address.family() == Family::V4 ? AF_INET : AF_INET6;
    nl_addr* local = nl_addr_build(family, prefix.address.bytes().data(), prefix.address.size());
    nl_addr_set_prefixlen(local, prefix.length);
    rtnl_addr_set_ifindex(addr.get(), ifindex);
    rtnl_addr_set_local(addr.get(), local);
    rtnl_addr_set_prefixlen(addr.get(), prefix.length);
    nl_addr_put(local);
    return addr;
}

}  // namespace

AddressManager::AddressManager() {
    sock_ = nl_socket_alloc();
    if (sock_ && nl_connect(sock_, NETLINK_ROUTE) != 0) {
        nl_socket_free(sock_);
        sock_ = nullptr;
    }
}

AddressManager::~AddressManager() {
    if (sock_) nl_socket_free(sock_);
}

std::string AddressManager::add(int ifindex, const IpPrefix& prefix, const std::string& label) {
    if (!sock_) return "no netlink socket";
    auto addr = build(ifindex, prefix);
    if (prefix.address.family() == Family::V6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
    if (!label.empty()) rtnl_addr_set_label(addr.get(), label.c_str());
    int err = rtnl_addr_add(sock_, addr.get(), NLM_F_REPLACE);
    if (err < 0 && err != -NLE_EXIST) return nl_geterror(err);
    return "";
}

std::string AddressManager::remove(int ifindex, const IpPrefix& prefix) {
    if (!sock_) return "no netlink socket";
    auto addr = build(ifindex, prefix);
    int err = rtnl_addr_delete(sock_, addr.get(), 0);
    if (err < 0 && err != -NLE_NOADDR && err != -NLE_OBJ_NOTFOUND && err != -NLE_NODEV) return nl_geterror(err);
    return "";
}

}  // namespace vigil::net
