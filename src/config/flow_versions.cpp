#include "cxgate/config/flow_versions.hpp"

#include <set>

namespace cxgate::config {

namespace {
std::string key(const Flow& flow) {
    return flow.name + "@" + flow.version;
}
}  // namespace

const Flow* Config::flow_for(const std::string& name, const std::string& version) const {
    const Flow* current = find_flow(name);
    if (current && (version.empty() || current->version == version)) return current;
    auto it = retired_flows.find(name + "@" + version);
    if (it != retired_flows.end()) return it->second.get();
    return current;
}

std::shared_ptr<Config> carry_forward(const Config& previous, std::shared_ptr<Config> next,
                                      size_t keep) {
    std::set<std::string> live;
    for (const auto& flow : next->flows) live.insert(key(flow));
    auto retired = previous.retired_flows;
    for (const auto& flow : previous.flows)
        if (!live.count(key(flow)) && !retired.count(key(flow)))
            retired[key(flow)] = std::make_shared<const Flow>(flow);
    for (const auto& k : live) retired.erase(k);
    // Bound: past `keep` versions of one flow, versions retired by an earlier reload go
    // first (the map does not record their order among themselves).
    std::map<std::string, size_t> per_name;
    for (const auto& [k, flow] : retired) per_name[flow->name]++;
    for (auto it = retired.begin(); it != retired.end();) {
        auto& count = per_name[it->second->name];
        if (count > keep && previous.retired_flows.count(it->first)) {
            --count;
            it = retired.erase(it);
        } else {
            ++it;
        }
    }
    next->retired_flows = std::move(retired);
    return next;
}

}  // namespace cxgate::config
