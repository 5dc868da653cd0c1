// The `alerts:` and `staff:` sections: who an alert can reach and by which channel.
// Read after `channels:`, whose names they refer to.
#include <algorithm>

#include "cxgate/config/keys.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "loader.hpp"

namespace cxgate::config::detail {

namespace {

// A recipient's `locale:` is one the templates are written in (defaults.locales), or their
// alerts would fall back without a word.
std::string read_locale(YamlReader& r, const YAML::Node& node, const Config& c,
                        const std::string& where) {
    auto v = r.string(node, "locale");
    if (!v) return "";
    const auto& known = c.defaults.locales;
    if (std::find(known.begin(), known.end(), *v) == known.end()) {
        std::string list;
        for (const auto& l : known) list += (list.empty() ? "" : ", ") + l;
        r.error(node["locale"],
                where + ": locale \"" + *v + "\" is not one of defaults.locales (" + list + ")");
        return "";
    }
    return *v;
}

// alerts.routes, read once the staff directory is (teams and notify name staff).
void read_routes(YamlReader& r, const YAML::Node& routes, Config& c) {
    if (!routes.IsSequence()) {
        r.error(routes,
                "\"routes\" must be a list of routes such as { segment: premium, "
                "notify: [\"#premium-desk\"] }");
        return;
    }
    for (size_t i = 0; i < routes.size(); ++i) {
        const YAML::Node node = routes[i];
        const std::string where = "alerts.routes[" + std::to_string(i) + "]";
        if (!r.expect_map(node, where)) continue;
        r.check_keys(node, keys::alert_route.keys, where);
        AlertRoute route;
        route.line = node.Mark().line + 1;
        route.flows = r.string_list(node, "flow").value_or(std::vector<std::string>{});
        route.steps = r.string_list(node, "step").value_or(std::vector<std::string>{});
        route.segments = r.string_list(node, "segment").value_or(std::vector<std::string>{});
        if (auto teams = r.string_list(node, "team")) {
            // A team is named by its lead's staff id (Config::team_of).
            for (size_t t = 0; t < teams->size(); ++t)
                if (!c.staff.count((*teams)[t]))
                    r.error(node["team"].IsSequence() ? node["team"][t] : node["team"],
                            where + ": unknown team \"" + (*teams)[t] +
                                "\" (a team is named by its lead's staff id)");
            route.teams = *teams;
        }
        if (auto names = r.string_list(node, "metric")) {
            for (size_t m = 0; m < names->size(); ++m)
                if (!metrics::parse_metric((*names)[m]))
                    r.error(
                        node["metric"].IsSequence() ? node["metric"][m] : node["metric"],
                        where + ": unknown metric \"" + (*names)[m] + "\" (nps, enps, csat, ces)");
            route.metrics = *names;
        }
        if (auto when = r.string(node, "when")) {
            route.when = parse_alert_when(*when);
            if (!route.when)
                r.error(node["when"], where +
                                          ": \"when\" must look like \"score <= 6\" (<, <=, >, "
                                          ">=, ==, !=), got \"" +
                                          *when + "\"");
        }
        if (auto notify = r.string_list(node, "notify", true)) {
            for (size_t n = 0; n < notify->size(); ++n) {
                const auto& name = (*notify)[n];
                if (name == "staff" || name == "team-lead" || c.staff.count(name) ||
                    c.alert_targets.count(name))
                    continue;
                r.error(node["notify"].IsSequence() ? node["notify"][n] : node["notify"],
                        where + ": unknown recipient \"" + name +
                            "\" (staff, team-lead, a staff id, or a name under alerts.targets)");
            }
            route.notify = *notify;
        }
        if (auto channel = r.string(node, "channel")) {
            const auto* ch = c.find_channel(*channel);
            if (!ch)
                r.error(node["channel"], where + ": undefined channel \"" + *channel + "\"");
            else if (ch->kind == ChannelKind::chat)
                r.error(node["channel"],
                        where + ": \"channel\" reaches staff at their own email or phone; \"" +
                            *channel +
                            "\" is a chat channel: name a target of it in \"notify\" instead");
            route.channel = *channel;
        }
        const bool reaches_staff =
            std::any_of(route.notify.begin(), route.notify.end(),
                        [&](const std::string& n) { return !c.alert_targets.count(n); });
        if (reaches_staff && route.channel.empty() && c.alert_channel.empty())
            r.error(node, where +
                              ": staff are reached on alerts.channel or the route's "
                              "\"channel\"; there is neither");
        c.alert_routes.push_back(std::move(route));
    }
}

}  // namespace

void read_alerts_and_staff(YamlReader& r, const YAML::Node& root, Config& c) {
    if (const YAML::Node alerts = root["alerts"]) {
        if (r.expect_map(alerts, "\"alerts\"")) {
            r.check_keys(alerts, keys::alerts.keys, "\"alerts\"");
            // Business time: hours of the flow's send window on business days, so an alert
            // raised on Friday evening escalates on Monday, not on Saturday.
            if (auto d = r.delay(alerts, "escalate_after")) {
                using U = timing::Delay::Unit;
                if ((d->unit != U::minutes && d->unit != U::hours) || d->amount < 1 ||
                    (d->unit == U::hours && d->amount > 720))
                    r.error(alerts["escalate_after"],
                            "\"escalate_after\": business time in minutes or hours, such as "
                            "4h (counted inside the flow's send window on business days)");
                else
                    c.alert_escalate_after = std::chrono::seconds{
                        static_cast<long long>(d->amount) * (d->unit == U::hours ? 3600 : 60)};
            }
            if (auto v = r.string(alerts, "channel")) {
                c.alert_channel = *v;
                const auto* channel = c.find_channel(*v);
                if (!channel)
                    r.error(alerts["channel"], "alerts: undefined channel \"" + *v + "\"");
                // Staff are reached at their own email or phone; a chat channel has one room
                // for everyone, which is what a named target is for.
                else if (channel->kind == ChannelKind::chat)
                    r.error(alerts["channel"],
                            "alerts: \"channel\" reaches each staff member at their own email "
                            "or phone; \"" +
                                *v + "\" is a chat channel (type " + channel->type +
                                ") with one room for everyone: name it in alerts.targets instead "
                                "(\"#sales-alerts\": { channel: " +
                                *v + " }) and notify that target");
            }
            if (const YAML::Node targets = alerts["targets"];
                targets && r.expect_map(targets, "\"targets\"")) {
                for (auto it = targets.begin(); it != targets.end(); ++it) {
                    AlertTarget t;
                    t.name = it->first.Scalar();
                    const std::string where = "alert target \"" + t.name + "\"";
                    if (!r.expect_map(it->second, where)) continue;
                    r.check_keys(it->second, keys::alert_target.keys, where);
                    t.channel = r.string(it->second, "channel", true).value_or("");
                    const auto* channel = c.find_channel(t.channel);
                    // A chat channel's URL decides the room: it needs no address.
                    const bool chat = channel && channel->kind == ChannelKind::chat;
                    t.address = r.string(it->second, "address", !chat).value_or("");
                    if (!t.channel.empty() && !channel)
                        r.error(it->second["channel"],
                                where + ": undefined channel \"" + t.channel + "\"");
                    if (chat && it->second["address"]) {
                        r.warning(it->second["address"],
                                  where + ": \"address\" is not used on chat channel \"" +
                                      t.channel + "\": its url decides where alerts go");
                        t.address.clear();
                    }
                    t.locale = read_locale(r, it->second, c, where);
                    c.alert_targets[t.name] = t;
                }
            }
        }
    }
    if (c.alert_channel.empty()) {
        if (auto* email = c.first_channel(ChannelKind::email)) c.alert_channel = email->name;
    }
    if (const YAML::Node staff = root["staff"]) {
        if (!staff.IsSequence()) {
            r.error(staff, "\"staff\" must be a list of staff members");
            return;
        }
        for (const auto& item : staff) {
            if (!r.expect_map(item, "a staff member")) continue;
            r.check_keys(item, keys::staff.keys, "a staff member");
            StaffMember m;
            m.id = r.string(item, "id", true).value_or("");
            m.name = r.string(item, "name").value_or("");
            m.email = r.string(item, "email").value_or("");
            m.phone = r.string(item, "phone").value_or("");
            m.lead = r.string(item, "lead").value_or("");
            m.locale = read_locale(r, item, c, "staff member \"" + m.id + "\"");
            if (!m.id.empty()) c.staff[m.id] = m;
        }
        for (const auto& item : staff) {
            if (!item.IsMap() || !item["lead"]) continue;
            auto lead = item["lead"].Scalar();
            if (!c.staff.count(lead))
                r.error(item["lead"], "unknown staff id \"" + lead + "\" as lead");
        }
    }
    // Managers name staff, so they are read once the staff directory is.
    if (const YAML::Node alerts = root["alerts"]; alerts && alerts.IsMap() && alerts["managers"])
        if (auto managers = r.string_list(alerts, "managers")) {
            check_recipients(r, alerts["managers"], *managers, c, "alerts.managers");
            c.alert_managers = *managers;
        }
    if (const YAML::Node alerts = root["alerts"]; alerts && alerts.IsMap() && alerts["routes"])
        read_routes(r, alerts["routes"], c);
}

void check_alert_routes(YamlReader& r, const YAML::Node& root, const Config& c) {
    const YAML::Node alerts = root["alerts"];
    if (!alerts || !alerts.IsMap() || !alerts["routes"] || !alerts["routes"].IsSequence()) return;
    const YAML::Node routes = alerts["routes"];
    for (size_t i = 0; i < routes.size() && i < c.alert_routes.size(); ++i) {
        const auto& route = c.alert_routes[i];
        const std::string where = "alerts.routes[" + std::to_string(i) + "]";
        const auto at = [&](const char* key, size_t k) {
            const YAML::Node n = routes[i][key];
            return n.IsSequence() ? n[k] : n;
        };
        for (size_t f = 0; f < route.flows.size(); ++f)
            if (!c.find_flow(route.flows[f]))
                r.error(at("flow", f), where + ": unknown flow \"" + route.flows[f] + "\"");
        // A step is named within the route's flows, or within any flow when it names none.
        for (size_t s = 0; s < route.steps.size(); ++s) {
            const bool found = std::any_of(c.flows.begin(), c.flows.end(), [&](const Flow& f) {
                const bool in_scope =
                    route.flows.empty() ||
                    std::find(route.flows.begin(), route.flows.end(), f.name) != route.flows.end();
                return in_scope && f.find_step(route.steps[s]);
            });
            if (!found)
                r.error(at("step", s), where + ": no step \"" + route.steps[s] + "\"" +
                                           (route.flows.empty() ? "" : " in its flows"));
        }
    }
}

void check_recipients(YamlReader& r, const YAML::Node& at, const std::vector<std::string>& names,
                      const Config& c, const std::string& where) {
    for (size_t i = 0; i < names.size(); ++i) {
        if (c.staff.count(names[i]) || c.alert_targets.count(names[i])) continue;
        r.error(at.IsSequence() ? at[i] : at,
                where + ": unknown recipient \"" + names[i] +
                    "\" (a staff id, or a name under alerts.targets)");
    }
}

}  // namespace cxgate::config::detail
