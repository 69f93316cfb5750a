// SPDX-License-Identifier: Apache-2.0
#include "plugin/process.h"

#include "trusted_path.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <pthread.h>
#include <signal.h>
#include <sched.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace vigil::plugin {

namespace {
// Thread-safe: notifier workers and the loop look users up concurrently.
bool lookup_user(const std::string& name, passwd& pw, std::vector<char>& buf) {
    buf.resize(16384);
    passwd* found = nullptr;
    return getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found) == 0 && found;
}
}  // namespace

std::string resolve_script_user(const std::string& configured) {
    if (!configured.empty()) return configured;
    passwd pw;
    std::vector<char> buf;
    return lookup_user("vigil-script", pw, buf) ? "vigil-script" : "nobody";
}

std::string prepare(const vigil_spawn& spec, const std::string& default_user, Launch& out) {
    if (!spec.argv || !spec.argv[0] || !*spec.argv[0]) return "no command";
    char why[512];
    if (spec.use_shell) {
        out.argv = {"/bin/sh", "-c", spec.argv[0]};
        if (check_shell_line_program(spec.argv[0], why, sizeof why) != 0) return why;
    } else {
        for (auto a = spec.argv; *a; ++a) out.argv.emplace_back(*a);
        const std::string& path = out.argv[0];
        if (path.front() != '/') return "'" + path + "' is not an absolute path (commands run without a PATH search)";
        // Anyone who can rewrite the script (or swap a directory above it)
        // runs code as the script user, and with it decides where the VIPs go.
        if (check_trusted_path(path.c_str(), why, sizeof why) != 0) return why;
    }
    out.env = {"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "LANG=C.UTF-8"};
    for (auto e = spec.env; e && *e; ++e) out.env.emplace_back(*e);

    std::string user = spec.user && *spec.user ? spec.user : default_user;
    passwd pwd;
    std::vector<char> pwbuf;
    if (!lookup_user(user, pwd, pwbuf)) return "no such user '" + user + "'";
    passwd* pw = &pwd;
    out.uid = pw->pw_uid;
    out.gid = pw->pw_gid;
    out.change_user = geteuid() == 0 && out.uid != 0;
    if (out.change_user) {
        int n = 32;
        out.groups.resize(static_cast<size_t>(n));
        if (getgrouplist(pw->pw_name, pw->pw_gid, out.groups.data(), &n) < 0) {
            out.groups.resize(static_cast<size_t>(n));
            getgrouplist(pw->pw_name, pw->pw_gid, out.groups.data(), &n);
        }
        out.groups.resize(static_cast<size_t>(n));
    } else if (geteuid() != 0 && out.uid != geteuid()) {
        return "cannot run as '" + user + "' without root";
    }
    return "";
}

namespace {

// What the child needs, all built before the clone: it shares our memory
// until it execs, so it only reads this and writes its own stack. (Its
// failing system calls also set errno in the thread that started it: that
// thread only waits meanwhile, and reads errno only after its own calls.)
// (Plain pointers and numbers, no member functions to call: see child_main.)
struct ChildSetup {
    bool change_user;
    uid_t uid;
    gid_t gid;
    const gid_t* groups;
    size_t group_count;
    char* const* argv;
    char* const* envp;
    int output_write;
    int exec_status_write;  // close-on-exec: EOF tells the parent our memory is released
    const char* exec_failed;
    size_t exec_failed_length;
};

// 32-bit x86 and ARM keep 16-bit ids in the plain calls; the *32 ones take
// full uid_t / gid_t (glibc's wrappers pick them the same way).
#ifdef SYS_setuid32
constexpr long kSetuid = SYS_setuid32, kSetgid = SYS_setgid32, kSetgroups = SYS_setgroups32;
#else
constexpr long kSetuid = SYS_setuid, kSetgid = SYS_setgid, kSetgroups = SYS_setgroups;
#endif

constexpr int kExecStatusFd = 3;

// The child of clone(CLONE_VM): plain system calls only. No allocation, and
// none of glibc's set*id wrappers, which would broadcast the change to the
// threads of the process they think they are in: ours.
// Never instrumented (./scripts/test --sanitize): ASan would poison redzones
// in the shadow of a stack it does not know, shared with us, and its hook
// before _exit would take this stack for the calling thread's and warn of
// false positives to come. No effect without sanitizers.
__attribute__((no_sanitize("address", "undefined")))
int child_main(void* arg) {
    const auto& c = *static_cast<ChildSetup*>(arg);
    // Our handlers are copied, not shared (no CLONE_SIGHAND): reset them while
    // the signals the parent blocked for us stay blocked, so none can run here.
    struct sigaction dfl = {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; ++s) sigaction(s, &dfl, nullptr);
    setpgid(0, 0);
    int devnull = open("/dev/null", O_RDONLY);
    dup2(devnull, 0);
    dup2(c.output_write, 1);
    dup2(c.output_write, 2);
    if (c.exec_status_write != kExecStatusFd) dup3(c.exec_status_write, kExecStatusFd, O_CLOEXEC);
    else fcntl(kExecStatusFd, F_SETFD, FD_CLOEXEC);
    syscall(SYS_close_range, static_cast<unsigned>(kExecStatusFd + 1), ~0U, 0U);
    if (c.change_user && (syscall(kSetgroups, static_cast<long>(c.group_count), c.groups) != 0 ||
                          syscall(kSetgid, static_cast<long>(c.gid)) != 0 || syscall(kSetuid, static_cast<long>(c.uid)) != 0))
        _exit(126);
    if (chdir("/") != 0) _exit(126);
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(c.argv[0], c.argv, c.envp);
    int saved = errno, err = saved;
    char digits[12];
    int n = 0;
    do digits[sizeof digits - 1 - n++] = static_cast<char>('0' + err % 10);
    while ((err /= 10) && n < 11);
    static const char kNoShebang[] = " (not a binary, and no #! on its first line)";
    bool ok = write(1, c.exec_failed, c.exec_failed_length) > 0 &&
              write(1, digits + sizeof digits - n, static_cast<size_t>(n)) > 0 &&
              (saved != ENOEXEC || write(1, kNoShebang, sizeof kNoShebang - 1) > 0);
    (void)ok;  // nothing more to do if even that fails
    _exit(127);
}

constexpr size_t kChildStack = 256 * 1024;
// A child stopped before its exec (SIGSTOP from any process of the script
// user, once it has switched) would hold our memory, and the caller, for
// ever: it gets this long, then SIGKILL.
constexpr int kExecDeadlineMs = 1000;

// Waits for EOF on `fd` for up to `ms`; true on EOF.
bool wait_eof(int fd, int ms) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    for (;;) {
        char byte;
        ssize_t r = read(fd, &byte, 1);
        if (r == 0) return true;
        auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now()).count();
        if (left <= 0) return false;
        pollfd p{fd, POLLIN, 0};
        poll(&p, 1, static_cast<int>(left));
    }
}

}  // namespace

