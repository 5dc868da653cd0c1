#pragma once
// Checks over a whole loaded configuration that no single key can make: steps that can
// never send, templates a step needs in a locale, reminders that can never go out.
// Each finding points at the key to change (file:line:column). What is checked and why
// is listed in docs/flow-tools.md ("cxgate check").
#include "cxgate/config/config.hpp"

namespace cxgate::config {

void lint(const Config& config, Diagnostics& diagnostics);

// The longest stretch, in seconds, during which the window is closed (e.g. Friday 20:00
// to Monday 09:00 for mon-fri 09-20): the most a due time can be pushed by the window.
long long longest_closed_stretch(const timing::SendWindow& window);

}  // namespace cxgate::config
