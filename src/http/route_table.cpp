#include "cxgate/http/route_table.hpp"

#include <algorithm>
#include <stdexcept>

namespace cxgate::http {

namespace {

// "/a/b" -> {"a", "b"}; "/" -> {""}; "/a/" -> {"a", ""}. Empty for a target that is not
// a path ("*", "http://host/..."): nothing matches it.
std::vector<std::string_view> split_path(std::string_view path) {
    std::vector<std::string_view> parts;
    if (path.empty() || path.front() != '/') return parts;
    size_t start = 1;
    while (true) {
        auto slash = path.find('/', start);
        parts.push_back(
            path.substr(start, slash == std::string_view::npos ? path.npos : slash - start));
        if (slash == std::string_view::npos) break;
        start = slash + 1;
    }
    return parts;
}

bool is_capture(std::string_view segment) {
    return segment.size() > 2 && segment.front() == '{' && segment.back() == '}';
}

}  // namespace

const std::string& Target::param(const std::string& name) const {
    static const std::string none;
    auto it = params.find(name);
    return it == params.end() ? none : it->second;
}

const std::string& Target::query_value(const std::string& name) const {
    static const std::string none;
    auto it = query.find(name);
    return it == query.end() ? none : it->second;
}

void RouteTable::add(std::initializer_list<beast_http::verb> methods, std::string_view pattern,
                     Handler handler) {
    auto parts = split_path(pattern);
    if (parts.empty() || methods.size() == 0 || !handler)
        throw std::invalid_argument("route " + std::string(pattern) + ": bad pattern or no method");
    Route route{std::string(pattern), methods, {}, std::move(handler)};
    for (auto part : parts) {
        if (part.find_first_of("{}") != std::string_view::npos && !is_capture(part))
            throw std::invalid_argument("route " + std::string(pattern) + ": bad capture");
        route.segments.emplace_back(part);
    }
    routes_.push_back(std::move(route));
}

RouteTable::Match RouteTable::match(beast_http::verb method, std::string_view path) const {
    const auto parts = split_path(path);
    Match found;
    std::vector<beast_http::verb> allowed;
    for (const auto& route : routes_) {
        if (route.segments.size() != parts.size()) continue;
        std::map<std::string, std::string> params;
        bool matches = true;
        for (size_t i = 0; matches && i < parts.size(); ++i) {
            const auto& segment = route.segments[i];
            if (is_capture(segment))
                matches = !parts[i].empty() &&
                          params.emplace(segment.substr(1, segment.size() - 2), parts[i]).second;
            else
                matches = segment == parts[i];
        }
        if (!matches) continue;
        if (std::find(route.methods.begin(), route.methods.end(), method) != route.methods.end()) {
            found.handler = &route.handler;
            found.params = std::move(params);
            found.pattern = route.pattern;
            return found;
        }
        allowed.insert(allowed.end(), route.methods.begin(), route.methods.end());
    }
    // Beast's verb order puts GET before HEAD before POST, the order people write them.
    std::sort(allowed.begin(), allowed.end());
    allowed.erase(std::unique(allowed.begin(), allowed.end()), allowed.end());
    for (auto verb : allowed) {
        if (!found.allow.empty()) found.allow += ", ";
        found.allow += beast_http::to_string(verb);
    }
    return found;
}

}  // namespace cxgate::http
