// The `alerts:` and `staff:` sections: who an alert can reach and by which channel.
// Read after `channels:`, whose names they refer to.
#include "cxgate/config/keys.hpp"
#include "loader.hpp"

namespace cxgate::config::detail {

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
                if (!c.channels.count(*v))
                    r.error(alerts["channel"], "alerts: undefined channel \"" + *v + "\"");
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
                    t.address = r.string(it->second, "address", true).value_or("");
                    if (!t.channel.empty() && !c.channels.count(t.channel))
                        r.error(it->second["channel"],
                                where + ": undefined channel \"" + t.channel + "\"");
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
