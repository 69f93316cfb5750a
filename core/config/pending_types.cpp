// Key tables of the tracker and notifier types SPEC §2 defines whose plugins
// are not written yet (lua, mail, webhook). Each table moves
// into its plugin (plugins/<name>/) when the plugin lands; until then `vigild
// -t` checks their sections all the same, and the daemon logs that the type
// has no implementation in this build.
#include "config/type_schema.h"
#include "config/values.h"

namespace vigil::config {
namespace {

using K = ValueKind;

OptionSpec key(std::string name, ValueKind kind, bool required = false) {
    return OptionSpec{std::move(name), kind, required, false, 0, 0, {}};
}
OptionSpec repeatable(std::string name, ValueKind kind, bool required = false) {
    return OptionSpec{std::move(name), kind, required, true, 0, 0, {}};
}
OptionSpec choice(std::string name, std::vector<std::string> choices) {
    return OptionSpec{std::move(name), K::Choice, false, false, 0, 0, std::move(choices)};
}
OptionSpec url(std::string name, std::vector<std::string> schemes, bool required) {
    return OptionSpec{std::move(name), K::Url, required, false, 0, 0, std::move(schemes)};
}

}  // namespace

TypeRegistry pending_types() {
    TypeRegistry r;
    r.add_tracker_type({"lua", {}, {key("script", K::Path, true)}, true, {}});
    r.add_notifier_type({"mail",
                         {},
                         {url("smtp_url", {"smtp", "smtps"}, true), choice("starttls", {"no", "try", "required"}),
                          key("username", K::Text), key("password_file", K::Path), key("from", K::Text, true),
                          repeatable("to", K::Text, true), key("subject", K::Template), key("body", K::Template)},
                         false,
                         {}});
    r.add_notifier_type({"webhook",
                         {},
                         {url("url", {"http", "https"}, true), key("secret_file", K::Path),
                          repeatable("header", K::Header)},
                         false,
                         {}});
    r.add_notifier_type({"lua", {}, {key("script", K::Path, true)}, true, {}});
    return r;
}

}  // namespace vigil::config
