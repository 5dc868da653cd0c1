// The member functions of config.hpp's structs: lookups on a loaded Config.
#include "cxgate/config/config.hpp"

#include <algorithm>

#include "cxgate/foundation/crypto.hpp"

namespace cxgate::config {

ApiToken ApiToken::from_value(std::string value, unsigned scopes) {
    ApiToken t;
    t.sha256 = crypto::sha256_hex(value);
    t.value = std::move(value);
    t.scopes = scopes;
    return t;
}

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

std::string Sales::kind_of(const std::string& event_type) const {
    auto in = [&](const std::vector<std::string>& types) {
        return std::find(types.begin(), types.end(), event_type) != types.end();
    };
    if (in(won)) return "won";
    if (in(lost)) return "lost";
    if (in(leads)) return "lead";
    return "";
}

std::string Config::team_of(const std::string& staff_id) const {
    if (staff_id.empty()) return "";
    auto it = staff.find(staff_id);
    if (it == staff.end()) return "";
    return it->second.lead.empty() ? staff_id : it->second.lead;
}

std::vector<std::string> Config::team_members(const std::string& team) const {
    std::vector<std::string> out;
    for (const auto& [id, _] : staff)
        if (team_of(id) == team) out.push_back(id);
    return out;
}

const Flow* Config::find_flow(const std::string& name) const {
    for (const auto& f : flows)
        if (f.name == name) return &f;
    return nullptr;
}

const std::string& Config::locale_of(const std::string& recipient) const {
    if (auto it = staff.find(recipient); it != staff.end() && !it->second.locale.empty())
        return it->second.locale;
    if (auto it = alert_targets.find(recipient);
        it != alert_targets.end() && !it->second.locale.empty())
        return it->second.locale;
    return defaults.locale;
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
