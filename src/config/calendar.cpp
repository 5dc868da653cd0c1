#include "cxgate/config/calendar.hpp"
#include "cxgate/config/keys.hpp"

#include <array>
#include <cerrno>
#include <cstring>
#include <fstream>

#include <yaml-cpp/yaml.h>

#include "cxgate/config/yaml_reader.hpp"

namespace cxgate::config {

namespace {

constexpr const char* kDaysShape = "a list of { date: YYYY-MM-DD, name: \"...\" }";

std::string in_quotes(const std::string& s) {
    return "\"" + s + "\"";
}

std::size_t error_count(const Diagnostics& diag) {
    std::size_t n = 0;
    for (const auto& d : diag.items)
        if (d.severity == Diagnostic::Severity::error) ++n;
    return n;
}

// Where a key is written. A key with no value has a null node whose mark points past the
// line, so messages about the value point at its key instead.
YAML::Mark key_mark(const YAML::Node& map, const std::string& key) {
    for (auto it = map.begin(); it != map.end(); ++it)
        if (it->first.Scalar() == key) return it->first.Mark();
    return map.Mark();
}

// A required, non-empty single value. Unlike YamlReader::string, no ${ENV} expansion: a
// holiday name is text, never a secret.
std::optional<std::string> required_text(YamlReader& r, const YAML::Node& map,
                                         const std::string& key) {
    const YAML::Node node = map[key];
    if (!node) {
        r.error(map, "missing required key " + in_quotes(key));
        return std::nullopt;
    }
    if (!node.IsScalar() || node.Scalar().empty()) {
        r.error(node.IsNull() ? key_mark(map, key) : node.Mark(),
                in_quotes(key) + " must be a single non-empty value");
        return std::nullopt;
    }
    return node.Scalar();
}

const std::array<const char*, 12> kMonths{"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

// Strictly YYYY-MM-DD: a calendar is read by people, and one spelling keeps it greppable.
std::optional<date::sys_days> parse_date(const std::string& text, std::string* why) {
    auto digits = [&](std::size_t from, std::size_t count) {
        int value = 0;
        for (std::size_t i = from; i < from + count; ++i) {
            if (text[i] < '0' || text[i] > '9') return -1;
            value = value * 10 + (text[i] - '0');
        }
        return value;
    };
    if (text.size() != 10 || text[4] != '-' || text[7] != '-') {
        *why = "expected a date as YYYY-MM-DD, got " + in_quotes(text);
        return std::nullopt;
    }
    const int y = digits(0, 4), m = digits(5, 2), d = digits(8, 2);
    if (y < 0 || m < 0 || d < 0) {
        *why = "expected a date as YYYY-MM-DD, got " + in_quotes(text);
        return std::nullopt;
    }
    if (m < 1 || m > 12) {
        *why = in_quotes(text) + " is not a date: there is no month " + std::to_string(m);
        return std::nullopt;
    }
    const date::year_month_day ymd{date::year{y}, date::month{static_cast<unsigned>(m)},
                                   date::day{static_cast<unsigned>(d)}};
    if (!ymd.ok()) {
        const auto last =
            date::year_month_day_last{date::year{y}, date::month_day_last{ymd.month()}};
        *why = in_quotes(text) + " is not a date: " + kMonths[m - 1] + " " + std::to_string(y) +
               " has " + std::to_string(static_cast<unsigned>(last.day())) + " days";
        return std::nullopt;
    }
    return date::sys_days{ymd};
}

std::string format_date(date::sys_days day) {
    return date::format("%F", day);
}

bool valid_id(const std::string& id) {
    if (id.empty()) return false;
    for (char c : id)
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            return false;
    return true;
}

void read_days(YamlReader& r, const YAML::Node& root, CalendarFile& out) {
    const YAML::Node days = root["days"];
    if (!days) {
        r.error(root, "missing required key \"days\"");
        return;
    }
    if (!days.IsSequence()) {
        r.error(days.IsNull() ? key_mark(root, "days") : days.Mark(),
                std::string("\"days\" must be ") + kDaysShape);
        return;
    }
    std::map<date::sys_days, int> first_line;
    for (const auto& item : days) {
        if (!item.IsMap()) {
            r.error(item, std::string("each item of \"days\" must look like { date: YYYY-MM-DD, "
                                      "name: \"...\" }"));
            continue;
        }
        r.check_keys(item, keys::calendar_day.keys, "a day");
        auto text = required_text(r, item, "date");
        auto name = required_text(r, item, "name");
        if (!text) continue;
        std::string why;
        auto day = parse_date(*text, &why);
        if (!day) {
            r.error(item["date"], why);
            continue;
        }
        const int line = item["date"].Mark().line + 1;
        if (auto [it, inserted] = first_line.emplace(*day, line); !inserted) {
            r.error(item["date"], format_date(*day) + " is listed twice (first at line " +
                                      std::to_string(it->second) + ")");
            continue;
        }
        out.days.insert(*day);
        if (name) out.names[*day] = *name;
    }
}

}  // namespace

std::optional<CalendarFile> load_calendar(const std::string& path, Diagnostics& diag) {
    // Only this file's errors decide the result: diag may already hold other files' errors.
    const std::size_t errors_before = error_count(diag);
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diag.error(path, 0, 0, std::string("cannot open calendar file: ") + std::strerror(errno));
        return std::nullopt;
    }
    YAML::Node root;
    try {
        root = YAML::Load(in);
    } catch (const YAML::ParserException& e) {
        diag.error(path, e.mark.line + 1, e.mark.column + 1, e.msg);
        return std::nullopt;
    }
    YamlReader r(path, diag);
    // A repeated key (a day with two dates) is reported at the repeat, as in every file.
    r.check_duplicate_keys(root);
    if (!root.IsMap()) {
        if (root.IsNull())
            diag.error(path, 0, 0, "calendar file is empty; it needs calendar, name and days");
        else
            r.error(root, "a calendar file must be a mapping with keys calendar, name and days");
        return std::nullopt;
    }
    r.check_keys(root, keys::calendar_file.keys, "a calendar file");

    CalendarFile out;
    if (auto id = required_text(r, root, "calendar")) {
        if (valid_id(*id))
            out.id = *id;
        else
            r.error(root["calendar"],
                    "\"calendar\" must be a short lower-case id such as fi, se "
                    "or company, got " +
                        in_quotes(*id));
    }
    if (auto name = required_text(r, root, "name")) out.name = *name;
    read_days(r, root, out);

    if (error_count(diag) != errors_before) return std::nullopt;
    return out;
}

CalendarFile merge(const CalendarFile& base, const CalendarFile& extra) {
    CalendarFile out = base;
    out.id = base.id + "+" + extra.id;
    out.name = base.name + " + " + extra.name;
    for (const auto day : extra.days) {
        out.days.insert(day);
        auto name = extra.names.find(day);
        if (name == extra.names.end()) continue;
        auto [it, inserted] = out.names.emplace(day, name->second);
        // A company may list a public holiday too; keep both names so neither is lost.
        if (!inserted && it->second != name->second) it->second += "; " + name->second;
    }
    return out;
}

timing::Calendar to_timing_calendar(const CalendarFile& file) {
    timing::Calendar calendar;
    calendar.holidays = file.days;
    return calendar;
}

}  // namespace cxgate::config
