#include "cxgate/config/server_section.hpp"
#include "cxgate/config/keys.hpp"

#include <cctype>
#include <cstdint>
#include <map>

namespace cxgate::config {

namespace {

// A timeout in whole seconds: elapsed time between 1 s and 1 h. Zero would close every
// connection at once and an hour is no longer a defence.
std::optional<std::chrono::seconds> timeout(YamlReader& r, const YAML::Node& node,
                                            const std::string& key) {
    auto d = r.delay(node, key);
    if (!d) return std::nullopt;
    using U = timing::Delay::Unit;
    const long long unit = d->unit == U::seconds   ? 1
                           : d->unit == U::minutes ? 60
                           : d->unit == U::hours   ? 3600
                                                   : 0;
    const long long seconds = unit * d->amount;
    if (seconds < 1 || seconds > 3600) {
        r.error(node[key], "\"" + key + "\" must be elapsed time from 1s to 1h (e.g. 10s), got \"" +
                               timing::to_string(*d) + "\"");
        return std::nullopt;
    }
    return std::chrono::seconds{seconds};
}

}  // namespace

void read_server(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"server\"")) return;
    r.check_keys(node, keys::server.keys, "\"server\"");
    if (auto v = r.string(node, "listen")) c.server.listen = *v;
    if (auto v = r.string(node, "public_url")) c.server.public_url = *v;
    if (auto v = r.integer(node, "max_body_bytes", 1024, 16 * 1024 * 1024))
        c.server.max_body_bytes = *v;
    if (auto v = r.integer(node, "max_connections", 1, 100000)) c.server.max_connections = *v;
    if (auto v = r.integer(node, "max_connections_per_address", 0, 100000))
        c.server.max_connections_per_address = *v;
    if (auto v = timeout(r, node, "header_timeout")) c.server.header_timeout = *v;
    if (auto v = timeout(r, node, "idle_timeout")) c.server.idle_timeout = *v;
    if (auto v = timeout(r, node, "shutdown_grace")) c.server.shutdown_grace = *v;
}

// "512MB", "2GB", "1TB" (powers of 1024) or a number of bytes.
std::optional<std::uint64_t> read_size(YamlReader& r, const YAML::Node& node,
                                       const std::string& key) {
    auto text = r.string(node, key);
    if (!text) return std::nullopt;
    std::uint64_t value = 0;
    size_t i = 0;
    while (i < text->size() && std::isdigit(static_cast<unsigned char>((*text)[i])) &&
           value < (1ULL << 50))
        value = value * 10 + static_cast<std::uint64_t>((*text)[i++] - '0');
    const std::string unit = text->substr(i);
    const std::map<std::string, std::uint64_t> units = {
        {"", 1}, {"KB", 1ULL << 10}, {"MB", 1ULL << 20}, {"GB", 1ULL << 30}, {"TB", 1ULL << 40}};
    const auto found = units.find(unit);
    if (i == 0 || found == units.end() || value > (1ULL << 50) / found->second ||
        value * found->second < (1ULL << 20)) {
        r.error(node[key], "\"" + key +
                               "\": expected a size of at least 1MB such as 512MB or 2GB, got \"" +
                               *text + "\"");
        return std::nullopt;
    }
    return value * found->second;
}

void read_database(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"database\"")) return;
    r.check_keys(node, keys::database.keys, "\"database\"");
    c.store.max_size = read_size(r, node, "max_size");
    if (auto v = r.string(node, "path")) c.store.path = *v;
    if (auto v = r.integer(node, "write_queue", 16, 1000000)) c.store.write_queue = *v;
    if (auto v = r.integer(node, "max_batch", 1, 100000)) c.store.max_batch = *v;
}

}  // namespace cxgate::config
