#include "keepalived_import/keepalived_import.h"

#include <glob.h>

#include <fstream>
#include <map>
#include <regex>
#include <set>
#include <sstream>

namespace vigil::config {
namespace {

// ---- keepalived's grammar --------------------------------------------------

struct Word {
    std::string text;
    bool quoted = false;
};

// One statement: `keyword args...`, with its block when `{` followed.
struct Node {
    std::string keyword;
    std::vector<std::string> args;
    std::vector<Node> children;
    bool block = false;
    std::string where;           // FILE:LINE
    std::vector<bool> quoted{};  // per argument
};

struct Line {
    std::vector<Word> words;
    std::string where;
};

class Reader {
public:
    explicit Reader(ImportResult& result) : result_(result) {}

    void read_text(const std::string& text, const std::string& name, const std::string& base_dir, int depth) {
        std::istringstream in(text);
        std::string raw;
        int number = 0;
        while (std::getline(in, raw)) {
            ++number;
            std::string where = name + ":" + std::to_string(number);
            if (raw.find('\0') != std::string::npos) {
                // Not text: carried into vigil.conf, it would make the translation unreadable.
                result_.errors.push_back(where + ": contains a NUL byte");
                continue;
            }
            Line line{split(raw, where), where};
            if (line.words.empty()) continue;
            auto variable = [](const Word& w) {
                return !w.quoted && !w.text.empty() && (w.text[0] == '$' || w.text[0] == '@' || w.text.rfind("~SEQ", 0) == 0);
            };
            bool reported = false;
            for (const auto& w : line.words) {
                if (variable(w)) {
                    // Definitions, substitutions and conditionals are not expanded.
                    result_.not_imported.push_back(where + ": '" + w.text + "' not imported: keepalived variables, "
                                                   "@conditionals and ~SEQ are not expanded; write the values out");
                    reported = true;
                    break;
                }
            }
            bool braces = false;
            for (const auto& w : line.words) braces |= !w.quoted && (w.text == "{" || w.text == "}");
            if (reported && variable(line.words[0]) && !braces) continue;  // said once is enough
            if (line.words[0].text == "include" && !line.words[0].quoted) {
                if (line.words.size() != 2) {
                    result_.errors.push_back(where + ": include takes one file or pattern");
                    continue;
                }
                include(line.words[1].text, base_dir, where, depth);
                continue;
            }
            lines_.push_back(std::move(line));
        }
    }

    bool read_file(const std::string& path, const std::string& where, int depth) {
        char* real = realpath(path.c_str(), nullptr);
        std::string canonical = real ? real : path;
        free(real);
        for (const auto& open : include_stack_) {
            if (open == canonical) {
                result_.errors.push_back(where + ": include of " + path + " loops back to a file being read");
                return false;
            }
        }
        std::ifstream in(path, std::ios::binary);
        if (!in) {
            result_.errors.push_back((where.empty() ? "" : where + ": ") + "cannot read " + path);
            return false;
        }
        std::stringstream text;
        text << in.rdbuf();
        auto slash = path.rfind('/');
        include_stack_.push_back(canonical);
        read_text(text.str(), path, slash == std::string::npos ? "." : path.substr(0, slash), depth);
        include_stack_.pop_back();
        return true;
    }

