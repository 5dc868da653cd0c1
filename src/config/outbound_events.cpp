// `outbound_events:` in cxgate.yaml: the receivers of survey and alert events (a CRM's
// endpoint, an in-house service), each posted to with cxgate's signed-webhook headers.
//
//   outbound_events:
//     crm:
//       url: ${CRM_EVENTS_URL}
//       secret: ${CRM_EVENTS_SECRET}
//       events: [survey.answered, alert.resolved]   # default: all four
//       flows: [after-meeting]                       # default: every flow
#include <algorithm>

#include "cxgate/config/keys.hpp"
#include "loader.hpp"

namespace cxgate::config {

const std::vector<std::string>& outbound_event_types() {
    static const std::vector<std::string> all{"survey.answered", "survey.commented", "alert.opened",
                                              "alert.resolved"};
    return all;
}

namespace detail {

namespace {

// The secret signs what a CRM will act on, so it is held to what `sources:` secrets are:
// from the environment, never the file, and long enough not to be guessed.
std::string read_secret(YamlReader& r, const YAML::Node& body, const std::string& where) {
    const YAML::Node node = body["secret"];
    if (!node) {
        r.error(body, where + ": missing required key \"secret\"");
        return {};
    }
    if (node.IsScalar() && node.Scalar().find("${") == std::string::npos) {
        r.error(node, where + ": \"secret\" is a secret; write it as ${ENV_VAR}, not in the file");
        return {};
    }
    auto value = r.string(body, "secret");
    if (value && r.need_secrets() && value->size() < 16)
        r.error(node, where + ": \"secret\" must be at least 16 characters");
    return value.value_or("");
}

std::set<std::string> read_names(YamlReader& r, const YAML::Node& body, const std::string& key,
                                 const std::set<std::string>& known, const std::string& where,
                                 const std::string& what) {
    std::set<std::string> out;
    auto list = r.string_list(body, key);
    if (!list) return out;
    if (list->empty()) r.error(body[key], where + ": \"" + key + "\" names none; leave it out");
    for (const auto& name : *list) {
        if (!known.count(name)) {
            auto hint = closest(name, known);
            r.error(body[key], where + ": unknown " + what + " \"" + name + "\"" +
                                   (hint ? " (did you mean \"" + *hint + "\"?)" : ""));
            continue;
        }
        out.insert(name);
    }
    return out;
}

}  // namespace

void read_outbound_events(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"outbound_events\"")) return;
    const auto& types = outbound_event_types();
    const std::set<std::string> all_types(types.begin(), types.end());
    std::set<std::string> flow_names;
    for (const auto& flow : c.flows) flow_names.insert(flow.name);
    for (auto it = node.begin(); it != node.end(); ++it) {
        OutboundReceiver receiver;
        receiver.name = it->first.Scalar();
        receiver.line = it->first.Mark().line + 1;
        const std::string where = "outbound receiver \"" + receiver.name + "\"";
        const YAML::Node body = it->second;
        if (!r.expect_map(body, where)) continue;
        r.check_keys(body, keys::outbound_receiver.keys, where);
        receiver.url = r.string(body, "url", true).value_or("");
        // Unset ${ENV} without need_secrets reads "": only a URL that is there is checked.
        if (!receiver.url.empty() && receiver.url.rfind("http://", 0) != 0 &&
            receiver.url.rfind("https://", 0) != 0)
            r.error(body["url"], where + ": \"url\" must start with https:// (or http://)");
        receiver.secret = read_secret(r, body, where);
        receiver.events = body["events"]
                              ? read_names(r, body, "events", all_types, where, "event type")
                              : all_types;
        receiver.flows = read_names(r, body, "flows", flow_names, where, "flow");
        c.outbound_receivers[receiver.name] = std::move(receiver);
    }
}

}  // namespace detail

}  // namespace cxgate::config
