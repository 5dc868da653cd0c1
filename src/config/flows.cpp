// One flow file (flows/*.yaml): its time zone, send window, holidays, schedule and steps.
#include <algorithm>
#include <filesystem>
#include "cxgate/config/keys.hpp"

#include "cxgate/config/schedule.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "loader.hpp"

namespace cxgate::config::detail {

namespace fs = std::filesystem;

std::optional<Flow> read_flow(const std::string& text, const YAML::Node& document,
                              const std::string& display, const Config& c, CalendarCache& calendars,
                              Diagnostics& diag) {
    const YAML::Node* root = &document;  // read only: lint reads the same nodes after
    YamlReader r(display, diag);
    if (!r.expect_map(*root, "a flow file")) return std::nullopt;
    r.check_keys(*root, keys::flow.keys, "a flow");
    Flow f;
    f.file = display;
    f.version = crypto::sha256_hex(text).substr(0, 12);
    f.name = r.string(*root, "flow", true).value_or("");
    f.timezone = c.defaults.timezone;
    if (auto tz = r.string(*root, "timezone")) {
        if (valid_zone(*tz))
            f.timezone = *tz;
        else
            r.error((*root)["timezone"],
                    "unknown time zone \"" + *tz + "\" (use an IANA name such as Europe/Helsinki)");
    }
    f.send_window = c.defaults.send_window;
    if (auto w = read_window(r, *root, "send_window")) f.send_window = *w;
    f.recontact = r.delay(*root, "recontact");
    f.priority = r.integer(*root, "priority", -1000, 1000).value_or(0);
    f.anonymous = r.boolean(*root, "anonymous").value_or(false);
    if (auto share = read_share_answers(r, *root, "flow")) f.share_answers = *share;
    f.arbitration = c.defaults.arbitration;
    if (auto d = r.delay(*root, "arbitration")) f.arbitration = *d;

    // Holidays: the flow's calendars (else the defaults'), merged, plus extra days off from
    // the defaults and from the flow.
    std::vector<std::string> names = c.defaults.calendars;
    const bool own = static_cast<bool>((*root)["calendar"]);
    if (auto list = r.string_list(*root, "calendar")) names = *list;
    CalendarFile merged;
    for (size_t i = 0; i < names.size(); ++i) {
        const auto* file = calendars.get(names[i]);
        if (!file) {
            // An unknown name from defaults.calendar is reported once, at cxgate.yaml.
            if (!own) continue;
            const YAML::Node at =
                (*root)["calendar"].IsSequence() ? (*root)["calendar"][i] : (*root)["calendar"];
            if (!calendars.exists(names[i]))
                r.error(at,
                        "unknown calendar \"" + names[i] + "\" (no " +
                            (calendars.dir() / (names[i] + ".yaml")).lexically_normal().string() +
                            ")");
            continue;
        }
        merged = merged.id.empty() ? *file : merge(merged, *file);
    }
    f.calendar_name = merged.id;
    f.calendar = to_timing_calendar(merged);
    f.calendar.holidays.insert(c.defaults.extra_days_off.begin(), c.defaults.extra_days_off.end());
    std::set<date::sys_days> extra;
    read_days_off(r, *root, "extra_days_off", extra);
    f.calendar.holidays.insert(extra.begin(), extra.end());
    if (!extra.empty() || !c.defaults.extra_days_off.empty())
        f.calendar_name += f.calendar_name.empty() ? "extra_days_off" : "+extra_days_off";

    if (const YAML::Node schedule = (*root)["schedule"])
        f.schedule = read_schedule(r, schedule, c, fs::path(c.base_dir));

    const YAML::Node steps = (*root)["steps"];
    if (!steps) {
        r.error(*root, "missing required key \"steps\"");
    } else if (!steps.IsSequence() || steps.size() == 0) {
        r.error(steps, "\"steps\" must be a non-empty list");
    } else {
        std::set<std::string> ids;
        for (const auto& node : steps) {
            if (!r.expect_map(node, "a step")) continue;
            Step s = read_step(r, node, c, f);
            if (!s.id.empty() && !ids.insert(s.id).second)
                r.error(node["id"], "duplicate step id \"" + s.id + "\"");
            // `schedule` events come only from the flow's own schedule.
            if (std::find(s.on.begin(), s.on.end(), "schedule") != s.on.end() &&
                !(*root)["schedule"])
                r.error(node["on"], "step \"" + s.id +
                                        "\" listens to \"schedule\", but the flow has no "
                                        "schedule: (see docs/flows.md, recurring surveys)");
            f.steps.push_back(std::move(s));
        }
        if ((*root)["schedule"] &&
            std::none_of(f.steps.begin(), f.steps.end(), [](const Step& step) {
                return std::find(step.on.begin(), step.on.end(), "schedule") != step.on.end();
            }))
            r.error((*root)["schedule"],
                    "the flow has a schedule but no step with on: schedule to survey it");
    }
    return f;
}

}  // namespace cxgate::config::detail
