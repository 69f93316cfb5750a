/* SPDX-License-Identifier: Apache-2.0 */
// Located config messages: every problem the loader finds becomes one of these,
// so `vigild -t` can print all of them as FILE:LINE: message.
#pragma once

#include <string>
#include <vector>

namespace vigil::config {

struct Location {
    std::string file;
    int line = 0;  // 1-based; 0 when the problem has no line (a missing file)
};

enum class Severity { Error, Warning };

struct Diagnostic {
    Severity severity = Severity::Error;
    Location where;
    std::string message;

    // "FILE:LINE: message" (errors) or "FILE:LINE: warning: message".
    std::string str() const;
};

class Diagnostics {
public:
    void error(const Location& where, std::string message);
    void warning(const Location& where, std::string message);

    const std::vector<Diagnostic>& all() const { return items_; }
    size_t error_count() const;
    size_t warning_count() const { return items_.size() - error_count(); }
    bool ok() const { return error_count() == 0; }
    // Orders by file (in the order given; others last), then line; stable.
    void sort_by_location(const std::vector<std::string>& file_order);

private:
    std::vector<Diagnostic> items_;
};

}  // namespace vigil::config