    // The statements of every line read, as a tree.
    std::vector<Node> tree() {
        std::vector<Node> top;
        std::vector<std::vector<Node>*> stack{&top};
        std::vector<std::string> opened;  // where each open block began
        for (const auto& line : lines_) {
            Node* current = nullptr;
            for (const auto& w : line.words) {
                if (!w.quoted && w.text == "{") {
                    if (!current) {
                        // `{` alone on a line opens the block of the statement above.
                        if (stack.back()->empty() || stack.back()->back().block) {
                            // The structure is lost from here on: stop, the error says where.
                            result_.errors.push_back(line.where + ": '{' without a keyword");
                            return top;
                        }
                        current = &stack.back()->back();
                    }
                    current->block = true;
                    stack.push_back(&current->children);
                    opened.push_back(line.where);
                    current = nullptr;
                } else if (!w.quoted && w.text == "}") {
                    if (stack.size() == 1) {
                        result_.errors.push_back(line.where + ": '}' without an open block");
                    } else {
                        stack.pop_back();
                        opened.pop_back();
                    }
                    current = nullptr;
                } else if (!current) {
                    stack.back()->push_back(Node{w.text, {}, {}, false, line.where});
                    current = &stack.back()->back();
                } else {
                    current->args.push_back(w.text);
                    current->quoted.push_back(w.quoted);
                }
            }
        }
        if (!opened.empty()) result_.errors.push_back(opened.back() + ": block not closed by the end of the input");
        return top;
    }

private:
    std::vector<Word> split(const std::string& raw, const std::string& where) {
        std::vector<Word> words;
        size_t i = 0;
        while (i < raw.size()) {
            char c = raw[i];
            if (c == ' ' || c == '\t' || c == '\r') {
                ++i;
            } else if (c == '!' || c == '#') {
                break;  // a comment runs to the end of the line
            } else if (c == '{' || c == '}') {
                words.push_back({std::string(1, c), false});
                ++i;
            } else if (c == '"') {
                auto end = raw.find('"', i + 1);
                if (end == std::string::npos) {
                    result_.errors.push_back(where + ": quoted string not closed");
                    end = raw.size();
                }
                words.push_back({raw.substr(i + 1, end - i - 1), true});
                i = end + 1;
            } else {
                // A word ends at a blank, a brace, a quote or a comment character
                // (keepalived's comments start anywhere outside quotes); a $NAME or
                // ${NAME} keeps its braces so the structure survives.
                bool variable = c == '$' || c == '@' || raw.compare(i, 4, "~SEQ") == 0;
                size_t j = i;
                while (j < raw.size() && raw[j] != ' ' && raw[j] != '\t' && raw[j] != '\r' && raw[j] != '"' &&
                       raw[j] != '!' && raw[j] != '#' && (variable || (raw[j] != '{' && raw[j] != '}')))
                    ++j;
                words.push_back({raw.substr(i, j - i), false});
                i = j;
            }
        }
        return words;
    }

    void include(const std::string& pattern, const std::string& base_dir, const std::string& where, int depth) {
        if (depth >= 8) {
            result_.errors.push_back(where + ": includes nested more than 8 deep");
            return;
        }
        std::string full = pattern.empty() || pattern[0] == '/' ? pattern : base_dir + "/" + pattern;
        glob_t g{};
        int rc = glob(full.c_str(), GLOB_BRACE | GLOB_TILDE | GLOB_MARK, nullptr, &g);
        if (rc == GLOB_NOMATCH) {
            // keepalived carries on without a missing include; say so anyway.
            result_.not_imported.push_back(where + ": include " + pattern + " matches no file");
        } else if (rc != 0) {
            result_.errors.push_back(where + ": include " + pattern + ": cannot expand");
        } else {
            for (size_t i = 0; i < g.gl_pathc; ++i) {
                std::string match = g.gl_pathv[i];
                if (!match.empty() && match.back() != '/') read_file(match, where, depth + 1);  // directories are skipped
            }
        }
        globfree(&g);
    }

