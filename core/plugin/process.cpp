#include "plugin/process.h"

#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cerrno>
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
    if (spec.use_shell) {
        out.argv = {"/bin/sh", "-c", spec.argv[0]};
    } else {
        for (auto a = spec.argv; *a; ++a) out.argv.emplace_back(*a);
        const std::string& path = out.argv[0];
        if (path.front() != '/') return "'" + path + "' is not an absolute path (commands run without a PATH search)";
        struct stat st;
        if (stat(path.c_str(), &st) != 0) return path + ": " + strerror(errno);
        if (!S_ISREG(st.st_mode)) return path + ": not a regular file";
        // Anyone who can rewrite the script runs code as the script user, and
        // with it decides where the VIPs go.
        if (st.st_mode & (S_IWGRP | S_IWOTH))
            return path + ": refusing a script writable by group or others (chmod go-w)";
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

pid_t start(const Launch& launch, int& output_fd, std::string& error) {
    int pipefd[2];
    if (pipe2(pipefd, O_CLOEXEC) != 0) {
        error = std::string("pipe: ") + strerror(errno);
        return -1;
    }
    // Built before fork: the child may only write it.
    std::string exec_failed = "vigil: cannot execute " + launch.argv[0] + ": errno ";
    std::vector<char*> argv, envp;
    for (const auto& a : launch.argv) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const auto& e : launch.env) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);

    pid_t pid = fork();
    if (pid < 0) {
        error = std::string("fork: ") + strerror(errno);
        close(pipefd[0]);
        close(pipefd[1]);
        return -1;
    }
    if (pid == 0) {
        // The child: system calls only, no allocation (another thread may
        // have held the allocator's lock at fork).
        setpgid(0, 0);
        sigset_t none;
        sigemptyset(&none);
        sigprocmask(SIG_SETMASK, &none, nullptr);
        for (int s = 1; s < NSIG; ++s) signal(s, SIG_DFL);
        int devnull = open("/dev/null", O_RDONLY);
        dup2(devnull, 0);
        dup2(pipefd[1], 1);
        dup2(pipefd[1], 2);
        syscall(SYS_close_range, 3U, ~0U, 0U);
        if (launch.change_user &&
            (setgroups(launch.groups.size(), launch.groups.data()) != 0 || setgid(launch.gid) != 0 || setuid(launch.uid) != 0))
            _exit(126);
        if (chdir("/") != 0) _exit(126);
        execve(argv[0], argv.data(), envp.data());
        int saved = errno, err = saved;
        char digits[12];
        int n = 0;
        do digits[sizeof digits - 1 - n++] = static_cast<char>('0' + err % 10);
        while ((err /= 10) && n < 11);
        static const char kNoShebang[] = " (not a binary, and no #! on its first line)";
        bool ok = write(1, exec_failed.data(), exec_failed.size()) > 0 &&
                  write(1, digits + sizeof digits - n, static_cast<size_t>(n)) > 0 &&
                  (saved != ENOEXEC || write(1, kNoShebang, sizeof kNoShebang - 1) > 0);
        (void)ok;  // nothing more to do if even that fails
        _exit(127);
    }
    setpgid(pid, pid);  // also from here, so a kill right after start finds the group
    close(pipefd[1]);
    fcntl(pipefd[0], F_SETFL, O_NONBLOCK);
    output_fd = pipefd[0];
    return pid;
}

}  // namespace vigil::plugin
