// Key tables of the tracker and notifier types SPEC §2 defines whose plugins
// are not written yet (lua). Each table moves
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

}  // namespace

TypeRegistry pending_types() {
    TypeRegistry r;
    r.add_tracker_type({"lua", {}, {key("script", K::Path, true)}, true, {}});
    r.add_notifier_type({"lua", {}, {key("script", K::Path, true)}, true, {}});
    return r;
}

}  // namespace vigil::config