    ImportResult& result_;
    std::vector<Line> lines_;
    std::vector<std::string> include_stack_;  // realpaths being read, to refuse a cycle
};

// ---- the translation ---------------------------------------------------------

struct Section {
    std::string header;
    std::vector<std::string> lines;  // "key = value" and comments
};

std::string join(const std::vector<std::string>& v, size_t from = 0, const char* sep = " ") {
    std::string s;
    for (size_t i = from; i < v.size(); ++i) s += (i > from ? sep : "") + v[i];
    return s;
}

// vigil.conf (inih) starts a comment at ";" or "#" after a blank and has no escape.
bool ini_safe(const std::string& value) {
    return value.find(" ;") == std::string::npos && value.find(" #") == std::string::npos &&
           value.find("\t;") == std::string::npos && value.find("\t#") == std::string::npos;
}

// vigil runs a command with execve unless told otherwise; keepalived went through
// a PATH lookup and, for notify scripts in 1.x, /bin/sh.
bool needs_shell(const std::string& command) {
    static const std::regex shell_syntax("[|&;<>()$`\\\\*?\\[\\]'\"~{}]");
    return std::regex_search(command, shell_syntax) || command.empty() || command[0] != '/';
}

std::string lower(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

class Translator {
public:
    explicit Translator(ImportResult& result) : result_(result) {}

    void run(const std::vector<Node>& top) {
        // Definitions first: instances refer to scripts and global mail settings
        // wherever they appear in the file.
        for (const auto& n : top) {
            if (n.keyword == "global_defs") global_defs(n);
        }
        for (const auto& n : top) {
            if (n.keyword == "vrrp_script") script(n);
            else if (n.keyword == "vrrp_track_file" || (n.keyword == "track_file" && n.block)) track_file(n);
            else if (n.keyword == "vrrp_track_process") track_process(n);
        }
        // keepalived 2 ignores tracking weights of sync group members unless the
        // group sets sync_group_tracking_weight; the import must know before
        // writing the instances.
        for (const auto& n : top) {
            if (n.keyword != "vrrp_sync_group") continue;
            bool weights = false;
            for (const auto& c : n.children) weights |= c.keyword == "sync_group_tracking_weight";
            for (const auto& c : n.children) {
                if (c.keyword != "group") continue;
                for (const auto& m : c.children) {
                    if (!weights) weightless_.insert(m.keyword);
                    for (const auto& a : m.args)
                        if (!weights) weightless_.insert(a);
                }
            }
        }
        for (const auto& n : top) {
            if (n.keyword == "vrrp_instance") instance(n);
        }
        for (const auto& n : top) {
            if (n.keyword == "vrrp_sync_group") sync_group(n);
        }
        static const std::set<std::string> handled = {"global_defs", "vrrp_script", "vrrp_track_file",
                                                      "vrrp_track_process", "vrrp_instance", "vrrp_sync_group"};
        for (const auto& n : top) {
            if (n.keyword == "track_file" && !n.block) refuse(n, "expected track_file NAME { ... }");
            else if (!handled.count(n.keyword) && n.keyword != "track_file") refuse(n, "vigil has no equivalent");
        }
        check_references();
        if (!script_user_seen_ && (!exec_notifiers_.empty() || exec_tracker_seen_)) {
            // keepalived runs scripts as root unless told otherwise; chkngx.sh-style
            // scripts that restart services rely on it.
            global_.lines.push_back("# keepalived ran these scripts as root (global_defs had no script_user); vigil's own");
            global_.lines.push_back("# default is an unprivileged user: narrow this to one that can do what the scripts do.");
            global_.lines.push_back("script_user = root");
        }
    }

    std::string output(const std::string& source) const {
        std::ostringstream out;
        out << "# vigil.conf imported from " << source << " by vigilctl import-keepalived.\n";
        if (!result_.not_imported.empty()) {
            out << "# NOT COMPLETE: " << result_.not_imported.size()
                << " keepalived keyword(s) could not be expressed (listed on stderr).\n";
        }
        out << "# Check it with: vigild -t -f FILE\n";
        std::vector<const Section*> all;
        all.push_back(&global_);
        for (const auto* list : {&instances_, &groups_, &trackers_, &notifiers_})
            for (const auto& s : *list) all.push_back(&s);
        for (const auto* s : all) {
            if (s->lines.empty() && s == &global_) continue;
            out << "\n" << s->header << "\n";
            for (const auto& l : s->lines) out << l << "\n";
        }
        return out.str();
    }

private:
    void refuse(const Node& n, const std::string& why) {
        result_.not_imported.push_back(n.where + ": '" + n.keyword + "' not imported: " + why);
    }

    // keyword with exactly `count` arguments, else refused with the reason.
    bool args(const Node& n, size_t count) {
        if (n.args.size() == count && !n.block) return true;
        refuse(n, "expected " + std::to_string(count) + " argument(s)");
        return false;
    }

    void global_defs(const Node& g) {
        for (const auto& n : g.children) {
            const auto& k = n.keyword;
            if (k == "router_id") {
                if (args(n, 1)) global_.lines.push_back("router_id = " + n.args[0]);
            } else if (k == "notification_email") {
                for (const auto& c : n.children) {
                    mail_to_.push_back(c.keyword);
                    for (const auto& a : c.args) mail_to_.push_back(a);
                }
                for (const auto& a : n.args) mail_to_.push_back(a);
            } else if (k == "notification_email_from") {
                if (args(n, 1)) mail_from_ = n.args[0];
            } else if (k == "smtp_server") {
                if (n.args.empty() || n.args.size() > 2) {
                    refuse(n, "expected HOST [PORT]");
                    continue;
                }
                std::string host = n.args[0];
                if (host.find(':') != std::string::npos) host = "[" + host + "]";
                smtp_url_ = "smtp://" + host + ":" + (n.args.size() == 2 ? n.args[1] : "25");
            } else if (k == "smtp_connect_timeout") {
                if (args(n, 1)) smtp_timeout_ = n.args[0];
            } else if (k == "script_user") {
                script_user_seen_ = true;
                // keepalived's optional group is the user's own group in vigil.
                if (n.args.size() == 1) global_.lines.push_back("script_user = " + n.args[0]);
                else if (n.args.size() == 2) {
                    global_.lines.push_back("script_user = " + n.args[0]);
                    refuse(n, "the group argument (scripts run with the user's own groups)");
                } else refuse(n, "expected USER [GROUP]");
            } else if (k == "enable_script_security") {
                global_.lines.push_back("# enable_script_security: vigil refuses group/world-writable script files (commands without shell = yes)");
            } else if (k == "vrrp_version") {
                if (args(n, 1)) default_version_ = n.args[0];
            } else if (k == "vrrp_garp_master_repeat") {
                if (args(n, 1)) default_garp_repeat_ = n.args[0];
            } else if (k == "vrrp_garp_master_delay") {
                if (args(n, 1)) default_garp_delay_ = n.args[0];
            } else if (k == "vrrp_garp_master_refresh") {
                if (args(n, 1)) default_garp_refresh_ = n.args[0];
            } else {
                refuse(n, "no [global] equivalent");
            }
        }
    }

    // `[[ -f FILE ]] && exit 1 || exit 0` and its variants: a file tracker.
    static bool file_script(const std::string& script, std::string& path, std::string& mode) {
        static const std::regex re(
            "^\\s*\\[\\[?\\s+(!\\s+)?-[fe]\\s+(\\S+)\\s+\\]\\]?\\s*&&\\s*exit\\s+([01])\\s*\\|\\|\\s*exit\\s+([01])\\s*;?\\s*$");
        std::smatch m;
        if (!std::regex_match(script, m, re) || m[3] == m[4]) return false;
        bool negated = m[1].matched;
        bool exists_fails = (m[3] == "1") != negated;
        path = m[2];
        mode = exists_fails ? "exists-down" : "exists-up";
        return true;
    }

    void script(const Node& s) {
        if (s.args.size() != 1 || !s.block) {
            refuse(s, "expected vrrp_script NAME { ... }");
            return;
        }
        Section t{"[tracker " + s.args[0] + "]", {}};
        std::string command, user;
        std::vector<std::string> common;
        bool weight_seen = false;
        for (const auto& n : s.children) {
            const auto& k = n.keyword;
            if (k == "script") {
                // keepalived takes the rest of the line when the script is not quoted.
                if (n.args.empty()) refuse(n, "no command");
                else command = join(n.args);
            } else if (k == "interval" || k == "timeout" || k == "rise" || k == "fall") {
                if (args(n, 1)) common.push_back(k + " = " + n.args[0]);
            } else if (k == "weight") {
                if (n.args.size() == 2 && n.args[1] == "reverse") {
                    refuse(n, "'reverse' (vigil's weight sign says when it applies)");
                } else if (args(n, 1)) {
                    common.push_back("weight = " + n.args[0]);
                    weight_seen = true;
                    if (n.args[0] != "0") tracker_weighted_.insert(s.args[0]);
                }
            } else if (k == "user") {
                if (n.args.size() == 1) user = n.args[0];
                else refuse(n, "expected USER (no group)");
            } else if (k == "init_fail") {
                common.push_back("# init_fail: vigil trackers start DOWN until their first result anyway");
            } else {
                refuse(n, "no tracker equivalent");
            }
        }
        if (command.empty()) {
            refuse(s, "no script");
            return;
        }
        std::string path, mode;
        if (file_script(command, path, mode)) {
            t.lines.push_back("# was: script \"" + command + "\"");
            t.lines.push_back("type = file");
            t.lines.push_back("path = " + path);
            t.lines.push_back("mode = " + mode);
            // An inotify tracker has no interval or rise/fall to speak of, but the
            // file tracker takes the common keys, so they are kept.
        } else {
            if (!ini_safe(command)) {
                refuse(s, "the script has ' ;' or ' #', which vigil.conf reads as a comment; put it in a file");
                return;
            }
            t.lines.push_back("type = exec");
            t.lines.push_back("command = " + command);
            if (needs_shell(command)) t.lines.push_back("shell = yes");
            if (!user.empty()) t.lines.push_back("user = " + user);
            exec_tracker_seen_ = true;
        }
        if (!weight_seen) t.lines.push_back("# keepalived's default weight 0: the instance goes to FAULT while this is DOWN");
        for (auto& c : common) t.lines.push_back(c);
        defined_.insert(s.args[0]);
        trackers_.push_back(std::move(t));
    }

    void track_file(const Node& s) {
        if (s.args.size() != 1) {
            refuse(s, "expected vrrp_track_file NAME { ... }");
            return;
        }
        Section t{"[tracker " + s.args[0] + "]", {"type = file", "mode = value"}};
        std::string weight = "1";  // keepalived's default
        for (const auto& n : s.children) {
            if (n.keyword == "file") {
                if (args(n, 1)) t.lines.push_back("path = " + n.args[0]);
            } else if (n.keyword == "weight") {
                if (n.args.size() == 1) weight = n.args[0];
                else refuse(n, "expected one weight ('reverse' is not supported)");
            } else {
                refuse(n, "no file tracker equivalent");
            }
        }
        t.lines.push_back("weight = " + weight);
        if (weight != "0") tracker_weighted_.insert(s.args[0]);
        defined_.insert(s.args[0]);
        trackers_.push_back(std::move(t));
    }

    void track_process(const Node& s) {
        if (s.args.size() != 1) {
            refuse(s, "expected vrrp_track_process NAME { ... }");
            return;
        }
        Section t{"[tracker " + s.args[0] + "]", {"type = process"}};
        std::string process;
        bool full_command = false;
        std::vector<std::string> rest;
        for (const auto& n : s.children) {
            const auto& k = n.keyword;
            if (k == "process") {
                if (n.args.empty()) refuse(n, "no process");
                else process = join(n.args);
            } else if (k == "full_command") {
                full_command = true;
            } else if (k == "quorum") {
                if (args(n, 1)) rest.push_back("min = " + n.args[0]);
            } else if (k == "quorum_max") {
                if (args(n, 1)) rest.push_back("max = " + n.args[0]);
            } else if (k == "weight") {
                if (n.args.size() == 1 && n.args[0] != "0") tracker_weighted_.insert(s.args[0]);
                if (n.args.size() == 1) rest.push_back("weight = " + n.args[0]);
                else refuse(n, "expected one weight ('reverse' is not supported)");
            } else {
                refuse(n, "no process tracker equivalent");
            }
        }
        if (process.empty()) {
            refuse(s, "no process");
            return;
        }
        // keepalived matches the whole command line with full_command, else the
        // name the kernel keeps (15 characters).
        t.lines.push_back((full_command || process.find(' ') != std::string::npos ? "cmdline = " : "name = ") + process);
        for (auto& r : rest) t.lines.push_back(r);
        defined_.insert(s.args[0]);
        trackers_.push_back(std::move(t));
    }

    // One exec notifier per distinct command and event set, shared by every
    // instance and group that names it.
    std::string exec_notifier(const std::string& command, const std::string& user, const std::string& events, bool pass_args) {
        std::string key = command + "\n" + user + "\n" + events + "\n" + (pass_args ? "1" : "0");
        auto it = exec_notifiers_.find(key);
        if (it != exec_notifiers_.end()) return it->second;
        std::string base = "notify" + (events.empty() ? std::string() : "-" + events);
        std::string name = base;
        for (int i = 2; used_names_.count(name); ++i) name = base + "-" + std::to_string(i);
        used_names_.insert(name);
        Section s{"[notifier " + name + "]", {"type = exec", "command = " + command}};
        if (needs_shell(command)) s.lines.push_back("shell = yes");
        if (!user.empty()) s.lines.push_back("user = " + user);
        if (!events.empty()) s.lines.push_back("events = " + events);
        s.lines.push_back(std::string("pass_args = ") + (pass_args ? "yes" : "no"));
        notifiers_.push_back(std::move(s));
        exec_notifiers_[key] = name;
        return name;
    }

    std::string mail_notifier(const Node& at) {
        if (!mail_name_.empty()) return mail_name_;
        if (mail_to_.empty() || smtp_url_.empty()) {
            refuse(at, "smtp_alert needs notification_email and smtp_server in global_defs");
            return "";
        }
        mail_name_ = "mail";
        used_names_.insert(mail_name_);
        Section s{"[notifier mail]", {"type = mail", "smtp_url = " + smtp_url_, "starttls = try"}};
        s.lines.push_back("from = " + (mail_from_.empty() ? std::string("keepalived@localhost") : mail_from_));
        for (const auto& to : mail_to_) s.lines.push_back("to = " + to);
        s.lines.push_back("subject = [{host}] {kind} {name} is now {state}");
        if (!smtp_timeout_.empty()) s.lines.push_back("timeout = " + smtp_timeout_);
        notifiers_.push_back(std::move(s));
        return mail_name_;
    }

    // notify_* and smtp_alert, shared by instances and groups; false when `n` is not one.
    bool notify_key(const Node& n, std::vector<std::string>& notify) {
        static const std::map<std::string, std::string> per_state = {
            {"notify_master", "master"}, {"notify_backup", "backup"}, {"notify_fault", "fault"}, {"notify_stop", "stop"}};
        auto it = per_state.find(n.keyword);
        if (it != per_state.end() || n.keyword == "notify") {
            if (n.args.empty()) {
                refuse(n, "no command");
                return true;
            }
            // keepalived: `notify_x SCRIPT [username [groupname]]`, the script one word or quoted.
            const std::string& command = n.args[0];
            std::string user = n.args.size() >= 2 ? n.args[1] : "";
            if (n.args.size() > 3) {
                refuse(n, "expected \"COMMAND\" [USER [GROUP]] (quote a command with arguments)");
                return true;
            }
            if (n.args.size() == 3) refuse(n, "the group argument (scripts run with the user's own groups)");
            if (!ini_safe(command)) {
                refuse(n, "the command has ' ;' or ' #', which vigil.conf reads as a comment; put it in a file");
                return true;
            }
            bool generic = it == per_state.end();
            notify.push_back(exec_notifier(command, user, generic ? "" : it->second, generic));
            return true;
        }
        if (n.keyword == "smtp_alert") {
            if (n.args.empty() || lower(n.args[0]) == "yes" || lower(n.args[0]) == "true" || n.args[0] == "on") {
                auto name = mail_notifier(n);
                if (!name.empty()) notify.push_back(name);
            }
            return true;
        }
        return false;
    }

    static void add_unique(std::vector<std::string>& list, const std::string& v) {
        for (const auto& x : list)
            if (x == v) return;
        list.push_back(v);
    }

    void vip(const Node& n, Section& s) {
        std::vector<std::string> w{n.keyword};
        w.insert(w.end(), n.args.begin(), n.args.end());
        std::string addr = w[0];
        bool v6 = addr.find(':') != std::string::npos;
        if (addr.find('/') == std::string::npos) addr += v6 ? "/128" : "/32";  // keepalived's default
        std::string dev, label;
        for (size_t i = 1; i < w.size(); ++i) {
            if ((w[i] == "dev" || w[i] == "label") && i + 1 < w.size()) {
                (w[i] == "dev" ? dev : label) = w[i + 1];
                ++i;
            } else {
                refuse(n, "virtual_ipaddress option '" + w[i] + "' (vigil takes dev and label)");
                return;
            }
        }
        std::string line = "vip = " + addr;
        if (!dev.empty()) line += " dev " + dev;
        if (!label.empty()) line += " label " + label;
        s.lines.push_back(line);
    }

    void instance(const Node& i) {
        if (i.args.size() != 1 || !i.block) {
            refuse(i, "expected vrrp_instance NAME { ... }");
            return;
        }
        Section s{"[instance " + i.args[0] + "]", {}};
        std::vector<std::string> track, track_if, notify, peers;
        const Node* auth = nullptr;
        bool in_sync_group = weightless_.count(i.args[0]) > 0;
        std::string version;
        bool ipv6 = false, vip_seen = false;
        bool version_seen = false, garp_repeat = false, garp_delay = false, garp_refresh = false;
        for (const auto& n : i.children) {
            const auto& k = n.keyword;
            if (k == "interface") {
                if (args(n, 1)) s.lines.push_back("interface = " + n.args[0]);
            } else if (k == "state") {
                if (!args(n, 1)) continue;
                auto v = lower(n.args[0]);
                if (v == "master" || v == "backup") s.lines.push_back("state = " + v);
                else refuse(n, "state must be MASTER or BACKUP");
            } else if (k == "virtual_router_id") {
                if (args(n, 1)) s.lines.push_back("vrid = " + n.args[0]);
            } else if (k == "priority") {
                if (args(n, 1)) s.lines.push_back("priority = " + n.args[0]);
            } else if (k == "advert_int") {
                if (args(n, 1)) s.lines.push_back("advert_int = " + n.args[0] + "s");
            } else if (k == "version" || k == "vrrp_version") {
                if (args(n, 1)) {
                    s.lines.push_back("version = " + n.args[0]);
                    version = n.args[0];
                }
                version_seen = true;
            } else if (k == "dont_track_primary") {
                s.lines.push_back("dont_track_primary = yes");
            } else if (k == "nopreempt") {
                s.lines.push_back("preempt = no");
            } else if (k == "preempt") {
                s.lines.push_back("preempt = yes");
            } else if (k == "preempt_delay") {
                if (args(n, 1)) s.lines.push_back("preempt_delay = " + n.args[0] + "s");
            } else if (k == "authentication") {
                if (auth) refuse(n, "a second authentication block (keepalived keeps the last; check which is meant)");
                auth = &n;
            } else if (k == "virtual_ipaddress") {
                for (const auto& c : n.children) {
                    if (!vip_seen) ipv6 = c.keyword.find(':') != std::string::npos;
                    vip_seen = true;
                    vip(c, s);
                }
            } else if (k == "unicast_src_ip") {
                if (args(n, 1)) s.lines.push_back("unicast_src = " + n.args[0]);
            } else if (k == "unicast_peer") {
                for (const auto& c : n.children) {
                    if (c.args.empty()) peers.push_back(c.keyword);
                    else refuse(c, "unicast_peer options (vigil takes addresses only)");
                }
            } else if (k == "track_interface") {
                for (const auto& c : n.children) {
                    if (c.args.empty()) add_unique(track_if, c.keyword);
                    else if (c.args.size() == 2 && c.args[0] == "weight" && in_sync_group) {
                        s.lines.push_back("# " + c.keyword + " weight " + c.args[1] +
                                          ": keepalived ignores the weight in a sync group (no sync_group_tracking_weight)");
                        add_unique(track_if, c.keyword);
                    } else if (c.args.size() == 2 && c.args[0] == "weight") add_unique(track_if, c.keyword + ":" + c.args[1]);
                    else refuse(c, "expected IF [weight N]");
                }
            } else if (k == "track_script" || k == "track_file" || k == "track_process") {
                for (const auto& c : n.children) {
                    std::string ref = c.keyword;
                    referenced_.push_back({ref, c.where});
                    if (c.args.empty() && in_sync_group && tracker_weighted_.count(ref))
                        refuse(c, "keepalived ignores a weighted tracker in a sync group without sync_group_tracking_weight");
                    else if (c.args.empty()) add_unique(track, ref);
                    else if (c.args.size() == 2 && c.args[0] == "weight" && in_sync_group && c.args[1] != "0")
                        refuse(c, "keepalived ignores a weighted tracker in a sync group without sync_group_tracking_weight");
                    else if (c.args.size() == 2 && c.args[0] == "weight") add_unique(track, ref + ":" + c.args[1]);
                    else refuse(c, "expected NAME [weight N] ('reverse' is not supported)");
                }
            } else if (k == "garp_master_repeat") {
                if (args(n, 1)) s.lines.push_back("garp_repeat = " + n.args[0]);
                garp_repeat = true;
            } else if (k == "garp_master_delay") {
                if (args(n, 1)) s.lines.push_back("garp_delay = " + n.args[0] + "s");
                garp_delay = true;
            } else if (k == "garp_master_refresh") {
                if (args(n, 1)) s.lines.push_back("garp_refresh = " + n.args[0] + "s");
                garp_refresh = true;
            } else if (notify_key(n, notify)) {
            } else {
                refuse(n, "no instance equivalent");
            }
        }
        if (!version_seen && !default_version_.empty()) {
            s.lines.push_back("version = " + default_version_);
            version = default_version_;
        }
        if (version.empty() && ipv6) version = "3";  // keepalived's and vigil's default for IPv6
        if (auth && version == "3") refuse(*auth, "VRRPv3 has no authentication (keepalived ignores it too)");
        else if (auth) authentication(*auth, s);
        if (!garp_repeat && !default_garp_repeat_.empty()) s.lines.push_back("garp_repeat = " + default_garp_repeat_);
        if (!garp_delay && !default_garp_delay_.empty()) s.lines.push_back("garp_delay = " + default_garp_delay_ + "s");
        if (!garp_refresh && !default_garp_refresh_.empty()) s.lines.push_back("garp_refresh = " + default_garp_refresh_ + "s");
        for (const auto& p : peers) s.lines.push_back("unicast_peer = " + p);
        if (!track.empty()) s.lines.push_back("track = " + join(track));
        if (!track_if.empty()) s.lines.push_back("track_interface = " + join(track_if));
        // Always written: an empty list keeps [global] notify from applying.
        s.lines.push_back("notify = " + join(notify));
        instances_.push_back(std::move(s));
    }

    void authentication(const Node& a, Section& s) {
        std::string type, pass;
        for (const auto& n : a.children) {
            if (n.keyword == "auth_type" && n.args.size() == 1) type = n.args[0];
            else if (n.keyword == "auth_pass" && !n.args.empty()) pass = join(n.args);
            else refuse(n, "unknown authentication key");
        }
        if (lower(type) != "pass") {
            refuse(a, "auth_type " + (type.empty() ? std::string("missing") : type) + " (vigil speaks PASS only)");
            return;
        }
        if (!ini_safe(pass) || pass.find_first_of(";#") == 0) {
            refuse(a, "an auth_pass with ';' or '#' after a blank cannot be written in vigil.conf");
            return;
        }
        if (pass.size() > 8) {
            // keepalived sends the first 8 characters; so must the imported peer.
            s.lines.push_back("# auth_pass " + pass + " was longer than 8 characters; keepalived used the first 8");
            pass = pass.substr(0, 8);
        }
        s.lines.push_back("auth_pass = " + pass);
    }

    void sync_group(const Node& g) {
        if (g.args.size() != 1 || !g.block) {
            refuse(g, "expected vrrp_sync_group NAME { ... }");
            return;
        }
        Section s{"[group " + g.args[0] + "]", {}};
        std::vector<std::string> members, notify;
        for (const auto& n : g.children) {
            if (n.keyword == "group") {
                for (const auto& c : n.children) {
                    members.push_back(c.keyword);
                    for (const auto& a : c.args) members.push_back(a);
                }
            } else if (n.keyword == "sync_group_tracking_weight") {
                // weights kept as written (see weightless_)
            } else if (notify_key(n, notify)) {
            } else {
                refuse(n, "no group equivalent");
            }
        }
        s.lines.push_back("instances = " + join(members));
        if (!notify.empty()) s.lines.push_back("notify = " + join(notify));
        groups_.push_back(std::move(s));
    }

    void check_references() {
        for (const auto& [name, where] : referenced_) {
            if (!defined_.count(name))
                result_.not_imported.push_back(where + ": '" + name + "' is tracked but not defined (or was not imported)");
        }
    }

    ImportResult& result_;
    Section global_{"[global]", {}};
    std::vector<Section> instances_, groups_, trackers_, notifiers_;
    std::vector<std::string> mail_to_;
    std::string mail_from_, smtp_url_, smtp_timeout_, mail_name_;
    std::string default_version_, default_garp_repeat_, default_garp_delay_, default_garp_refresh_;
    std::map<std::string, std::string> exec_notifiers_;
    std::set<std::string> used_names_, defined_;
    std::vector<std::pair<std::string, std::string>> referenced_;
    bool script_user_seen_ = false;
    std::set<std::string> weightless_;        // instances in a sync group without sync_group_tracking_weight
    std::set<std::string> tracker_weighted_;  // trackers whose own weight is not 0
    bool exec_tracker_seen_ = false;
};

void translate(Reader& reader, ImportResult& result, const std::string& source) {
    Translator t(result);
    t.run(reader.tree());
    result.vigil_conf = t.output(source);
}

}  // namespace

ImportResult import_keepalived(const std::string& path) {
    ImportResult result;
    Reader reader(result);
    if (reader.read_file(path, "", 0)) translate(reader, result, path);
    return result;
}

ImportResult import_keepalived_text(const std::string& text, const std::string& name, const std::string& base_dir) {
    ImportResult result;
    Reader reader(result);
    reader.read_text(text, name, base_dir, 0);
    translate(reader, result, name);
    return result;
}

}  // namespace vigil::config
