#pragma once
// Checks over a whole loaded configuration that no single key can make: steps that can
// never send, templates a step needs in a locale, reminders that can never go out.
// Each finding points at the key to change (file:line:column). What is checked and why
// is listed in docs/flow-tools.md ("cxgate check").
#include <map>
#include <string>

#include "cxgate/config/config.hpp"

namespace YAML {
class Node;
}

namespace cxgate::config {

// `parsed`: each flow file's YAML as the loader parsed it, by Flow::file; a flow not in it is
// read and parsed again (parsing every file twice was a third of a reload, issue 15).
void lint(const Config& config, Diagnostics& diagnostics,
          const std::map<std::string, YAML::Node>* parsed = nullptr);

// The longest stretch, in seconds, during which the window is closed (e.g. Friday 20:00
// to Monday 09:00 for mon-fri 09-20): the most a due time can be pushed by the window.
long long longest_closed_stretch(const timing::SendWindow& window);

}  // namespace cxgate::config
