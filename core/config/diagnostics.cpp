#include "config/diagnostics.h"

#include <algorithm>

namespace vigil::config {

std::string Diagnostic::str() const {
    std::string s = where.file;
    if (where.line > 0) s += ":" + std::to_string(where.line);
    s += ": ";
    if (severity == Severity::Warning) s += "warning: ";
    return s + message;
}

void Diagnostics::error(const Location& where, std::string message) {
    items_.push_back({Severity::Error, where, std::move(message)});
}

void Diagnostics::warning(const Location& where, std::string message) {
    items_.push_back({Severity::Warning, where, std::move(message)});
}

size_t Diagnostics::error_count() const {
    return std::count_if(items_.begin(), items_.end(),
                         [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace vigil::config
