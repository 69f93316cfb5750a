// SPDX-License-Identifier: Apache-2.0
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

void Diagnostics::sort_by_location(const std::vector<std::string>& file_order) {
    auto rank = [&](const std::string& file) {
        return static_cast<size_t>(std::find(file_order.begin(), file_order.end(), file) - file_order.begin());
    };
    std::stable_sort(items_.begin(), items_.end(), [&](const Diagnostic& a, const Diagnostic& b) {
        auto ra = rank(a.where.file), rb = rank(b.where.file);
        return ra != rb ? ra < rb : a.where.line < b.where.line;
    });
}

size_t Diagnostics::error_count() const {
    return std::count_if(items_.begin(), items_.end(),
                         [](const Diagnostic& d) { return d.severity == Severity::Error; });
}

}  // namespace vigil::config
