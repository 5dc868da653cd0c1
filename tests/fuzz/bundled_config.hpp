#pragma once
// The bundled cxgate.yaml and flows, as `cxgate check` loads them without the service's
// secrets: the configuration several fuzz targets run their inputs against.
#include <cstdlib>
#include <memory>
#include <string>

#include "cxgate/config/config.hpp"

namespace cxgate::fuzz {

inline std::shared_ptr<const config::Config> bundled_config() {
    auto loaded = config::load(std::string(CXGATE_SOURCE_DIR) + "/cxgate.yaml",
                               config::LoadOptions{.need_secrets = false});
    if (!loaded.config) std::abort();
    return loaded.config;
}

}  // namespace cxgate::fuzz