pid_t start(const Launch& launch, int& output_fd, std::string& error) {
    int out[2], status[2];
    if (pipe2(out, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + strerror(errno);
        return -1;
    }
    if (pipe2(status, O_CLOEXEC | O_NONBLOCK) != 0) {
        error = std::string("pipe: ") + strerror(errno);
        close(out[0]);
        close(out[1]);
        return -1;
    }
    auto close_all = [&] {
        for (int fd : {out[0], out[1], status[0], status[1]})
            if (fd >= 0) close(fd);
    };
    std::string exec_failed = "vigil: cannot execute " + launch.argv[0] + ": errno ";
    std::vector<char*> argv, envp;
    for (const auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : launch.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    ChildSetup setup{.change_user = launch.change_user,
                     .uid = launch.uid,
                     .gid = launch.gid,
                     .groups = launch.groups.data(),
                     .group_count = launch.groups.size(),
                     .argv = argv.data(),
                     .envp = envp.data(),
                     .output_write = out[1],
                     .exec_status_write = status[1],
                     .exec_failed = exec_failed.data(),
                     .exec_failed_length = exec_failed.size()};

    // Not fork(): copying vigild's page tables for a child that execs at once
    // cost more than the check itself (bench/exec-checks: 67 % of vigild's CPU
    // per exec check was in fork). With CLONE_VM the child runs on our memory,
    // on a stack of its own (with a guard page), and we wait until it has
    // exec'd or exited, as posix_spawn does (which cannot change users) --
    // but not with CLONE_VFORK, whose wait nothing can bound.
    const size_t page = static_cast<size_t>(sysconf(_SC_PAGESIZE));
    void* stack = mmap(nullptr, kChildStack + page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_STACK, -1, 0);
    if (stack == MAP_FAILED) {
        error = std::string("mmap: ") + strerror(errno);
        close_all();
        return -1;
    }
    mprotect(stack, page, PROT_NONE);
    // The child's credential change would make our (shared) memory undumpable.
    int dumpable = prctl(PR_GET_DUMPABLE);
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, &old);
    pid_t pid = clone(child_main, static_cast<char*>(stack) + page + kChildStack, CLONE_VM | SIGCHLD, &setup);
    int clone_errno = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    close(out[1]);
    close(status[1]);
    out[1] = status[1] = -1;
    if (pid < 0) {
        munmap(stack, kChildStack + page);
        error = std::string("clone: ") + strerror(clone_errno);
        close_all();
        return -1;
    }
    bool released = wait_eof(status[0], kExecDeadlineMs), started = released;
    if (!started) {
        kill(pid, SIGKILL);
        released = wait_eof(status[0], kExecDeadlineMs);
        int ignored;
        if (released) waitpid(pid, &ignored, 0);
        error = "the command did not start within " + std::to_string(kExecDeadlineMs) + " ms (stopped?); killed";
    }
    // Only once the child no longer uses them; if it never let go, leaking
    // 256 KiB beats freeing memory something may still write.
    if (released) munmap(stack, kChildStack + page);
    if (dumpable > 0) prctl(PR_SET_DUMPABLE, dumpable);
    close(status[0]);
    status[0] = -1;
    if (!started) {
        close_all();
        return -1;
    }
    fcntl(out[0], F_SETFL, O_NONBLOCK);
    output_fd = out[0];
    return pid;
}

}  // namespace vigil::plugin
