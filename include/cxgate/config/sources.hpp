#pragma once
// The `sources:` section of cxgate.yaml: CRM webhooks mapped to events. See
// docs/flow-tools.md for the syntax and engine/source_mapping.hpp for the semantics.
#include <yaml-cpp/yaml.h>

#include "cxgate/config/config.hpp"
#include "cxgate/config/yaml_reader.hpp"

namespace cxgate::config {

// Reads every source into c.sources; each problem is reported with its position.
void read_sources(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace cxgate::config
