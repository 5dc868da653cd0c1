// Reading a flow's `schedule:` and the contact list it names (see config/schedule.hpp).
#include "cxgate/config/schedule.hpp"
#include "cxgate/config/keys.hpp"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <set>

#include <nlohmann/json.hpp>

#include "cxgate/foundation/csv_reader.hpp"
#include "cxgate/foundation/phone.hpp"

namespace cxgate::config {

namespace fs = std::filesystem;

std::string to_string(Schedule::Every every) {
    switch (every) {
        case Schedule::Every::week:
            return "week";
        case Schedule::Every::month:
            return "month";
        case Schedule::Every::quarter:
            return "quarter";
        case Schedule::Every::year:
            return "year";
    }
    return "month";
}

namespace {

const std::set<std::string> kListColumns{"id",     "phone",    "email",   "name",
                                         "locale", "timezone", "segment", "staff_id"};

bool plausible_email(const std::string& s) {
    auto at = s.find('@');
    return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos &&
           s.find_first_of(" \t\r\n<>,;") == std::string::npos && s.back() != '.';
}

std::string lower(std::string s) {
    for (auto& ch : s) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    return s;
}

// One person from the list's fields; a problem names the row and the column.
std::optional<AudienceMember> member_from(const std::map<std::string, std::string>& f,
                                          const Config& c, const std::string& display, int line,
                                          Diagnostics& diag) {
    auto field = [&](const char* key) {
        auto it = f.find(key);
        return it == f.end() ? std::string() : it->second;
    };
    AudienceMember m;
    m.line = line;
    const auto fail = [&](const std::string& message) {
        diag.error(display, line, 1, message);
        return std::nullopt;
    };
    if (auto phone = field("phone"); !phone.empty()) {
        std::string why;
        auto normalized = phone::normalize(phone, c.defaults.region, &why);
        if (!normalized) return fail("phone: " + why);
        m.phone = normalized->e164;
    }
    if (auto email = field("email"); !email.empty()) {
        if (!plausible_email(email)) return fail("email: not an email address: \"" + email + "\"");
        m.email = lower(email);
    }
    if (m.phone.empty() && m.email.empty()) return fail("needs a phone or an email");
    m.id = field("id");
    if (m.id.empty()) m.id = !m.phone.empty() ? m.phone : m.email;
    m.name = field("name");
    m.locale = lower(field("locale"));
    if (!m.locale.empty() && std::find(c.defaults.locales.begin(), c.defaults.locales.end(),
                                       m.locale) == c.defaults.locales.end())
        return fail("locale: \"" + m.locale + "\" is not one of the configured locales");
    m.timezone = field("timezone");
    if (!m.timezone.empty()) {
        try {
            date::locate_zone(m.timezone);
        } catch (const std::exception&) {
            return fail("timezone: unknown time zone \"" + m.timezone + "\"");
        }
    }
    m.segment = field("segment");
    m.staff_id = field("staff_id");
    return m;
}

std::optional<date::sys_days> parse_date(const std::string& text) {
    int y = 0;
    unsigned mo = 0, d = 0;
    char tail = 0;
    if (text.size() != 10 || std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &mo, &d, &tail) != 3)
        return std::nullopt;
    const date::year_month_day ymd{date::year{y}, date::month{mo}, date::day{d}};
    if (!ymd.ok()) return std::nullopt;
    return date::sys_days{ymd};
}

// "month", "quarter", "2 weeks", "6 months", "year".
bool parse_every(const std::string& text, Schedule& s) {
    int count = 1;
    std::string unit = text;
    if (auto space = text.find(' '); space != std::string::npos) {
        try {
            size_t used = 0;
            count = std::stoi(text.substr(0, space), &used);
            if (used != space) return false;
        } catch (const std::exception&) {
            return false;
        }
        unit = text.substr(space + 1);
    }
    if (count < 1 || count > 52) return false;
    if (unit == "week" || unit == "weeks")
        s.every = Schedule::Every::week;
    else if (unit == "month" || unit == "months")
        s.every = Schedule::Every::month;
    else if (unit == "quarter" || unit == "quarters")
        s.every = Schedule::Every::quarter;
    else if (unit == "year" || unit == "years")
        s.every = Schedule::Every::year;
    else
        return false;
    s.count = count;
    return true;
}

}  // namespace

