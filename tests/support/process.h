/* SPDX-License-Identifier: Apache-2.0 */
// Running vigild (or any program) from a test: capture its output, or keep it
// running and wait for conditions with a deadline — never a bare sleep.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <optional>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace vigil::test {

struct RunResult {
    int status = -1;  // exit code, or 128 + signal
    std::string out;
    std::string err;
};

inline std::string read_all(int fd) {
    std::string s;
    char buf[4096];
    ssize_t n;
    while ((n = read(fd, buf, sizeof buf)) > 0) s.append(buf, static_cast<size_t>(n));
    return s;
}

inline int decode_status(int raw) { return WIFEXITED(raw) ? WEXITSTATUS(raw) : 128 + WTERMSIG(raw); }

inline pid_t spawn(const std::vector<std::string>& argv, int out_fd, int err_fd) {
    posix_spawn_file_actions_t fa;
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
    if (out_fd >= 0) posix_spawn_file_actions_adddup2(&fa, out_fd, 1);
    if (err_fd >= 0) posix_spawn_file_actions_adddup2(&fa, err_fd, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    pid_t pid = -1;
    if (posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ) != 0) pid = -1;
    posix_spawn_file_actions_destroy(&fa);
    return pid;
}

// Runs to completion; stdout and stderr go through files so neither can fill a pipe.
inline RunResult run(const std::vector<std::string>& argv) {
    RunResult r;
    char out_name[] = "/tmp/vigil-out-XXXXXX", err_name[] = "/tmp/vigil-err-XXXXXX";
    int out = mkstemp(out_name), err = mkstemp(err_name);
    unlink(out_name);
    unlink(err_name);
    pid_t pid = spawn(argv, out, err);
    if (pid > 0) {
        int raw = 0;
        waitpid(pid, &raw, 0);
        r.status = decode_status(raw);
    }
    lseek(out, 0, SEEK_SET);
    lseek(err, 0, SEEK_SET);
    r.out = read_all(out);
    r.err = read_all(err);
    close(out);
    close(err);
    return r;
}

inline std::string slurp(const std::string& path) {
    std::ifstream in(path);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

// How often `what` occurs in `text`.
inline size_t count_of(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (auto at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) ++n;
    return n;
}

// A file's lines (none if it does not exist).
inline std::vector<std::string> lines(const std::string& path) {
    std::ifstream in(path);
    std::vector<std::string> out;
    for (std::string l; std::getline(in, l);) out.push_back(l);
    return out;
}

// True once `pid` has exited, whether or not its parent has reaped it yet
// (a detached daemon's zombie waits for whatever reaps orphans here).
inline bool process_gone(pid_t pid) {
    if (kill(pid, 0) != 0) return true;
    std::string stat = [&] {
        std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
        std::stringstream ss;
        ss << in.rdbuf();
        return ss.str();
    }();
    auto close = stat.rfind(')');
    return close != std::string::npos && close + 2 < stat.size() && stat[close + 2] == 'Z';
}

// Polls `condition` every 10 ms until it holds or `deadline` passes.
inline bool wait_for(const std::function<bool()>& condition, std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
    auto end = std::chrono::steady_clock::now() + deadline;
    while (std::chrono::steady_clock::now() < end) {
        if (condition()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return condition();
}

// A child process that is killed if the test ends before it exits.
class Child {
public:
    explicit Child(const std::vector<std::string>& argv, int out_fd = -1, int err_fd = -1) : pid_(spawn(argv, out_fd, err_fd)) {}
    ~Child() {
        if (pid_ > 0 && !exited_) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    Child(const Child&) = delete;
    Child& operator=(const Child&) = delete;

    pid_t pid() const { return pid_; }
    // Never kill(-1, ...) (every process we may signal) for a failed spawn.
    void signal(int sig) const {
        if (pid_ > 0) kill(pid_, sig);
    }

    // The exit status once the child has ended within `deadline`, else nullopt.
    std::optional<int> wait_exit(std::chrono::milliseconds deadline = std::chrono::seconds(10)) {
        if (exited_) return status_;
        if (pid_ <= 0) return std::nullopt;  // waitpid(-1) would reap any child
        int raw = 0;
        bool done = wait_for([&] { return waitpid(pid_, &raw, WNOHANG) == pid_; }, deadline);
        if (!done) return std::nullopt;
        exited_ = true;
        status_ = decode_status(raw);
        return status_;
    }

private:
    pid_t pid_;
    bool exited_ = false;
    int status_ = -1;
};

}  // namespace vigil::test
