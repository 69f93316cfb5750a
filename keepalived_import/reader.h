/* SPDX-License-Identifier: Apache-2.0 */
// Reading keepalived.conf for the importer: files and includes (regular files
// only, each at most kMaxFileBytes), keepalived's `$NAME=VALUE` parameters,
// and the statements as a tree. Nothing here knows what a keyword means.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <vector>

#include "keepalived_import/keepalived_import.h"

namespace vigil::config::keepalived {

// A keepalived.conf larger than this is not a configuration: refused before
// it is read (keepalived's own files are a few KiB).
constexpr size_t kMaxFileBytes = 4u << 20;

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
    // A word of its line keepalived would expand at run time ($NAME left
    // unresolved, @conditional, ~SEQ): the statement is not imported.
    std::string unresolved;
};

struct Line {
    std::vector<Word> words;
    std::string where;
    std::string unresolved;  // the first word holding what cannot be expanded here
};

// Reads a regular file of at most kMaxFileBytes into `text`; on failure
// returns why ("is a directory", ...) and leaves `text` empty. A FIFO or a
// device is refused without being read (opened non-blocking, then checked).
std::string read_regular_file(const std::string& path, std::string& text);

class Reader {
public:
    explicit Reader(ImportResult& result) : result_(result) {}

    void read_text(const std::string& text, const std::string& name, const std::string& base_dir, int depth);
    bool read_file(const std::string& path, const std::string& where, int depth);

    // The statements of every line read, as a tree; statements holding an
    // unresolved word are reported and left out with their blocks.
    std::vector<Node> tree();

private:
    bool definition(const std::string& raw, const std::string& where);
    std::string substitute(const std::string& raw, const std::string& where);
    std::vector<Word> split(const std::string& raw, const std::string& where);
    void include(const std::string& pattern, const std::string& base_dir, const std::string& where, int depth);
    void drop_unresolved(std::vector<Node>& nodes);

    ImportResult& result_;
    std::vector<Line> lines_;
    std::vector<std::string> include_stack_;         // realpaths being read, to refuse a cycle
    std::map<std::string, std::string> parameters_;  // $NAME=VALUE as defined so far
    bool in_multiline_definition_ = false;           // its continuation lines are skipped
};

// "$NAME" or "${NAME" in `text` as keepalived would read a parameter
// (NAME starts with a letter or '_'); "" when there is none.
std::string parameter_in(const std::string& text);

}  // namespace vigil::config::keepalived