std::vector<AudienceMember> read_contact_list(const std::string& path, const std::string& display,
                                              const Config& c, Diagnostics& diag) {
    std::vector<AudienceMember> out;
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        diag.error(display, 0, 0, "cannot read the contact list");
        return out;
    }
    std::set<std::string> ids;
    const auto add = [&](std::optional<AudienceMember> m) {
        if (!m) return;
        if (!ids.insert(m->id).second) {
            diag.error(display, m->line, 1, "contact \"" + m->id + "\" is listed twice");
            return;
        }
        out.push_back(std::move(*m));
    };
    if (fs::path(path).extension() == ".csv") {
        std::vector<std::string> header, cells;
        int lines = 0;
        if (!csv::read_record(in, header, lines)) {
            diag.error(display, 1, 1, "empty contact list: expected a header line");
            return out;
        }
        for (size_t i = 0; i < header.size(); ++i)
            if (!kListColumns.count(header[i])) {
                std::string message = "unknown column \"" + header[i] + "\"";
                if (auto suggestion = closest(header[i], kListColumns))
                    message += " (did you mean \"" + *suggestion + "\"?)";
                diag.error(display, 1, static_cast<int>(i) + 1, message);
            }
        while (true) {
            const int line = lines + 1;
            if (!csv::read_record(in, cells, lines)) break;
            if (cells.size() == 1 && cells[0].empty()) continue;  // a blank line
            if (cells.size() != header.size()) {
                diag.error(display, line, 1,
                           "expected " + std::to_string(header.size()) + " fields, got " +
                               std::to_string(cells.size()));
                continue;
            }
            std::map<std::string, std::string> fields;
            for (size_t i = 0; i < header.size(); ++i) fields[header[i]] = cells[i];
            add(member_from(fields, c, display, line, diag));
        }
    } else {
        int line = 0;
        for (std::string text; std::getline(in, text);) {
            ++line;
            auto first = text.find_first_not_of(" \t\r");
            if (first == std::string::npos || text[first] == '#') continue;
            const auto j = nlohmann::json::parse(text, nullptr, false);
            if (!j.is_object()) {
                diag.error(display, line, 1, "expected one JSON object per line");
                continue;
            }
            std::map<std::string, std::string> fields;
            bool ok = true;
            for (auto it = j.begin(); it != j.end(); ++it) {
                if (!kListColumns.count(it.key())) {
                    diag.error(display, line, 1, "unknown key \"" + it.key() + "\"");
                    ok = false;
                } else if (it->is_string()) {
                    fields[it.key()] = it->get<std::string>();
                } else if (!it->is_null()) {
                    diag.error(display, line, 1, it.key() + ": must be a string");
                    ok = false;
                }
            }
            if (ok) add(member_from(fields, c, display, line, diag));
        }
    }
    // Sorted by id: a run walks the list with a cursor, so a list edited between two days
    // of a run neither skips nor repeats anyone already reached.
    std::sort(out.begin(), out.end(),
              [](const AudienceMember& a, const AudienceMember& b) { return a.id < b.id; });
    return out;
}

std::optional<Schedule> read_schedule(YamlReader& r, const YAML::Node& node, const Config& c,
                                      const fs::path& base_dir) {
    if (!r.expect_map(node, "\"schedule\"")) return std::nullopt;
    r.check_keys(node, keys::schedule.keys, "\"schedule\"");
    Schedule s;
    s.line = node.Mark().line + 1;
    bool ok = true;
    if (auto every = r.string(node, "every", true)) {
        if (!parse_every(*every, s)) {
            r.error(node["every"],
                    "\"every\" must be week, month, quarter or year, or a number of "
                    "them such as \"2 weeks\", got \"" +
                        *every + "\"");
            ok = false;
        }
    } else {
        ok = false;
    }
    if (auto start = r.string(node, "start", true)) {
        if (auto day = parse_date(*start))
            s.start = *day;
        else {
            r.error(node["start"], "\"start\" must be a date YYYY-MM-DD, got \"" + *start + "\"");
            ok = false;
        }
    } else {
        ok = false;
    }
    if (auto at = r.string(node, "at")) {
        auto minute = timing::parse_time_of_day(*at);
        if (!minute || *minute >= 24 * 60) {
            r.error(node["at"], "\"at\" must be a local time HH:MM, got \"" + *at + "\"");
            ok = false;
        } else {
            s.at_minute = *minute;
        }
    }
    s.per_day = r.integer(node, "per_day", 1, 1000000).value_or(0);
    const YAML::Node audience = node["audience"];
    if (!audience) {
        r.error(node,
                "\"schedule\": missing required key \"audience\" (a contact list file, or "
                "{ contacts: { segment: ..., seen_within: ... } })");
        return std::nullopt;
    }
    if (audience.IsScalar()) {
        s.list_file = audience.Scalar();
        fs::path path(s.list_file);
        if (path.is_absolute() == false) path = base_dir / path;
        const auto ext = path.extension();
        if (ext != ".csv" && ext != ".jsonl") {
            r.error(audience, "\"audience\": a contact list must be .csv or .jsonl, got \"" +
                                  s.list_file + "\"");
            return std::nullopt;
        }
        std::error_code ec;
        if (!fs::is_regular_file(path, ec)) {
            r.error(audience, "\"audience\": no contact list " + path.lexically_normal().string());
            return std::nullopt;
        }
        s.members =
            read_contact_list(path.string(), path.lexically_normal().string(), c, r.diagnostics());
    } else if (r.expect_map(audience, "\"audience\"")) {
        r.check_keys(audience, keys::audience.keys, "\"audience\"");
        const YAML::Node contacts = audience["contacts"];
        if (!contacts) {
            r.error(audience, "\"audience\": give a contact list file or { contacts: {...} }");
            return std::nullopt;
        }
        s.known_contacts = true;
        if (contacts.IsMap()) {
            r.check_keys(contacts, keys::audience_contacts.keys, "\"contacts\"");
            if (auto segments = r.string_list(contacts, "segment")) s.segments = *segments;
            s.seen_within = r.delay(contacts, "seen_within");
        } else if (!(contacts.IsScalar() && contacts.Scalar() == "all")) {
            r.error(contacts, "\"contacts\" must be all or { segment: [...], seen_within: ... }");
        }
    }
    if (!ok) return std::nullopt;
    return s;
}

}  // namespace cxgate::config
