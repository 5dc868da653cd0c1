// What the commands share (command_support.hpp).
#include "cxgate/cli/command_support.hpp"

#include <chrono>

#include <cstdlib>
#include <iostream>

#include "cxgate/cli/http_client.hpp"

namespace cxgate::cli {

std::shared_ptr<const config::Config> load_or_report(const std::string& file) {
    auto loaded = config::load(file, config::LoadOptions{.need_secrets = false});
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        std::cerr << "cxgate: " << file << " has errors (run `cxgate check`)\n";
    }
    return loaded.config;
}

std::string base_url(const config::Config& config, const std::string& override_url) {
    if (!override_url.empty()) return override_url;
    return "http://" + config.server.listen;
}

std::string api_token(const config::Config& config, const std::string& given) {
    if (!given.empty()) return given;
    if (const char* env = std::getenv("CXGATE_API_TOKEN"); env && *env) return env;
    for (const auto& t : config.api_tokens)
        if (!t.value.empty()) return t.value;
    return "";
}

int post_json(const std::string& url, const std::string& token, const std::string& body,
              bool quiet) {
    auto result = http_request(
        "POST", url, body, {"Content-Type: application/json", "Authorization: Bearer " + token});
    if (!result.error.empty()) {
        std::cerr << "cxgate: " << url << ": " << result.error << " (is `cxgate serve` running?)\n";
        return 1;
    }
    if (!quiet || result.status >= 300) std::cout << result.body << "\n";
    if (result.status >= 300) {
        std::cerr << "cxgate: HTTP " << result.status << "\n";
        return 1;
    }
    return 0;
}

long long now_seconds() {
    return std::chrono::duration_cast<std::chrono::seconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
}

}  // namespace cxgate::cli
