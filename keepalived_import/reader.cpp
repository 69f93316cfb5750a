// SPDX-License-Identifier: Apache-2.0
#include "keepalived_import/reader.h"

#include <fcntl.h>
#include <glob.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <sstream>

namespace vigil::config::keepalived {
namespace {

// A line grown past this by substitution is a definition that refers to
// itself ($A=x $A): keepalived gives up on such a line too.
constexpr size_t kMaxSubstitutedLine = 64 * 1024;

bool name_start(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_'; }
bool name_char(char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; }

std::string file_kind(mode_t mode) {
    if (S_ISDIR(mode)) return "is a directory";
    if (S_ISFIFO(mode)) return "is a FIFO, not a regular file";
    if (S_ISCHR(mode) || S_ISBLK(mode)) return "is a device, not a regular file";
    if (S_ISSOCK(mode)) return "is a socket, not a regular file";
    return "is not a regular file";
}

std::string too_big() { return "is larger than " + std::to_string(kMaxFileBytes >> 20) + " MiB (not a keepalived.conf)"; }

// keepalived's comments start at '!' or '#' outside double quotes.
std::string strip_comment(const std::string& raw) {
    bool quoted = false;
    for (size_t i = 0; i < raw.size(); ++i) {
        if (raw[i] == '"') quoted = !quoted;
        else if (!quoted && (raw[i] == '!' || raw[i] == '#')) return raw.substr(0, i);
    }
    return raw;
}

std::string trim(const std::string& s) {
    auto b = s.find_first_not_of(" \t\r");
    if (b == std::string::npos) return "";
    auto e = s.find_last_not_of(" \t\r");
    return s.substr(b, e - b + 1);
}

std::string why_unresolved(const std::string& word) {
    if (!parameter_in(word).empty())
        return "keepalived parameter " + parameter_in(word) +
               " has no single-line $NAME=VALUE definition before it in this configuration, so its value is unknown "
               "here (a shell variable in a command: move the command into a script file)";
    if (!word.empty() && word[0] == '@') return "@conditional lines depend on keepalived's -i config id; write the chosen lines out";
    return "~SEQ and ~LST are not expanded; write the values out";
}

}  // namespace

std::string parameter_in(const std::string& text) {
    for (size_t i = text.find('$'); i != std::string::npos; i = text.find('$', i + 1)) {
        size_t name = i + 1 + (i + 1 < text.size() && text[i + 1] == '{');
        if (name < text.size() && name_start(text[name])) {
            size_t end = name;
            while (end < text.size() && name_char(text[end])) ++end;
            return text.substr(i, end - i) + (name > i + 1 && end < text.size() && text[end] == '}' ? "}" : "");
        }
    }
    return "";
}

std::string read_regular_file(const std::string& path, std::string& text) {
    text.clear();
    // stat first: a FIFO or a device is never opened at all; fstat below
    // checks what was really opened (the path may have changed in between).
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return std::string("cannot read: ") + std::strerror(errno);
    if (!S_ISREG(st.st_mode)) return file_kind(st.st_mode);
    if (static_cast<unsigned long long>(st.st_size) > kMaxFileBytes) return too_big();
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
    if (fd < 0) return std::string("cannot read: ") + std::strerror(errno);
    std::string problem;
    if (fstat(fd, &st) != 0) problem = std::string("cannot read: ") + std::strerror(errno);
    else if (!S_ISREG(st.st_mode)) problem = file_kind(st.st_mode);
    char buf[65536];
    while (problem.empty()) {
        ssize_t n = read(fd, buf, sizeof buf);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) problem = std::string("cannot read: ") + std::strerror(errno);
        if (n <= 0) break;
        if (text.size() + static_cast<size_t>(n) > kMaxFileBytes) problem = too_big();  // it grew while read
        else text.append(buf, static_cast<size_t>(n));
    }
    close(fd);
    if (!problem.empty()) text.clear();
    return problem;
}

// `$NAME=VALUE` alone on its line (only blanks before the '$', none before
// the '='): keepalived's parameter definition. True when `raw` is one.
bool Reader::definition(const std::string& raw, const std::string& where) {
    std::string line = trim(strip_comment(raw));
    if (line.size() < 3 || line[0] != '$' || !name_start(line[1])) return false;
    size_t end = 2;
    while (end < line.size() && name_char(line[end])) ++end;
    if (end >= line.size() || line[end] != '=') return false;
    std::string name = line.substr(1, end - 1);
    std::string value = trim(line.substr(end + 1));
    if (!value.empty() && value.back() == '\\') {
        // A multi-line definition is a macro of whole statements: its uses
        // stay unresolved, so whatever holds them is reported.
        parameters_.erase(name);
        in_multiline_definition_ = true;
        result_.not_imported.push_back(where + ": '$" + name + "' not imported: multi-line parameter definitions are not expanded");
        return true;
    }
    parameters_[name] = value;  // keepalived: a later definition replaces the earlier from there on
    return true;
}

// keepalived's substitution: `${NAME}` anywhere, `$NAME` before a blank, ',',
// ')' or the end of the line, with the value in force at this line; the
// result is scanned again, so a value may itself hold parameters.
std::string Reader::substitute(const std::string& raw, const std::string& where) {
    if (parameters_.empty() || raw.find('$') == std::string::npos) return raw;
    std::string line = raw;
    size_t at = 0;
    while ((at = line.find('$', at)) != std::string::npos && at + 1 < line.size()) {
        bool braces = line[at + 1] == '{';
        size_t name = at + 1 + braces, end = name;
        while (end < line.size() && name_char(line[end])) ++end;
        bool fits = end > name && name_start(line[name]) &&
                    (braces ? end < line.size() && line[end] == '}'
                            : end == line.size() || std::strchr(" \t,)\r", line[end]) != nullptr);
        auto it = fits ? parameters_.find(line.substr(name, end - name)) : parameters_.end();
        if (it == parameters_.end()) {
            ++at;
            continue;
        }
        line.replace(at, end + braces - at, it->second);
        if (line.size() > kMaxSubstitutedLine) {
            result_.errors.push_back(where + ": parameter substitution does not end (a definition refers to itself?)");
            return "";
        }
    }
    return line;
}

void Reader::read_text(const std::string& text, const std::string& name, const std::string& base_dir, int depth) {
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
        if (in_multiline_definition_) {
            std::string rest = trim(raw);
            in_multiline_definition_ = !rest.empty() && rest.back() == '\\';
            continue;
        }
        if (definition(raw, where)) continue;
        Line line{split(substitute(raw, where), where), where, {}};
        if (line.words.empty()) continue;
        for (const auto& w : line.words) {
            bool conditional = !w.quoted && !w.text.empty() && w.text[0] == '@';
            bool sequence = w.text.rfind("~SEQ", 0) == 0 || w.text.rfind("~LST", 0) == 0;
            if (conditional || sequence || !parameter_in(w.text).empty()) {
                line.unresolved = w.text;
                break;
            }
        }
        if (line.words[0].text == "include" && !line.words[0].quoted) {
            if (!line.unresolved.empty()) {
                result_.not_imported.push_back(where + ": 'include' not imported: " + why_unresolved(line.unresolved));
            } else if (line.words.size() != 2) {
                result_.errors.push_back(where + ": include takes one file or pattern");
            } else {
                include(line.words[1].text, base_dir, where, depth);
            }
            continue;
        }
        lines_.push_back(std::move(line));
    }
}

