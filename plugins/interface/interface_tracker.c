/* SPDX-License-Identifier: Apache-2.0 */
/* The interface tracker: UP while the link is up and has carrier. Listens
 * to rtnetlink link events, so a change is seen at once. */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/netlink.h>
#include <linux/rtnetlink.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "../common/plugin_util.h"

struct interface_tracker {
    const vigil_host_api *host;
    vigil_tracker *tracker;
    char name[IFNAMSIZ];
    int nl;
    vigil_watch *watch;
};

static void evaluate(struct interface_tracker *t) {
    vigil_result r = VIGIL_RESULT_INIT;
    char reason[128];
    struct ifreq req;
    memset(&req, 0, sizeof req);
    snprintf(req.ifr_name, sizeof req.ifr_name, "%s", t->name);
    int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    int known = fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &req) == 0;
    if (fd >= 0) close(fd);
    if (!known) {
        snprintf(reason, sizeof reason, "%s does not exist", t->name);
    } else if (!(req.ifr_flags & IFF_UP)) {
        snprintf(reason, sizeof reason, "%s is down", t->name);
    } else if (!(req.ifr_flags & IFF_RUNNING)) {
        snprintf(reason, sizeof reason, "%s has no carrier", t->name);
    } else {
        r.ok = 1;
        snprintf(reason, sizeof reason, "%s is up", t->name);
    }
    r.reason = reason;
    r.latency_us = 0;
    t->host->report(t->tracker, &r);
}

static void on_netlink(int fd, void *arg) {
    char buf[8192];
    while (recv(fd, buf, sizeof buf, MSG_DONTWAIT) > 0) {
    }
    /* Whatever changed (or an overrun), the flags say where we are now. */
    evaluate(arg);
}

static void *create(const vigil_host_api *host, vigil_tracker *tracker, const vigil_config *cfg, char *err, size_t errlen) {
    const char *name = vigil_config_get(cfg, "interface");
    if (!name || strlen(name) >= IFNAMSIZ) {
        snprintf(err, errlen, "interface missing or too long");
        return NULL;
    }
    int nl = socket(AF_NETLINK, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, NETLINK_ROUTE);
    struct sockaddr_nl addr = {.nl_family = AF_NETLINK, .nl_groups = RTMGRP_LINK};
    if (nl < 0 || bind(nl, (struct sockaddr *)&addr, sizeof addr) != 0) {
        snprintf(err, errlen, "netlink: %s", strerror(errno));
        if (nl >= 0) close(nl);
        return NULL;
    }
    struct interface_tracker *t = calloc(1, sizeof *t);
    t->host = host;
    t->tracker = tracker;
    t->nl = nl;
    snprintf(t->name, sizeof t->name, "%s", name);
    return t;
}

static void start(void *state) {
    struct interface_tracker *t = state;
    t->watch = t->host->watch_readable(t->host->host, t->nl, on_netlink, t);
    evaluate(t);
}

static void destroy(void *state) {
    struct interface_tracker *t = state;
    if (t->watch) t->host->unwatch(t->watch);
    close(t->nl);
    free(t);
}

static const vigil_key keys[] = {
    {"interface", VIGIL_KEY_INTERFACE, VIGIL_KEY_REQUIRED, 0, 0, NULL},
};
static const vigil_key_doc docs[] = {
    {NULL, "UP while this interface is up and has a carrier"},
};

static const vigil_tracker_type interface_type = {
    sizeof(vigil_tracker_type), "interface", NULL, keys, sizeof keys / sizeof keys[0], 0, NULL, create, start, NULL, NULL, destroy, docs,
};

static const vigil_tracker_type *const trackers[] = {&interface_type};

VIGIL_EXPORT const vigil_plugin_info *vigil_plugin_entry(void) {
    static vigil_plugin_info info = VIGIL_PLUGIN_INFO_INIT("interface", "1.0");
    info.trackers = trackers;
    info.tracker_count = 1;
    return &info;
}
