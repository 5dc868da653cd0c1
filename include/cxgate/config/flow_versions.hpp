#pragma once
// Surveys keep the flow version they were created with. A survey row stores its flow's
// name and version (a hash of the flow file); reminders, expiry, send windows and alert
// rules are looked up with Config::flow_for(name, version). On reload the new Config
// inherits the old one's retired flows and adds every flow whose version changed or
// disappeared, so a survey scheduled before a reload goes on with its own definition.
//
// The registry lives in memory: after a restart only the current files are known and a
// survey whose version is gone falls back to the current flow of the same name (its row
// still carries what was fixed at creation: metric, scale, channels, due and expiry
// times, the number of reminders).
#include <memory>

#include "cxgate/config/config.hpp"

namespace cxgate::config {

// `next` with every flow of `previous` (current and retired) that `next` does not have
// under the same name and version. Retired versions are dropped once `keep` of them
// exist for one flow name (oldest first), which bounds memory across many reloads.
std::shared_ptr<Config> carry_forward(const Config& previous, std::shared_ptr<Config> next,
                                      size_t keep = 32);

}  // namespace cxgate::config
