#pragma once
#include <string>

namespace cxgate::cli {

struct ServeOptions {
    std::string config_file;
    std::string listen;  // overrides server.listen
    std::string db;      // overrides database.path
    std::string now;     // ISO 8601: the clock starts at this instant
    bool manual_clock = false;
};

int serve(const ServeOptions& options);

}  // namespace cxgate::cli
