#pragma once
// The `server:` and `database:` sections of cxgate.yaml: where the daemon listens, what
// one request and one client may take, and the writer's queue. Defaults are in
// config.hpp; README.md ("Limits") explains each key.
#include <yaml-cpp/yaml.h>

#include "cxgate/config/config.hpp"
#include "cxgate/config/yaml_reader.hpp"

namespace cxgate::config {

void read_server(YamlReader& r, const YAML::Node& node, Config& c);
void read_database(YamlReader& r, const YAML::Node& node, Config& c);

}  // namespace cxgate::config
