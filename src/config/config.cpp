// The member functions of config.hpp's structs: lookups on a loaded Config.
#include "cxgate/config/config.hpp"

namespace cxgate::config {

bool AlertRule::matches(int score) const {
    if (op == "<") return score < threshold;
    if (op == "<=") return score <= threshold;
    if (op == ">") return score > threshold;
    if (op == ">=") return score >= threshold;
    if (op == "==") return score == threshold;
    if (op == "!=") return score != threshold;
    return false;
}

const Step* Flow::find_step(const std::string& id) const {
    for (const auto& s : steps)
        if (s.id == id) return &s;
    return nullptr;
}

const Flow* Config::find_flow(const std::string& name) const {
    for (const auto& f : flows)
        if (f.name == name) return &f;
    return nullptr;
}

const ChannelConfig* Config::find_channel(const std::string& name) const {
    auto it = channels.find(name);
    return it == channels.end() ? nullptr : &it->second;
}

const ChannelConfig* Config::first_channel(ChannelKind kind) const {
    for (const auto& [name, channel] : channels)
        if (channel.kind == kind) return &channel;
    return nullptr;
}

}  // namespace cxgate::config
