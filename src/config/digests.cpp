// `digests:` in cxgate.yaml and `share_answers:` of flows and steps: who hears of every
// answer, and who gets a summary of their figures once a day or a week.
#include <cctype>

#include "cxgate/config/keys.hpp"
#include "loader.hpp"

namespace cxgate::config {

std::string to_string(ShareAnswers share) {
    switch (share) {
        case ShareAnswers::off:
            return "off";
        case ShareAnswers::immediately:
            return "immediately";
        case ShareAnswers::digest:
            return "digest";
    }
    return "off";
}

std::string to_string(Digest::Every every) {
    return every == Digest::Every::day ? "day" : "week";
}

namespace detail {

namespace {

// "Mon" -> 0 ... "Sun" -> 6, in any case; English three-letter names as send windows use.
std::optional<int> weekday_named(std::string name) {
    static const char* const names[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
    for (char& ch : name) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (int i = 0; i < 7; ++i)
        if (name == names[i]) return i;
    return std::nullopt;
}

// `at:` "08:00" (a daily digest, or a weekly one on Monday) or "Mon 08:00" (weekly).
void read_at(YamlReader& r, const YAML::Node& node, const std::string& where, Digest& d) {
    const auto at = r.string(node, "at");
    if (!at) return;
    std::string time = *at;
    const auto space = at->find(' ');
    if (space != std::string::npos) {
        const auto day = weekday_named(at->substr(0, space));
        if (!day || d.every != Digest::Every::week) {
            r.error(node["at"], where + ": \"at\" is \"08:00\", or \"Mon 08:00\" for a weekly " +
                                    "digest (mon, tue, wed, thu, fri, sat, sun), got \"" + *at +
                                    "\"");
            return;
        }
        d.weekday = *day;
        time = at->substr(space + 1);
    }
    if (auto minute = timing::parse_time_of_day(time); minute && *minute < 24 * 60)
        d.at_minute = *minute;
    else
        r.error(node["at"], where + ": \"at\" must be a local time such as \"08:00\" or " +
                                "\"Mon 08:00\", got \"" + *at + "\"");
}

// The holidays a digest skips with business_days_only: the defaults' calendars, as a flow
// that names none has them, with the company's extra days off.
timing::Calendar default_calendar(const Config& c, CalendarCache& calendars) {
    CalendarFile merged;
    for (const auto& name : c.defaults.calendars)
        if (const auto* file = calendars.get(name))
            merged = merged.id.empty() ? *file : merge(merged, *file);
    auto calendar = to_timing_calendar(merged);
    calendar.holidays.insert(c.defaults.extra_days_off.begin(), c.defaults.extra_days_off.end());
    return calendar;
}

}  // namespace

std::optional<ShareAnswers> read_share_answers(YamlReader& r, const YAML::Node& node,
                                               const std::string& where) {
    const auto v = r.string(node, "share_answers");
    if (!v) return std::nullopt;
    if (*v == "off") return ShareAnswers::off;
    if (*v == "immediately") return ShareAnswers::immediately;
    if (*v == "digest") return ShareAnswers::digest;
    r.error(node["share_answers"],
            where + ": \"share_answers\" must be immediately, digest or off, got \"" + *v + "\"");
    return std::nullopt;
}

void read_digests(YamlReader& r, const YAML::Node& root, Config& c, CalendarCache& calendars) {
    const YAML::Node digests = root["digests"];
    if (!digests || !r.expect_map(digests, "\"digests\"")) return;
    const auto calendar = default_calendar(c, calendars);
    for (auto it = digests.begin(); it != digests.end(); ++it) {
        Digest d;
        d.name = it->first.Scalar();
        const std::string where = "digest \"" + d.name + "\"";
        const YAML::Node node = it->second;
        if (!r.expect_map(node, where)) continue;
        r.check_keys(node, keys::digest.keys, where);
        d.line = static_cast<int>(node.Mark().line) + 1;
        if (auto every = r.string(node, "every")) {
            if (*every == "day")
                d.every = Digest::Every::day;
            else if (*every != "week")
                r.error(node["every"],
                        where + ": \"every\" must be day or week, got \"" + *every + "\"");
        }
        read_at(r, node, where, d);
        d.timezone = c.defaults.timezone;
        if (auto tz = r.string(node, "timezone")) {
            if (valid_zone(*tz))
                d.timezone = *tz;
            else
                r.error(node["timezone"], where + ": unknown time zone \"" + *tz +
                                              "\" (use an IANA name such as Europe/Helsinki)");
        }
        d.business_days_only = r.boolean(node, "business_days_only").value_or(true);
        if (auto to = r.string_list(node, "to")) {
            d.to = *to;
            for (size_t i = 0; i < to->size(); ++i) {
                const auto& name = (*to)[i];
                if (name == "staff" || name == "team-lead" || c.staff.count(name)) continue;
                r.error(node["to"].IsSequence() ? node["to"][i] : node["to"],
                        where + ": unknown recipient \"" + name +
                            "\" (staff, team-lead, or a staff id)");
            }
        }
        // A digest is a page of figures: an email (each person's address) or a chat room,
        // never an SMS.
        d.channel = r.string(node, "channel").value_or("");
        const std::string& channel_name = d.channel.empty() ? c.alert_channel : d.channel;
        const auto* channel = c.find_channel(channel_name);
        if (!channel)
            r.error(node["channel"] ? node["channel"] : node,
                    where + (d.channel.empty()
                                 ? ": no channel (alerts.channel is not set): name an email or "
                                   "chat channel as \"channel\""
                                 : ": undefined channel \"" + d.channel + "\""));
        else if (channel->kind == ChannelKind::sms)
            r.error(node["channel"] ? node["channel"] : node,
                    where + ": channel \"" + channel_name +
                        "\" sends SMS, too short for a digest: name an email or chat channel "
                        "as \"channel\"");
        d.calendar = calendar;
        c.digests[d.name] = std::move(d);
    }
}

}  // namespace detail

}  // namespace cxgate::config