bool Reader::read_file(const std::string& path, const std::string& where, int depth) {
    char* real = realpath(path.c_str(), nullptr);
    std::string canonical = real ? real : path;
    free(real);
    for (const auto& open : include_stack_) {
        if (open == canonical) {
            result_.errors.push_back(where + ": include of " + path + " loops back to a file being read");
            return false;
        }
    }
    std::string text;
    if (auto problem = read_regular_file(path, text); !problem.empty()) {
        // "cannot read PATH: why", "PATH is a directory", ...
        bool unreadable = problem.rfind("cannot read: ", 0) == 0;
        result_.errors.push_back((where.empty() ? "" : where + ": ") +
                                 (unreadable ? "cannot read " + path + ": " + problem.substr(13) : path + " " + problem));
        return false;
    }
    auto slash = path.rfind('/');
    include_stack_.push_back(canonical);
    read_text(text, path, slash == std::string::npos ? "." : path.substr(0, slash), depth);
    include_stack_.pop_back();
    return true;
}

std::vector<Node> Reader::tree() {
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
                stack.back()->push_back(Node{w.text, {}, {}, false, line.where, {}, line.unresolved});
                current = &stack.back()->back();
            } else {
                current->args.push_back(w.text);
                current->quoted.push_back(w.quoted);
            }
        }
    }
    if (!opened.empty()) result_.errors.push_back(opened.back() + ": block not closed by the end of the input");
    drop_unresolved(top);
    return top;
}

void Reader::drop_unresolved(std::vector<Node>& nodes) {
    std::vector<Node> kept;
    for (auto& n : nodes) {
        if (!n.unresolved.empty()) {
            result_.not_imported.push_back(n.where + ": '" + n.keyword + "' not imported" +
                                           (n.block ? " (with its block)" : "") + ": " + why_unresolved(n.unresolved));
            continue;
        }
        drop_unresolved(n.children);
        kept.push_back(std::move(n));
    }
    nodes = std::move(kept);
}

std::vector<Word> Reader::split(const std::string& raw, const std::string& where) {
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
            // (keepalived's comments start anywhere outside quotes); a ${NAME}
            // left unresolved keeps its braces so the structure survives.
            size_t j = i;
            while (j < raw.size() && raw[j] != ' ' && raw[j] != '\t' && raw[j] != '\r' && raw[j] != '"' && raw[j] != '!' &&
                   raw[j] != '#' && raw[j] != '{' && raw[j] != '}') {
                if (raw[j] == '$' && j + 1 < raw.size() && raw[j + 1] == '{') {
                    auto close = raw.find('}', j);
                    j = close == std::string::npos ? raw.size() : close + 1;
                } else {
                    ++j;
                }
            }
            words.push_back({raw.substr(i, j - i), false});
            i = j;
        }
    }
    return words;
}

void Reader::include(const std::string& pattern, const std::string& base_dir, const std::string& where, int depth) {
    if (depth >= 8) {
        result_.errors.push_back(where + ": includes nested more than 8 deep");
        return;
    }
    std::string full = pattern.empty() || pattern[0] == '/' ? pattern : base_dir + "/" + pattern;
    glob_t g{};
    int rc = glob(full.c_str(), GLOB_BRACE | GLOB_TILDE, nullptr, &g);
    if (rc == GLOB_NOMATCH) {
        // keepalived carries on without a missing include; say so anyway.
        result_.not_imported.push_back(where + ": include " + pattern + " matches no file");
    } else if (rc != 0) {
        result_.errors.push_back(where + ": include " + pattern + ": cannot expand");
    } else {
        for (size_t i = 0; i < g.gl_pathc; ++i) read_file(g.gl_pathv[i], where, depth + 1);
    }
    globfree(&g);
}

}  // namespace vigil::config::keepalived
