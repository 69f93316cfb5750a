// SPDX-License-Identifier: Apache-2.0
#include "keepalived_import/translator.h"

#include <arpa/inet.h>

#include <algorithm>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>

#include "config/route_syntax.h"

namespace vigil::config::keepalived {
namespace {

std::string join(const std::vector<std::string>& v, size_t from = 0, const char* sep = " ") {
    std::string s;
    for (size_t i = from; i < v.size(); ++i) s += (i > from ? sep : "") + v[i];
    return s;
}

// vigil.conf (inih) starts a comment at ";" or "#" after a blank (or as a
// value's first character: "key = ;x" has no value) and has no escape.
bool ini_safe(const std::string& value) {
    for (unsigned char c : value)
        if (c < 0x20 && c != '\t') return false;  // a CR or other control byte breaks the line
    return value.find_first_of(";#") != 0 && value.find(" ;") == std::string::npos && value.find(" #") == std::string::npos &&
           value.find("\t;") == std::string::npos && value.find("\t#") == std::string::npos;
}

// A user name as useradd takes one (keepalived looks it up with getpwnam):
// anything else would not survive into vigil.conf, or name nobody.
bool user_name(const std::string& text) {
    static const std::regex name("[A-Za-z0-9_][A-Za-z0-9_.-]*\\$?");
    return std::regex_match(text, name);
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

// keepalived's decimal seconds (read_decimal_unsigned with TIMER_HZ_DIGITS):
// up to 6 places, a 7th rounds the 6th; in microseconds.
std::optional<uint64_t> keepalived_micros(const std::string& text) {
    static const std::regex number("^([0-9]{1,9})(?:\\.([0-9]+))?$");
    std::smatch m;
    if (!std::regex_match(text, m, number)) return std::nullopt;
    std::string places = m[2].str();
    bool round_up = places.size() > 6 && places[6] >= '5';
    places = places.substr(0, 6);
    places.resize(6, '0');
    return std::stoull(m[1].str()) * 1'000'000 + std::stoull(places) + (round_up ? 1 : 0);
}

// vigil's durations count milliseconds: a finer keepalived value is rounded up.
std::string as_milliseconds(uint64_t micros, bool& rounded) {
    rounded = micros % 1000 != 0;
    return std::to_string((micros + 999) / 1000) + "ms";
}

// keepalived counts the preference of a rule given none down from 16384
// (RULE_START_PRIORITY in vrrp_iprule.c), per family, in the order it reads
// the rules: static_rules and every instance's virtual_rules alike.
constexpr uint32_t kKeepalivedRuleStartPriority = 16384;

// The words of a rule line keepalived reads as its preference ("prio" is
// not one: keepalived refuses the line).
bool names_rule_priority(const std::vector<std::string>& words) {
    for (const auto& w : words)
        if (w == "preference" || w == "priority" || w == "order") return true;
    return false;
}

// An address keepalived's parse_route() takes as a rule's from/to.
bool keepalived_rule_address(const std::string& text) {
    if (text == "default" || text == "any" || text == "all" || text == "default6") return true;
    std::string addr = text.substr(0, text.find('/'));
    unsigned char bytes[16];
    return inet_pton(addr.find(':') != std::string::npos ? AF_INET6 : AF_INET, addr.c_str(), bytes) == 1;
}

// Whether keepalived takes the rule line (so that it counts a preference for
// it): it needs an action and addresses it can read, and knows no `prio`.
bool keepalived_takes_rule(const std::vector<std::string>& words) {
    static const std::set<std::string> actions = {"table", "lookup", "blackhole", "unreachable", "prohibit", "nop", "l3mdev", "type"};
    bool action = false;
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "prio") return false;
        if ((words[i] == "from" || words[i] == "to") && (i + 1 == words.size() || !keepalived_rule_address(words[i + 1])))
            return false;
        action |= actions.count(words[i]) > 0;
    }
    return action;
}

// keepalived's family of a rule: inet6, or an IPv6 from/to; else IPv4.
bool rule_is_ipv6(const std::vector<std::string>& words) {
    for (size_t i = 0; i < words.size(); ++i) {
        if (words[i] == "inet6") return true;
        if ((words[i] == "from" || words[i] == "to") && i + 1 < words.size() && words[i + 1].find(':') != std::string::npos)
            return true;
    }
    return false;
}

std::vector<std::string> words_of(const Node& n) {
    std::vector<std::string> w{n.keyword};
    w.insert(w.end(), n.args.begin(), n.args.end());
    return w;
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
        number_rules(top);
        statics(top);
        for (const auto& n : top) {
            origin_ = origin_of(n);
            if ((n.keyword == "vrrp_script" || n.keyword == "vrrp_track_file" || n.keyword == "vrrp_track_process" ||
                 (n.keyword == "track_file" && n.block)) &&
                !first_definition(n, defined_where_))
                continue;
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
        std::map<std::string, std::string> instance_where, group_where;
        for (const auto& n : top) {
            origin_ = origin_of(n);
            if (n.keyword == "vrrp_instance" && first_definition(n, instance_where)) instance(n);
        }
        for (const auto& n : top) {
            origin_ = origin_of(n);
            if (n.keyword == "vrrp_sync_group" && first_definition(n, group_where)) sync_group(n);
        }
        origin_.clear();
        static const std::set<std::string> handled = {"global_defs",   "vrrp_script",    "vrrp_track_file",  "vrrp_track_process",
                                                      "vrrp_instance", "vrrp_sync_group", "static_ipaddress", "static_routes",
                                                      "static_rules"};
        for (const auto& n : top) {
            if (n.keyword == "track_file" && !n.block) refuse(n, "expected track_file NAME { ... }");
            else if (!handled.count(n.keyword) && n.keyword != "track_file") refuse(n, "vigil has no equivalent");
        }
        if (!script_user_seen_ && (!exec_notifiers_.empty() || exec_tracker_seen_)) {
            // keepalived runs scripts as root unless told otherwise; chkngx.sh-style
            // scripts that restart services rely on it.
            put(global_, "# keepalived ran these scripts as root (global_defs had no script_user); vigil's own");
            put(global_, "# default is an unprivileged user: narrow this to one that can do what the scripts do.");
            put(global_, "script_user = root");
        }
    }

    Translation take() {
        Translation t;
        t.notes = std::move(notes_);
        t.sections.push_back(std::move(global_));
        for (auto* list : {&instances_, &groups_, &trackers_, &notifiers_})
            for (auto& sec : *list) t.sections.push_back(std::move(sec));
        return t;
    }

private:
    // A line of `s`, made from the statement being translated (origin_).
    void put(Section& s, const std::string& line) {
        s.lines.push_back(line);
        s.origins.push_back(origin_.empty() ? s.origin : origin_);
    }

    // A scalar keepalived reads again and again: its last value counts, so
    // the line already written for `key` is replaced.
    void put_last(Section& s, const std::string& key, const std::string& value) {
        for (size_t i = 0; i < s.lines.size(); ++i) {
            if (s.lines[i].rfind(key + " = ", 0) == 0) {
                s.lines[i] = key + " = " + value;
                s.origins[i] = origin_;
                return;
            }
        }
        put(s, key + " = " + value);
    }

    // keepalived keeps the first definition of a name and skips the block of
    // a later one ("already defined"); so does the import, with a note.
    bool first_definition(const Node& n, std::map<std::string, std::string>& seen) {
        if (n.args.size() != 1) return true;  // refused with its reason where translated
        auto [it, fresh] = seen.emplace(n.args[0], n.where);
        if (fresh) return true;
        notes_.push_back("# " + n.where + ": " + n.keyword + " " + n.args[0] + " was already defined at " + it->second +
                         "; keepalived ignores this second definition, and so did the import");
        return false;
    }

    static Section section(const std::string& header, const std::string& origin, const std::vector<std::string>& lines) {
        return Section{header, origin, lines, std::vector<std::string>(lines.size(), origin)};
    }

    static std::string origin_of(const Node& n) { return n.where + ": '" + n.keyword + "'"; }

    void refuse(const Node& n, const std::string& why) {
        result_.not_imported.push_back(n.where + ": '" + n.keyword + "' not imported: " + why);
    }

    // keyword with exactly `count` arguments, else refused with the reason.
    bool args(const Node& n, size_t count) {
        if (n.args.size() == count && !n.block) return true;
        refuse(n, "expected " + std::to_string(count) + " argument(s)");
        return false;
    }

    // The preference keepalived gives each rule line that names none, by
    // walking the rules in its reading order (instances it skips as already
    // defined are skipped here too).
    void number_rules(const std::vector<Node>& top) {
        uint32_t next_v4 = kKeepalivedRuleStartPriority, next_v6 = kKeepalivedRuleStartPriority;
        auto count = [&](const Node& block) {
            for (const auto& c : block.children) {
                auto w = words_of(c);
                if (names_rule_priority(w) || !keepalived_takes_rule(w)) continue;
                rule_priority_[&c] = rule_is_ipv6(w) ? next_v6-- : next_v4--;
            }
        };
        std::set<std::string> instances;
        for (const auto& n : top) {
            if (n.keyword == "static_rules") count(n);
            if (n.keyword != "vrrp_instance" || (n.args.size() == 1 && !instances.insert(n.args[0]).second)) continue;
            for (const auto& c : n.children)
                if (c.keyword == "virtual_rules") count(c);
        }
    }

    // static_ipaddress, static_routes, static_rules: [global] lines, in file order.
    void statics(const std::vector<Node>& top) {
        // keepalived puts a static address without dev on its default interface,
        // looked up once, when the first such address is read.
        std::string default_if = "eth0";
        bool default_if_used = false;
        for (const auto& n : top) {
            if (n.keyword == "global_defs" && !default_if_used)
                for (const auto& c : n.children)
                    if (c.keyword == "default_interface" && c.args.size() == 1) default_if = c.args[0];
            if (n.keyword != "static_ipaddress" && n.keyword != "static_routes" && n.keyword != "static_rules") continue;
            if (!n.block || !n.args.empty()) {
                refuse(n, "expected " + n.keyword + " { ... }");
                continue;
            }
            for (const auto& c : n.children) {
                origin_ = origin_of(c);
                if (n.keyword == "static_ipaddress") default_if_used |= static_address(c, default_if);
                else if (n.keyword == "static_routes") route_line(c, "static_route", false);
                else rule_line(c, "static_rule", false);
            }
        }
        origin_.clear();
    }

    // true when the line took keepalived's default interface.
    bool static_address(const Node& n, const std::string& default_if) {
        auto w = words_of(n);
        std::string addr = w[0];
        if (addr.find('/') == std::string::npos) addr += addr.find(':') != std::string::npos ? "/128" : "/32";
        std::string dev, label;
        bool no_track = false;
        for (size_t i = 1; i < w.size(); ++i) {
            if ((w[i] == "dev" || w[i] == "label") && i + 1 < w.size()) {
                (w[i] == "dev" ? dev : label) = w[i + 1];
                ++i;
            } else if (w[i] == "no_track") {
                no_track = true;
            } else {
                refuse(n, "static_ipaddress option '" + w[i] + "' (vigil's static_address takes dev and label)");
                return false;
            }
        }
        if (no_track) put(global_, "# " + n.where + ": no_track dropped: vigil does not watch its static addresses");
        if (dev.empty())
            put(global_, "# " + n.where + ": no dev: keepalived puts a static address on its default interface "
                                          "(global_defs default_interface, else eth0): " + default_if);
        std::string line = "static_address = " + addr + " dev " + (dev.empty() ? default_if : dev);
        if (!label.empty()) line += " label " + label;
        put(global_, line);
        return dev.empty();
    }

    // A virtual_routes / static_routes line as `key = LINE`; false when refused.
    // keepalived's no_track is dropped: vigil never watches its routes.
    bool route_line(const Node& n, const std::string& key, bool in_instance) {
        std::vector<std::string> kept;
        bool no_track = false;
        for (const auto& w : words_of(n)) {
            if (w == "no_track") no_track = true;
            else kept.push_back(w);
        }
        auto line = join(kept);
        if (auto parsed = parse_route(line); !parsed.problem.empty()) {
            refuse(n, "vigil's " + key + " refuses it: " + parsed.problem);
            return false;
        }
        Section& s = in_instance ? *current_instance_ : global_;
        if (no_track) put(s, "# " + n.where + ": no_track dropped: vigil does not watch its routes (as keepalived with no_track)");
        put(s, key + " = " + line);
        return true;
    }

    // A virtual_rules / static_rules line as `key = LINE`, with the preference
    // keepalived would have given it if it names none; false when refused.
    bool rule_line(const Node& n, const std::string& key, bool in_instance) {
        auto words = words_of(n);
        for (const auto& w : words) {
            if (w == "prio") {
                refuse(n, "keepalived does not take 'prio' (its words are preference, priority, order) and ignores this rule");
                return false;
            }
        }
        std::vector<std::string> kept;
        bool no_track = false;
        for (const auto& w : words) {
            if (w == "no_track") no_track = true;
            else kept.push_back(w);
        }
        auto line = join(kept);
        Section& s = in_instance ? *current_instance_ : global_;
        std::string numbered;
        if (auto it = rule_priority_.find(&n); it != rule_priority_.end()) {
            line += " priority " + std::to_string(it->second);
            numbered = "# " + n.where + ": the rule names no preference; keepalived gives it " + std::to_string(it->second) +
                       " (counting down from 16384 per family, in the order it reads the rules), and so does the import";
        }
        if (auto parsed = parse_rule(line); !parsed.problem.empty()) {
            refuse(n, "vigil's " + key + " refuses it: " + parsed.problem);
            return false;
        }
        if (no_track) put(s, "# " + n.where + ": no_track dropped: vigil does not watch its rules (as keepalived with no_track)");
        if (!numbered.empty()) put(s, numbered);
        put(s, key + " = " + line);
        return true;
    }

    // `key = Nms` from a keepalived value in decimal seconds (one argument,
    // checked by the caller), with a comment when it had to be rounded up.
    void seconds_key(Section& s, const std::string& key, const Node& n) {
        bool rounded = false;
        auto value = as_milliseconds(*keepalived_micros(n.args[0]), rounded);
        if (rounded)
            put(s, "# " + n.where + ": " + n.keyword + " " + n.args[0] + "s rounded up to " + value +
                       " (vigil's durations count milliseconds)");
        put_last(s, key, value);
    }

    // keepalived reads a garp_master_repeat of 0 as 1 (with a warning).
    std::string repeat_count(const Node& n) {
        if (n.args[0] != "0") return n.args[0];
        notes_.push_back("# " + n.where + ": " + n.keyword + " 0 written as 1: keepalived sends one message for 0");
        return "1";
    }

    // A value vigil.conf cannot hold (ini_safe) is refused here: the mail
    // plugin's keys are not in the self-check.
    bool writable_word(const Node& at, const std::string& word) {
        if (ini_safe(word)) return true;
        refuse(at, "'" + word + "' starts with ';' or '#' or holds a control byte, which vigil.conf cannot hold");
        return false;
    }

    void add_mail_to(const Node& at, const std::string& address) {
        if (writable_word(at, address)) mail_to_.push_back(address);
    }

    void global_defs(const Node& g) {
        for (const auto& n : g.children) {
            origin_ = origin_of(n);
            const auto& k = n.keyword;
            if (k == "router_id") {
                if (args(n, 1)) put(global_, "router_id = " + n.args[0]);
            } else if (k == "notification_email") {
                for (const auto& c : n.children) {
                    add_mail_to(c, c.keyword);
                    for (const auto& a : c.args) add_mail_to(c, a);
                }
                for (const auto& a : n.args) add_mail_to(n, a);
            } else if (k == "notification_email_from") {
                if (args(n, 1) && writable_word(n, n.args[0])) mail_from_ = n.args[0];
            } else if (k == "smtp_server") {
                if (n.args.empty() || n.args.size() > 2) {
                    refuse(n, "expected HOST [PORT]");
                    continue;
                }
                // A host name or address, and a port number: what the URL
                // the mail notifier takes can hold.
                static const std::regex host_syntax("[A-Za-z0-9._:-]+"), port_syntax("[0-9]{1,5}");
                std::string host = n.args[0], port = n.args.size() == 2 ? n.args[1] : "25";
                if (!std::regex_match(host, host_syntax)) {
                    refuse(n, "'" + host + "' is not a host name or address");
                    continue;
                }
                if (!std::regex_match(port, port_syntax) || std::stoi(port) < 1 || std::stoi(port) > 65535) {
                    refuse(n, "'" + port + "' is not a port (1-65535)");
                    continue;
                }
                if (host.find(':') != std::string::npos) host = "[" + host + "]";
                smtp_url_ = "smtp://" + host + ":" + port;
            } else if (k == "smtp_connect_timeout") {
                if (args(n, 1)) smtp_timeout_ = n.args[0];
            } else if (k == "script_user") {
                script_user_seen_ = true;
                // keepalived's optional group is the user's own group in vigil.
                if (!n.args.empty() && !user_name(n.args[0])) refuse(n, "'" + n.args[0] + "' is not a user name");
                else if (n.args.size() == 1) put(global_, "script_user = " + n.args[0]);
                else if (n.args.size() == 2) {
                    put(global_, "script_user = " + n.args[0]);
                    refuse(n, "the group argument (scripts run with the user's own groups)");
                } else refuse(n, "expected USER [GROUP]");
            } else if (k == "enable_script_security") {
                put(global_, "# enable_script_security: vigil refuses group/world-writable script files (commands without shell = yes)");
            } else if (k == "vrrp_version") {
                if (args(n, 1)) default_version_ = n.args[0];
            } else if (k == "vrrp_garp_master_repeat") {
                if (args(n, 1)) default_garp_repeat_ = repeat_count(n);
            } else if (k == "vrrp_garp_master_delay") {
                if (args(n, 1)) default_garp_delay_ = n.args[0];
            } else if (k == "vrrp_garp_master_refresh") {
                if (args(n, 1)) default_garp_refresh_ = n.args[0];
            } else if (k == "vrrp_skip_check_adv_addr") {
                put(global_, "# vrrp_skip_check_adv_addr: vigil never compares an advert's address list with its own");
            } else if (k == "vrrp_startup_delay") {
                // keepalived keeps the largest of several (and of vrrp_delay_after_boot).
                if (!args(n, 1)) continue;
                auto micros = keepalived_micros(n.args[0]);
                if (!micros || *micros == 0) {
                    put(global_, "# " + n.where + ": vrrp_startup_delay " + n.args[0] + " ignored, as keepalived ignores it (not "
                                 "a number of seconds from 0.001)");
                } else if (*micros > startup_delay_micros_) {
                    startup_delay_micros_ = *micros;
                    seconds_key(global_, "startup_delay", n);
                }
            } else if (k == "vrrp_delay_after_boot") {
                refuse(n, "a delay counted from the system's boot; vigil's startup_delay counts from vigild's start "
                          "(keepalived's vrrp_startup_delay)");
            } else if (k == "vrrp_garp_interval" || k == "vrrp_gna_interval") {
                if (!args(n, 1)) continue;
                auto micros = keepalived_micros(n.args[0]);
                if (!micros || *micros == 0)
                    put(global_, "# " + n.where + ": " + k + " " + n.args[0] + " ignored, as keepalived ignores it (not a "
                                 "number of seconds from 0.000001)");
                else seconds_key(global_, k == "vrrp_garp_interval" ? "garp_interval" : "gna_interval", n);
            } else if (k == "vrrp_garp_master_refresh_repeat") {
                refuse(n, "vigil's refresh sends garp_repeat messages per VIP; it has no count of its own");
            } else if (k == "vrrp_garp_lower_prio_delay" || k == "vrrp_garp_lower_prio_repeat") {
                refuse(n, "on hearing a lower priority vigil's master sends its garp_repeat burst and another after garp_delay "
                          "(keepalived's default for these); it has no count or delay of its own for it");
            } else if (k == "default_interface") {
                // Read by statics(): keepalived's interface for a static address without dev.
                if (args(n, 1)) put(global_, "# default_interface " + n.args[0] + ": written as the dev of each static address without one");
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
        // The file tracker takes an absolute path; anything else stays a script.
        if (m[2].str()[0] != '/' || !ini_safe(m[2].str())) return false;
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
        Section t{"[tracker " + s.args[0] + "]", origin_of(s), {}, {}};
        std::string command, user;
        std::vector<std::pair<std::string, std::string>> common;  // line, origin
        bool weight_seen = false;
        for (const auto& n : s.children) {
            origin_ = origin_of(n);
            const auto& k = n.keyword;
            if (k == "script") {
                // keepalived takes the rest of the line when the script is not quoted.
                if (n.args.empty()) refuse(n, "no command");
                else command = join(n.args);
            } else if (k == "interval" || k == "timeout" || k == "rise" || k == "fall") {
                if (args(n, 1)) common.push_back({k + " = " + n.args[0], origin_});
            } else if (k == "weight") {
                if (n.args.size() == 2 && n.args[1] == "reverse") {
                    refuse(n, "'reverse' (vigil's weight sign says when it applies)");
                } else if (args(n, 1)) {
                    common.push_back({"weight = " + n.args[0], origin_});
                    weight_seen = true;
                    if (n.args[0] != "0") tracker_weighted_.insert(s.args[0]);
                }
            } else if (k == "user") {
                if (n.args.size() != 1) refuse(n, "expected USER (no group)");
                else if (!user_name(n.args[0])) refuse(n, "'" + n.args[0] + "' is not a user name");
                else user = n.args[0];
            } else if (k == "init_fail") {
                // keepalived: DOWN from the start, UP after `rise` successes.
                common.push_back({"initial = down", origin_});
            } else {
                refuse(n, "no tracker equivalent");
            }
        }
        origin_ = t.origin;
        if (command.empty()) {
            refuse(s, "no script");
            return;
        }
        std::string path, mode;
        if (file_script(command, path, mode)) {
            put(t, "# was: script \"" + command + "\"");
            put(t, "type = file");
            put(t, "path = " + path);
            put(t, "mode = " + mode);
            // An inotify tracker has no interval or rise/fall to speak of, but the
            // file tracker takes the common keys, so they are kept.
        } else {
            if (!ini_safe(command)) {
                refuse(s, "the script has ' ;' or ' #' (or starts with one), which vigil.conf reads as a comment; put it in a file");
                return;
            }
            put(t, "type = exec");
            put(t, "command = " + command);
            if (needs_shell(command)) put(t, "shell = yes");
            if (!user.empty()) put(t, "user = " + user);
            exec_tracker_seen_ = true;
        }
        if (!weight_seen) put(t, "# keepalived's default weight 0: the instance goes to FAULT while this is DOWN");
        for (auto& [line, from] : common) {
            origin_ = from;
            put_last(t, line.substr(0, line.find(' ')), line.substr(line.find('=') + 2));
        }
        defined_.insert(s.args[0]);
        trackers_.push_back(std::move(t));
    }

    void track_file(const Node& s) {
        if (s.args.size() != 1) {
            refuse(s, "expected vrrp_track_file NAME { ... }");
            return;
        }
        Section t = section("[tracker " + s.args[0] + "]", origin_of(s), {"type = file", "mode = value"});
        std::string weight = "1";  // keepalived's default
        bool path = false;
        for (const auto& n : s.children) {
            origin_ = origin_of(n);
            if (n.keyword == "file") {
                // The file tracker takes an absolute path (what vigild -t checks).
                if (args(n, 1) && (n.args[0].empty() || n.args[0].front() != '/' || !ini_safe(n.args[0]))) {
                    refuse(n, "'" + n.args[0] + "' is not an absolute path vigil.conf can hold");
                } else if (n.args.size() == 1 && !n.block) {
                    put_last(t, "path", n.args[0]);
                    path = true;
                }
            } else if (n.keyword == "weight") {
                if (n.args.size() == 1) weight = n.args[0];
                else refuse(n, "expected one weight ('reverse' is not supported)");
            } else {
                refuse(n, "no file tracker equivalent");
            }
        }
        origin_ = t.origin;
        // As script and process: without its file there is no tracker (and
        // an instance tracking it is refused that track, not given a broken one).
        if (!path) {
            refuse(s, "no file");
            return;
        }
        put(t, "weight = " + weight);
        if (weight != "0") tracker_weighted_.insert(s.args[0]);
        defined_.insert(s.args[0]);
        trackers_.push_back(std::move(t));
    }

    void track_process(const Node& s) {
        if (s.args.size() != 1) {
            refuse(s, "expected vrrp_track_process NAME { ... }");
            return;
        }
        Section t = section("[tracker " + s.args[0] + "]", origin_of(s), {"type = process"});
        std::string process;
        bool full_command = false;
        std::vector<std::pair<std::string, std::string>> rest;  // line, origin
        const Node* terminate_delay = nullptr;                  // the statements whose value counts
        const Node* fork_delay = nullptr;
        std::optional<unsigned long> quorum, quorum_max;       // the last given counts
        for (const auto& n : s.children) {
            origin_ = origin_of(n);
            const auto& k = n.keyword;
            if (k == "process") {
                if (n.args.empty()) refuse(n, "no process");
                else process = join(n.args);
            } else if (k == "full_command") {
                full_command = true;
            } else if (k == "quorum" || k == "quorum_max") {
                // The process plugin's range (its own keys are not in the self-check).
                if (!args(n, 1)) continue;
                const auto& v = n.args[0];
                bool number = !v.empty() && v.size() <= 7 && v.find_first_not_of("0123456789") == std::string::npos;
                if (!number || std::stoul(v) > 1000000) refuse(n, "expected a count of processes (0-1000000)");
                else (k == "quorum" ? quorum : quorum_max) = std::stoul(v);

            } else if (k == "weight") {
                if (n.args.size() == 1 && n.args[0] != "0") tracker_weighted_.insert(s.args[0]);
                if (n.args.size() == 1) rest.push_back({"weight = " + n.args[0], origin_});
                else refuse(n, "expected one weight ('reverse' is not supported)");
            } else if (k == "delay" || k == "terminate_delay" || k == "fork_delay") {
                // keepalived: `delay` sets both, the others one each; the last given counts.
                if (!args(n, 1)) continue;
                auto micros = keepalived_micros(n.args[0]);
                if (!micros || *micros == 0 || *micros > 3600'000'000ull) {
                    put(t, "# " + n.where + ": " + k + " " + n.args[0] + " ignored, as keepalived ignores it (not a number of "
                           "seconds in 0.000001..3600)");
                    continue;
                }
                if (k != "fork_delay") terminate_delay = &n;
                if (k != "terminate_delay") fork_delay = &n;
            } else {
                refuse(n, "no process tracker equivalent");
            }
        }
        origin_ = t.origin;
        if (process.empty()) {
            refuse(s, "no process");
            return;
        }
        if (!ini_safe(process)) {
            refuse(s, "the process has a control character, ' ;' or ' #', which vigil.conf cannot hold");
            return;
        }
        if (quorum_max && *quorum_max < quorum.value_or(1)) {
            refuse(s, "quorum_max is below quorum (1 unless given)");
            return;
        }
        if (quorum_max) rest.insert(rest.begin(), {"max = " + std::to_string(*quorum_max), origin_});
        if (quorum) rest.insert(rest.begin(), {"min = " + std::to_string(*quorum), origin_});
        // keepalived matches the whole command line with full_command, else the
        // name the kernel keeps (15 characters).
        put(t, (full_command || process.find(' ') != std::string::npos ? "cmdline = " : "name = ") + process);
        for (auto& [line, from] : rest) {
            origin_ = from;
            put(t, line);
        }
        if (terminate_delay && terminate_delay == fork_delay) {
            origin_ = origin_of(*terminate_delay);
            seconds_key(t, "delay", *terminate_delay);
        } else {
            for (auto [key, from] : {std::pair{"terminate_delay", terminate_delay}, std::pair{"fork_delay", fork_delay}}) {
                if (!from) continue;
                origin_ = origin_of(*from);
                seconds_key(t, key, *from);
            }
        }
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
        Section s = section("[notifier " + name + "]", origin_, {"type = exec", "command = " + command});
        if (needs_shell(command)) put(s, "shell = yes");
        if (!user.empty()) put(s, "user = " + user);
        if (!events.empty()) put(s, "events = " + events);
        put(s, std::string("pass_args = ") + (pass_args ? "yes" : "no"));
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
        Section s = section("[notifier mail]", origin_, {"type = mail", "smtp_url = " + smtp_url_, "starttls = try"});
        put(s, "from = " + (mail_from_.empty() ? std::string("keepalived@localhost") : mail_from_));
        for (const auto& to : mail_to_) put(s, "to = " + to);
        put(s, "subject = [{host}] {kind} {name} is now {state}");
        if (!smtp_timeout_.empty()) put(s, "timeout = " + smtp_timeout_);
        notifiers_.push_back(std::move(s));
        return mail_name_;
    }

    // notify_* and smtp_alert, shared by instances and groups; false when `n`
    // is not one. `seen`: where each notify_* keyword of the section was first
    // given (keepalived keeps that one and ignores the later ones).
    bool notify_key(const Node& n, std::vector<std::string>& notify, std::map<std::string, std::string>& seen, Section& s) {
        static const std::map<std::string, std::string> per_state = {
            {"notify_master", "master"}, {"notify_backup", "backup"}, {"notify_fault", "fault"}, {"notify_stop", "stop"}};
        auto it = per_state.find(n.keyword);
        if (it != per_state.end() || n.keyword == "notify") {
            if (auto [first, fresh] = seen.emplace(n.keyword, n.where); !fresh) {
                put(s, "# " + n.where + ": " + n.keyword + " " + join(n.args) + ": ignored, as keepalived does: the " +
                           n.keyword + " at " + first->second + " counts");
                return true;
            }
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
            if (!user.empty() && !user_name(user)) {
                refuse(n, "'" + user + "' is not a user name");
                return true;
            }
            if (n.args.size() == 3) refuse(n, "the group argument (scripts run with the user's own groups)");
            if (!ini_safe(command)) {
                refuse(n, "the command has ' ;' or ' #' (or starts with one), which vigil.conf reads as a comment; put it in a file");
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

    // The address as inet_ntop writes it (so 2001:DB8::1 and 2001:db8::1 are
    // one), or the text itself when it is not one.
    static std::string normal_address(const std::string& text) {
        std::string addr = text.substr(0, text.find('/'));
        unsigned char bytes[16];
        char out[INET6_ADDRSTRLEN];
        int family = addr.find(':') != std::string::npos ? AF_INET6 : AF_INET;
        if (inet_pton(family, addr.c_str(), bytes) == 1 && inet_ntop(family, bytes, out, sizeof out)) return out;
        return addr;
    }

    // `key`: vip, or excluded_vip for virtual_ipaddress_excluded.
    void vip(const Node& n, Section& s, std::set<std::string>& seen, const std::string& key = "vip") {
        const char* block = key == "vip" ? "virtual_ipaddress" : "virtual_ipaddress_excluded";
        if (!seen.insert(normal_address(n.keyword)).second) {
            put(s, "# " + n.where + ": " + block + " " + n.keyword + " ignored: the address is a VIP already "
                   "(keepalived ignores the duplicate)");
            return;
        }
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
                refuse(n, std::string(block) + " option '" + w[i] + "' (vigil takes dev and label)");
                return;
            }
        }
        std::string line = key + " = " + addr;
        if (!dev.empty()) line += " dev " + dev;
        if (!label.empty()) line += " label " + label;
        put(s, line);
    }

    void instance(const Node& i) {
        if (i.args.size() != 1 || !i.block) {
            refuse(i, "expected vrrp_instance NAME { ... }");
            return;
        }
        Section s{"[instance " + i.args[0] + "]", origin_of(i), {}, {}};
        current_instance_ = &s;
        std::vector<std::string> track, track_if, notify;
        std::set<std::string> vips, peer_seen;  // addresses, to ignore a repeat as keepalived does
        std::map<std::string, std::string> notify_seen;
        bool master = false;
        const Node* auth = nullptr;
        bool in_sync_group = weightless_.count(i.args[0]) > 0;
        std::string version;
        bool ipv6 = false, vip_seen = false;
        bool version_seen = false, garp_repeat = false, garp_delay = false, garp_refresh = false;
        bool check_unicast_src = false;
        for (const auto& n : i.children) {
            origin_ = origin_of(n);
            const auto& k = n.keyword;
            // A scalar given twice: keepalived's last value counts (put_last),
            // but for `state`, where a MASTER is not undone by a later BACKUP.
            if (k == "interface") {
                if (args(n, 1)) put_last(s, "interface", n.args[0]);
            } else if (k == "state") {
                if (!args(n, 1)) continue;
                auto v = lower(n.args[0]);
                if (v == "backup" && master) put(s, "# " + n.where + ": state BACKUP ignored: keepalived keeps the MASTER given before");
                else if (v == "master" || v == "backup") put_last(s, "state", v);
                else refuse(n, "state must be MASTER or BACKUP");
                master |= v == "master";
            } else if (k == "virtual_router_id") {
                if (args(n, 1)) put_last(s, "vrid", n.args[0]);
            } else if (k == "priority") {
                if (args(n, 1)) put_last(s, "priority", n.args[0]);
            } else if (k == "advert_int") {
                if (args(n, 1)) put_last(s, "advert_int", n.args[0] + "s");
            } else if (k == "version" || k == "vrrp_version") {
                if (args(n, 1)) {
                    put_last(s, "version", n.args[0]);
                    version = n.args[0];
                }
                version_seen = true;
            } else if (k == "dont_track_primary") {
                put_last(s, "dont_track_primary", "yes");
            } else if (k == "nopreempt") {
                put_last(s, "preempt", "no");
            } else if (k == "preempt") {
                put_last(s, "preempt", "yes");
            } else if (k == "preempt_delay") {
                if (args(n, 1)) put_last(s, "preempt_delay", n.args[0] + "s");
            } else if (k == "v3_checksum_as_v2") {
                // keepalived's flag (2.2.8): the IPv4 VRRPv3 checksum without the pseudo-header, as RFC 9568 has it.
                bool on = n.args.empty() || lower(n.args[0]) == "true" || lower(n.args[0]) == "yes" || lower(n.args[0]) == "on";
                bool off = !n.args.empty() && (lower(n.args[0]) == "false" || lower(n.args[0]) == "no" || lower(n.args[0]) == "off");
                if (n.args.size() > 1 || (!on && !off)) refuse(n, "expected nothing, true or false");
                else put_last(s, "v3_checksum", on ? "rfc9568" : "pseudo-header");
            } else if (k == "skip_check_adv_addr") {
                put(s, "# skip_check_adv_addr: vigil never compares an advert's address list with its own");
            } else if (k == "authentication") {
                if (auth) refuse(n, "a second authentication block (keepalived keeps the last; check which is meant)");
                auth = &n;
            } else if (k == "virtual_ipaddress") {
                for (const auto& c : n.children) {
                    origin_ = origin_of(c);
                    if (!vip_seen) ipv6 = c.keyword.find(':') != std::string::npos;
                    vip_seen = true;
                    vip(c, s, vips);
                }
            } else if (k == "virtual_ipaddress_excluded") {
                // Held with the VIPs, not in the adverts: vigil's excluded_vip.
                for (const auto& c : n.children) {
                    origin_ = origin_of(c);
                    vip(c, s, vips, "excluded_vip");
                }
            } else if (k == "check_unicast_src") {
                put_last(s, "check_unicast_src", "yes");
                check_unicast_src = true;
            } else if (k == "unicast_src_ip" || k == "mcast_src_ip") {
                // One setting in keepalived (the advert's source, multicast or
                // unicast), as vigil's unicast_src; the last one counts.
                if (args(n, 1)) put_last(s, "unicast_src", n.args[0]);
            } else if (k == "unicast_peer") {
                for (const auto& c : n.children) {
                    origin_ = origin_of(c);
                    auto address = normal_address(c.keyword);
                    if (!c.args.empty()) refuse(c, "unicast_peer options (vigil takes addresses only)");
                    else if (!peer_seen.insert(address).second) put(s, "# " + c.where + ": unicast_peer " + c.keyword + " ignored: given before (keepalived ignores the duplicate)");
                    else put(s, "unicast_peer = " + c.keyword);
                }
            } else if (k == "track_interface") {
                for (const auto& c : n.children) {
                    if (c.args.empty()) add_unique(track_if, c.keyword);
                    else if (c.args.size() == 2 && c.args[0] == "weight" && in_sync_group) {
                        put(s, "# " + c.keyword + " weight " + c.args[1] +
                                          ": keepalived ignores the weight in a sync group (no sync_group_tracking_weight)");
                        add_unique(track_if, c.keyword);
                    } else if (c.args.size() == 2 && c.args[0] == "weight") add_unique(track_if, c.keyword + ":" + c.args[1]);
                    else refuse(c, "expected IF [weight N]");
                }
            } else if (k == "track_script" || k == "track_file" || k == "track_process") {
                for (const auto& c : n.children) {
                    origin_ = origin_of(c);
                    std::string ref = c.keyword;
                    if (!defined_.count(ref))
                        refuse(c, "'" + ref + "' is tracked but not defined (or was not imported)");
                    else if (c.args.empty() && in_sync_group && tracker_weighted_.count(ref))
                        refuse(c, "keepalived ignores a weighted tracker in a sync group without sync_group_tracking_weight");
                    else if (c.args.empty()) add_unique(track, ref);
                    else if (c.args.size() == 2 && c.args[0] == "weight" && in_sync_group && c.args[1] != "0")
                        refuse(c, "keepalived ignores a weighted tracker in a sync group without sync_group_tracking_weight");
                    else if (c.args.size() == 2 && c.args[0] == "weight") add_unique(track, ref + ":" + c.args[1]);
                    else refuse(c, "expected NAME [weight N] ('reverse' is not supported)");
                }
            } else if (k == "garp_master_repeat") {
                if (args(n, 1)) put(s, "garp_repeat = " + repeat_count(n));
                garp_repeat = true;
            } else if (k == "garp_master_delay") {
                if (args(n, 1)) put(s, "garp_delay = " + n.args[0] + "s");
                garp_delay = true;
            } else if (k == "garp_master_refresh") {
                if (args(n, 1)) put(s, "garp_refresh = " + n.args[0] + "s");
                garp_refresh = true;
            } else if (k == "garp_master_refresh_repeat") {
                refuse(n, "vigil's refresh sends garp_repeat messages per VIP; it has no count of its own");
            } else if (k == "garp_lower_prio_delay" || k == "garp_lower_prio_repeat") {
                refuse(n, "on hearing a lower priority vigil's master sends its garp_repeat burst and another after garp_delay "
                          "(keepalived's default for these); it has no count or delay of its own for it");
            } else if (k == "virtual_routes" || k == "virtual_rules") {
                bool tracked = false;
                for (const auto& c : n.children) {
                    origin_ = origin_of(c);
                    auto w = words_of(c);
                    bool written = k == "virtual_routes" ? route_line(c, "route", true) : rule_line(c, "rule", true);
                    tracked |= written && std::find(w.begin(), w.end(), "no_track") == w.end();
                }
                // keepalived leaves MASTER when a route or rule of the instance is
                // deleted behind its back (unless no_track); vigil does not watch them.
                if (tracked)
                    put(s, "# " + n.where + ": keepalived left MASTER when one of these " +
                               (k == "virtual_routes" ? "routes" : "rules") +
                               " was deleted behind its back; vigil does not watch them (as keepalived's no_track)");
            } else if (notify_key(n, notify, notify_seen, s)) {
            } else if (k == "use_vmac" || k == "vmac_xmit_base") {
                refuse(n, "vigil has no VMAC mode (a macvlan interface per instance); it cannot be tested on the kernels vigil's "
                          "tests run on, which have no macvlan");
            } else {
                refuse(n, "no instance equivalent");
            }
        }
        origin_ = s.origin;
        // The other way: keepalived (without check_unicast_src) takes unicast
        // adverts from any source; vigil, by default, only from the peers listed.
        if (!peer_seen.empty() && !check_unicast_src)
            put(s, "# keepalived took unicast adverts from any source (no check_unicast_src); vigil takes them only from "
                   "the unicast_peer addresses: check_unicast_src = no if a peer sends from another address");
        if (!version_seen && !default_version_.empty()) {
            put(s, "version = " + default_version_);
            version = default_version_;
        }
        if (version.empty() && ipv6) version = "3";  // keepalived's and vigil's default for IPv6
        if (auth && version == "3") refuse(*auth, "VRRPv3 has no authentication (keepalived ignores it too)");
        else if (auth) authentication(*auth, s);
        if (!garp_repeat && !default_garp_repeat_.empty()) put(s, "garp_repeat = " + default_garp_repeat_);
        if (!garp_delay && !default_garp_delay_.empty()) put(s, "garp_delay = " + default_garp_delay_ + "s");
        if (!garp_refresh && !default_garp_refresh_.empty()) put(s, "garp_refresh = " + default_garp_refresh_ + "s");
        if (!track.empty()) put(s, "track = " + join(track));
        if (!track_if.empty()) put(s, "track_interface = " + join(track_if));
        // Always written: an empty list keeps [global] notify from applying.
        put(s, "notify = " + join(notify));
        written_instances_.insert(i.args[0]);
        current_instance_ = nullptr;
        instances_.push_back(std::move(s));
    }

    void authentication(const Node& a, Section& s) {
        std::string type, pass;
        for (const auto& n : a.children) {
            origin_ = origin_of(n);
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
            put(s, "# auth_pass " + pass + " was longer than 8 characters; keepalived used the first 8");
            pass = pass.substr(0, 8);
        }
        put(s, "auth_pass = " + pass);
    }

    void sync_group(const Node& g) {
        if (g.args.size() != 1 || !g.block) {
            refuse(g, "expected vrrp_sync_group NAME { ... }");
            return;
        }
        Section s{"[group " + g.args[0] + "]", origin_of(g), {}, {}};
        std::vector<std::string> members, notify;
        std::map<std::string, std::string> notify_seen;
        const Node* group_block = nullptr;
        for (const auto& n : g.children) {
            origin_ = origin_of(n);
            if (n.keyword == "group" && group_block) {
                // keepalived: "Group list already specified", the block is skipped.
                put(s, "# " + n.where + ": a second group { } block ignored, as keepalived does (the one at " +
                           group_block->where + " counts)");
            } else if (n.keyword == "group") {
                group_block = &n;
                for (const auto& c : n.children) {
                    std::vector<std::string> names{c.keyword};
                    names.insert(names.end(), c.args.begin(), c.args.end());
                    for (const auto& name : names) member(s, g.args[0], name, c.where, members);
                }
            } else if (n.keyword == "sync_group_tracking_weight") {
                // weights kept as written (see weightless_)
            } else if (notify_key(n, notify, notify_seen, s)) {
            } else if (n.args.empty() && !n.block) {
                refuse(n, "not a sync group keyword: keepalived ignores it too (members go in group { ... })");
            } else {
                refuse(n, "no group equivalent");
            }
        }
        origin_ = s.origin;
        if (members.empty()) {
            // keepalived: "Sync group NAME has no members - removing".
            notes_.push_back("# " + g.where + ": vrrp_sync_group " + g.args[0] +
                             " has no member instance; keepalived drops such a group, and so did the import");
            return;
        }
        put(s, "instances = " + join(members));
        if (!notify.empty()) put(s, "notify = " + join(notify));
        groups_.push_back(std::move(s));
    }

    // One name of a group { } block, kept as keepalived keeps it: an instance
    // that exists (here: that was imported) and is in no other group yet.
    void member(Section& s, const std::string& group, const std::string& name, const std::string& where,
                std::vector<std::string>& members) {
        if (!written_instances_.count(name)) {
            put(s, "# " + where + ": " + name + " left out: no vrrp_instance " + name +
                       " was imported (keepalived ignores a member that does not exist)");
            return;
        }
        auto [it, fresh] = group_of_.emplace(name, group);
        if (!fresh && it->second == group) return;  // listed twice
        if (!fresh) {
            put(s, "# " + where + ": " + name + " left out: already in vrrp_sync_group " + it->second +
                       " (keepalived ignores it in any later group)");
            return;
        }
        members.push_back(name);
    }

    ImportResult& result_;
    Section global_{"[global]", "", {}, {}};
    std::vector<Section> instances_, groups_, trackers_, notifiers_;
    std::vector<std::string> mail_to_;
    std::string mail_from_, smtp_url_, smtp_timeout_, mail_name_;
    std::string default_version_, default_garp_repeat_, default_garp_delay_, default_garp_refresh_;
    std::map<std::string, std::string> exec_notifiers_;
    std::set<std::string> used_names_, defined_;
    std::map<std::string, std::string> defined_where_;  // tracker name -> where first defined
    std::vector<std::string> notes_;
    std::string origin_;  // the statement being translated: where the lines written now come from
    std::set<std::string> written_instances_;
    std::map<std::string, std::string> group_of_;  // instance -> its sync group
    bool script_user_seen_ = false;
    std::set<std::string> weightless_;        // instances in a sync group without sync_group_tracking_weight
    std::set<std::string> tracker_weighted_;  // trackers whose own weight is not 0
    bool exec_tracker_seen_ = false;
    Section* current_instance_ = nullptr;              // where route_line() and rule_line() write a virtual_* line
    std::map<const Node*, uint32_t> rule_priority_;    // keepalived's preference for a rule line naming none
    uint64_t startup_delay_micros_ = 0;                // the largest vrrp_startup_delay so far (keepalived keeps it)
};

}  // namespace

Translation translate(const std::vector<Node>& top, ImportResult& result) {
    Translator t(result);
    t.run(top);
    return t.take();
}

}  // namespace vigil::config::keepalived
