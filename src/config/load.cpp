// Loading cxgate.yaml, flows/*.yaml and templates/ into one validated Config.
// Every check records a diagnostic and carries on, so one run lists all problems.
#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <sstream>

#include <cstdio>

#include "cxgate/config/calendar.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/config/lint.hpp"
#include "cxgate/config/schedule.hpp"
#include "cxgate/config/server_section.hpp"
#include "cxgate/config/sources.hpp"
#include "cxgate/config/yaml_reader.hpp"
#include "cxgate/foundation/crypto.hpp"

namespace cxgate::config {

namespace fs = std::filesystem;

std::string to_string(ChannelKind kind) {
    return kind == ChannelKind::sms ? "sms" : "email";
}

const std::string& ChannelConfig::setting(const std::string& key) const {
    static const std::string empty;
    auto it = settings.find(key);
    return it == settings.end() ? empty : it->second;
}

const std::map<std::string, ChannelSchema>& channel_schemas() {
    // Keys per provider; base_url lets tests and EU regions point elsewhere. `secret`
    // is the shared secret cxgate expects in its own webhook URL for providers that do
    // not sign (Kannel, SendGrid Inbound Parse, Postmark inbound).
    static const std::map<std::string, ChannelSchema> schemas = {
        {"sandbox", {ChannelKind::sms, {}, {}, {}}},
        {"twilio",
         {ChannelKind::sms,
          {"account_sid", "auth_token"},
          {"messaging_service_sid", "base_url", "status_callback"},
          {"auth_token"}}},
        {"vonage",
         {ChannelKind::sms,
          {"api_key", "api_secret"},
          {"signature_secret", "signature_method", "base_url"},
          {"api_secret", "signature_secret"}}},
        {"kannel",
         {ChannelKind::sms,
          {"sendsms_url", "username", "password", "secret"},
          {"dlr_mask", "smsc"},
          {"password", "secret"}}},
        {"http",
         {ChannelKind::sms,
          {"url"},
          {"method", "content_type", "body", "headers", "success_status", "message_id_path",
           "from_field", "text_field", "id_field", "status_id_field", "status_field", "hmac_secret",
           "signature_header"},
          {"hmac_secret"}}},
        {"smtp",
         {ChannelKind::email,
          {"url"},
          {"username", "password", "require_tls", "secret"},
          {"password", "secret"}}},
        {"sendgrid",
         {ChannelKind::email,
          {"api_key"},
          {"base_url", "secret", "webhook_public_key"},
          {"api_key", "secret"}}},
        {"mailgun",
         {ChannelKind::email,
          {"api_key", "domain", "webhook_signing_key"},
          {"base_url"},
          {"api_key", "webhook_signing_key"}}},
        {"postmark",
         {ChannelKind::email,
          {"server_token"},
          {"base_url", "message_stream", "secret"},
          {"server_token", "secret"}}},
    };
    return schemas;
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

namespace {

// Message templates every locale must provide; see templates/README.md.
const std::vector<std::string> kRequiredTemplates = {
    "ces", "csat", "nps", "enps", "why", "reminder", "thanks", "retry", "alert", "optout", "help",
};

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     Diagnostics& diag) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diag.error(file, e.mark.line + 1, e.mark.column + 1, e.msg);
        return std::nullopt;
    }
    YamlReader(file, diag).check_duplicate_keys(root);
    return root;
}

bool valid_zone(const std::string& name) {
    try {
        date::locate_zone(name);
        return true;
    } catch (const std::exception&) {
        return false;
    }
}

// One `{days, from, to}` map (the first shape, kept for existing files).
std::optional<timing::SendWindow> read_simple_window(YamlReader& r, const YAML::Node& node,
                                                     const std::string& where) {
    r.check_keys(node, {"days", "from", "to", "holidays"}, where);
    // `days: mon-fri`, `days: "mon,wed,fri"` or a YAML list `days: [mon, wed, fri]`.
    std::string days = "mon-sun";
    if (auto list = r.string_list(node, "days")) {
        days.clear();
        for (const auto& item : *list) days += (days.empty() ? "" : ",") + item;
    }
    auto from = r.string(node, "from").value_or("00:00");
    auto to = r.string(node, "to").value_or("24:00");
    std::string why;
    auto window = timing::parse_send_window(days, from, to, &why);
    if (!window) {
        r.error(node, where + ": " + why);
        return std::nullopt;
    }
    return window;
}

// A send window in any of its three shapes:
//   { days: mon-fri, from: "09:00", to: "20:00" }                one span on a day set
//   { mon-fri: "09:00-20:00", sat: "10:00-14:00" }               spans per weekday
//   [ { days: mon-fri, from: ..., to: ... }, { days: sat, ... } ] a list of the first shape
// `holidays: true` (in a map shape) keeps the window open on the calendar's holidays.
std::optional<timing::SendWindow> read_window(YamlReader& r, const YAML::Node& parent,
                                              const std::string& key) {
    const YAML::Node node = parent[key];
    if (!node) return std::nullopt;
    const std::string where = "\"" + key + "\"";
    std::vector<std::pair<std::string, std::string>> entries;
    std::optional<bool> holidays;
    if (node.IsSequence()) {
        for (const auto& item : node) {
            if (!r.expect_map(item, "each item of " + where)) return std::nullopt;
            auto one = read_simple_window(r, item, "each item of " + where);
            if (!one) return std::nullopt;
            if (auto h = r.boolean(item, "holidays")) holidays = *h;
            std::string days;
            static const char* kNames[] = {"mon", "tue", "wed", "thu", "fri", "sat", "sun"};
            for (int d = 0; d < 7; ++d)
                if (one->days[d]) days += (days.empty() ? "" : ",") + std::string(kNames[d]);
            auto hhmm = [](int minutes) {
                char buffer[32];
                std::snprintf(buffer, sizeof buffer, "%02d:%02d", minutes / 60, minutes % 60);
                return std::string(buffer);
            };
            entries.emplace_back(days, hhmm(one->from_minute) + "-" + hhmm(one->to_minute));
        }
    } else {
        if (!r.expect_map(node, where)) return std::nullopt;
        if (node["days"] || node["from"] || node["to"]) {
            auto window = read_simple_window(r, node, where);
            if (window)
                if (auto h = r.boolean(node, "holidays")) window->respects_holidays = !*h;
            return window;
        }
        for (auto it = node.begin(); it != node.end(); ++it) {
            const std::string days = it->first.Scalar();
            if (days == "holidays") {
                holidays = r.boolean(node, "holidays");
                continue;
            }
            std::string ranges;
            // A copy: yaml-cpp's iterator hands out a temporary proxy, and a range-for over
            // `it->second` would outlive it (ASan: stack-use-after-scope).
            const YAML::Node value = it->second;
            if (value.IsSequence()) {
                for (const auto& range : value)
                    if (auto v = r.scalar(range, where)) ranges += (ranges.empty() ? "" : ",") + *v;
            } else if (auto v = r.scalar(value, where)) {
                ranges = *v;
            }
            entries.emplace_back(days, ranges);
        }
    }
    std::string why;
    auto window = timing::parse_weekly_window(entries, &why);
    if (!window) {
        r.error(node, where + ": " + why);
        return std::nullopt;
    }
    if (holidays) window->respects_holidays = !*holidays;
    return window;
}

// "2026-12-31" or { date: 2026-12-31, name: "..." }.
std::optional<date::sys_days> read_day(YamlReader& r, const YAML::Node& item,
                                       const std::string& where) {
    const YAML::Node value = item.IsMap() ? item["date"] : item;
    if (item.IsMap()) r.check_keys(item, {"date", "name"}, where);
    if (!value || !value.IsScalar()) {
        r.error(item, where + ": expected a date YYYY-MM-DD or { date: YYYY-MM-DD, name: ... }");
        return std::nullopt;
    }
    const std::string& text = value.Scalar();
    int y = 0;
    unsigned m = 0, d = 0;
    char tail = 0;
    if (text.size() == 10 && std::sscanf(text.c_str(), "%4d-%2u-%2u%c", &y, &m, &d, &tail) == 3) {
        const date::year_month_day ymd{date::year{y}, date::month{m}, date::day{d}};
        if (ymd.ok()) return date::sys_days{ymd};
    }
    r.error(value, where + ": \"" + text + "\" is not a date (YYYY-MM-DD)");
    return std::nullopt;
}

void read_days_off(YamlReader& r, const YAML::Node& parent, const std::string& key,
                   std::set<date::sys_days>& out) {
    const YAML::Node node = parent[key];
    if (!node) return;
    if (!node.IsSequence()) {
        r.error(node, "\"" + key + "\" must be a list of dates (YYYY-MM-DD)");
        return;
    }
    for (const auto& item : node)
        if (auto day = read_day(r, item, "\"" + key + "\"")) out.insert(*day);
}

// Holiday calendars are loaded once per name from <calendars_dir>/<name>.yaml; a problem
// inside the file is reported at its own file:line:column.
class CalendarCache {
  public:
    CalendarCache(fs::path dir, Diagnostics& diag) : dir_(std::move(dir)), diag_(diag) {}

    const CalendarFile* get(const std::string& name) {
        auto it = files_.find(name);
        if (it != files_.end()) return it->second ? &*it->second : nullptr;
        auto path = dir_ / (name + ".yaml");
        std::optional<CalendarFile> file;
        std::error_code ec;
        if (fs::is_regular_file(path, ec))
            file = load_calendar(path.lexically_normal().string(), diag_);
        auto [pos, inserted] = files_.emplace(name, std::move(file));
        return pos->second ? &*pos->second : nullptr;
    }
    bool exists(const std::string& name) const {
        std::error_code ec;
        return fs::is_regular_file(dir_ / (name + ".yaml"), ec);
    }
    const fs::path& dir() const { return dir_; }
    // Files read, so their content enters the config version (a reload notices a change).
    std::vector<fs::path> paths() const {
        std::vector<fs::path> out;
        for (const auto& [name, file] : files_)
            if (file) out.push_back(dir_ / (name + ".yaml"));
        return out;
    }

  private:
    fs::path dir_;
    Diagnostics& diag_;
    std::map<std::string, std::optional<CalendarFile>> files_;
};

std::optional<metrics::Scale> parse_scale(const std::string& text) {
    if (text == "yes-no" || text == "yes/no" || text == "yesno") return metrics::kYesNo;
    auto dash = text.find('-');
    if (dash == std::string::npos || dash == 0) return std::nullopt;
    try {
        metrics::Scale s{std::stoi(text.substr(0, dash)), std::stoi(text.substr(dash + 1))};
        if (s.min < 0 || s.max > 10 || s.min >= s.max) return std::nullopt;
        return s;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

std::optional<AlertRule> parse_alert_when(const std::string& text) {
    std::istringstream in(text);
    std::string subject, op, number;
    in >> subject >> op >> number;
    std::string rest;
    if (subject != "score" || number.empty() || (in >> rest)) return std::nullopt;
    static const std::set<std::string> ops{"<", "<=", ">", ">=", "==", "!="};
    if (!ops.count(op)) return std::nullopt;
    try {
        size_t used = 0;
        int threshold = std::stoi(number, &used);
        if (used != number.size()) return std::nullopt;
        AlertRule rule;
        rule.expression = text;
        rule.op = op;
        rule.threshold = threshold;
        return rule;
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

void read_defaults(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"defaults\"")) return;
    r.check_keys(
        node,
        {"timezone", "locale", "locales", "region", "send_window", "expires", "comment_window",
         "alert_comment_wait", "click_settle", "calendar", "extra_days_off", "arbitration"},
        "\"defaults\"");
    if (auto v = r.string(node, "timezone")) {
        if (valid_zone(*v))
            c.defaults.timezone = *v;
        else
            r.error(node["timezone"],
                    "unknown time zone \"" + *v + "\" (use an IANA name such as Europe/Helsinki)");
    }
    if (auto v = r.string(node, "locale")) c.defaults.locale = *v;
    if (auto v = r.string_list(node, "locales")) c.defaults.locales = *v;
    if (auto v = r.string(node, "region")) c.defaults.region = *v;
    if (auto w = read_window(r, node, "send_window")) c.defaults.send_window = *w;
    if (auto d = r.delay(node, "expires")) c.defaults.expires = *d;
    if (auto d = r.delay(node, "comment_window")) c.defaults.comment_window = *d;
    if (auto d = r.delay(node, "alert_comment_wait")) c.defaults.alert_comment_wait = *d;
    if (auto d = r.delay(node, "click_settle")) {
        // Elapsed time, at least a second: a zero window could not tell a scanner's burst
        // of different scores from a click.
        using U = timing::Delay::Unit;
        const std::int64_t unit = d->unit == U::seconds   ? 1
                                  : d->unit == U::minutes ? 60
                                  : d->unit == U::hours   ? 3600
                                  : d->unit == U::days    ? 86400
                                                          : 0;
        const std::string got = timing::to_string(*d);
        if (unit == 0 || d->amount <= 0)
            r.error(node["click_settle"],
                    "\"click_settle\" must be elapsed time of at least 1s (e.g. 60s, 2m), got \"" +
                        got + "\"");
        else
            c.defaults.click_settle = std::chrono::seconds{unit * d->amount};
    }
    if (auto names = r.string_list(node, "calendar")) c.defaults.calendars = *names;
    read_days_off(r, node, "extra_days_off", c.defaults.extra_days_off);
    c.defaults.arbitration = r.delay(node, "arbitration");
    if (std::find(c.defaults.locales.begin(), c.defaults.locales.end(), c.defaults.locale) ==
        c.defaults.locales.end())
        r.error(node, "default locale \"" + c.defaults.locale + "\" is not in \"locales\"");
}

void read_channels(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node) {
        r.error(YAML::Mark(), "missing required key \"channels\"");
        return;
    }
    if (!r.expect_map(node, "\"channels\"")) return;
    const auto& schemas = channel_schemas();
    std::set<std::string> type_names;
    for (const auto& [name, schema] : schemas) type_names.insert(name);
    static const std::set<std::string> kCommon{
        "type", "kind",  "from",           "from_name", "reply_to",       "max_segments",
        "rate", "burst", "max_concurrent", "retry",     "failover_window"};
    for (auto it = node.begin(); it != node.end(); ++it) {
        ChannelConfig ch;
        ch.name = it->first.Scalar();
        const YAML::Node body = it->second;
        const std::string where = "channel \"" + ch.name + "\"";
        if (!r.expect_map(body, where)) continue;
        auto type = r.string(body, "type", true);
        const ChannelSchema* schema = nullptr;
        if (type) {
            auto found = schemas.find(*type);
            if (found == schemas.end()) {
                std::string message = where + ": unknown type \"" + *type +
                                      "\" (known: sandbox, twilio, vonage, kannel, http, smtp, "
                                      "sendgrid, mailgun, postmark)";
                if (auto suggestion = closest(*type, type_names))
                    message += " (did you mean \"" + *suggestion + "\"?)";
                r.error(body["type"], message);
            } else {
                schema = &found->second;
                ch.type = *type;
            }
        }
        std::set<std::string> allowed = kCommon;
        if (schema) {
            allowed.insert(schema->required.begin(), schema->required.end());
            allowed.insert(schema->optional.begin(), schema->optional.end());
        }
        r.check_keys(body, allowed, where);
        auto kind = r.string(body, "kind", !schema || ch.type == "sandbox" || ch.type == "http");
        if (kind == "sms")
            ch.kind = ChannelKind::sms;
        else if (kind == "email")
            ch.kind = ChannelKind::email;
        else if (kind)
            r.error(body["kind"], where + ": \"kind\" must be sms or email, got \"" + *kind + "\"");
        else if (schema)
            ch.kind = schema->kind;
        if (schema && kind && ch.type != "sandbox" && ch.type != "http" && ch.kind != schema->kind)
            r.error(body["kind"],
                    where + ": a " + ch.type + " channel sends " + to_string(schema->kind));
        if (auto v = r.string(body, "from")) ch.from = *v;
        if (auto v = r.string(body, "from_name")) ch.from_name = *v;
        if (auto v = r.string(body, "reply_to")) ch.reply_to = *v;
        if (auto v = r.integer(body, "max_segments", 1, 10)) ch.max_segments = *v;
        if (auto v = r.integer(body, "rate", 1, 10000)) ch.rate = *v;
        if (auto v = r.integer(body, "burst", 1, 10000)) ch.burst = *v;
        if (auto v = r.integer(body, "max_concurrent", 1, 1000)) ch.max_concurrent = *v;
        if (auto d = r.delay(body, "failover_window")) ch.failover_window = *d;
        if (const YAML::Node retry = body["retry"]) {
            if (r.expect_map(retry, where + ": \"retry\"")) {
                r.check_keys(retry, {"max_attempts", "base_delay", "max_delay"},
                             where + ": \"retry\"");
                if (auto v = r.integer(retry, "max_attempts", 1, 100)) ch.retry.max_attempts = *v;
                if (auto d = r.delay(retry, "base_delay")) ch.retry.base_delay = *d;
                if (auto d = r.delay(retry, "max_delay")) ch.retry.max_delay = *d;
            }
        }
        if (schema) {
            for (const auto& key : schema->required)
                if (!body[key])
                    r.error(body,
                            where + ": missing required key \"" + key + "\" for type " + ch.type);
            for (const auto& key : schema->required) {
                if (auto v = r.string(body, key)) ch.settings[key] = *v;
            }
            for (const auto& key : schema->optional) {
                if (auto v = r.string(body, key)) ch.settings[key] = *v;
            }
            // Secrets never live in YAML: only a ${ENV} reference is accepted.
            for (const auto& key : schema->secrets) {
                const YAML::Node value = body[key];
                if (value && value.IsScalar() && value.Scalar().find("${") == std::string::npos)
                    r.error(value, where + ": \"" + key +
                                       "\" is a secret; write it as ${ENV_VAR}, not in the file");
            }
            // Vonage signs with one of these; any other name would refuse every webhook
            // at run time (403), so it is a configuration error here.
            if (ch.type == "vonage" && body["signature_method"]) {
                static const std::set<std::string> kMethods{"md5hash", "md5", "sha1", "sha256",
                                                            "sha512"};
                const std::string& method = ch.setting("signature_method");
                if (!kMethods.count(method)) {
                    std::string message = where + ": unknown \"signature_method\" \"" + method +
                                          "\" (valid: md5hash, md5, sha1, sha256, sha512)";
                    if (auto suggestion = closest(method, kMethods))
                        message += " (did you mean \"" + *suggestion + "\"?)";
                    r.error(body["signature_method"], message);
                }
            }
            // Kannel expands %<letter> everywhere in its get-url and dlr-url, so a secret
            // with '%' (or anything needing URL escaping) would arrive altered.
            if (ch.type == "kannel" && body["secret"] &&
                !std::all_of(ch.setting("secret").begin(), ch.setting("secret").end(),
                             [](unsigned char c) { return std::isalnum(c) != 0; }))
                r.error(body["secret"], where +
                                            ": \"secret\" must be letters and digits only (Kannel "
                                            "rewrites %x in URLs)");
            if (ch.kind == ChannelKind::sms && ch.type != "sandbox" && ch.from.empty() &&
                ch.setting("messaging_service_sid").empty())
                r.error(body, where + ": missing required key \"from\"");
            if (ch.kind == ChannelKind::email && ch.type != "sandbox" && ch.from.empty())
                r.error(body, where + ": missing required key \"from\"");
        }
        c.channels[ch.name] = ch;
    }
}

void read_alerts_and_staff(YamlReader& r, const YAML::Node& root, Config& c) {
    if (const YAML::Node alerts = root["alerts"]) {
        if (r.expect_map(alerts, "\"alerts\"")) {
            r.check_keys(alerts, {"channel", "targets"}, "\"alerts\"");
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
                    r.check_keys(it->second, {"channel", "address"}, where);
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
            r.check_keys(item, {"id", "name", "email", "phone", "lead"}, "a staff member");
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
}

// The `if:` of a step, parsed now so that a mistake is a config error pointing at its byte.
void read_condition(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node cond = node["if"];
    if (!cond) return;
    if (!cond.IsScalar()) {
        r.error(cond,
                where + ": \"if\" must be a condition such as contact.segment == \"premium\"");
        return;
    }
    auto parsed = Condition::parse(cond.Scalar());
    if (auto* error = std::get_if<ConditionError>(&parsed)) {
        // yaml-cpp marks a quoted scalar at its opening quote (and tags it "!"); the offset
        // counts from the first character inside. Multi-line scalars point at their start.
        YAML::Mark mark = cond.Mark();
        const bool quoted = cond.Tag() == "!";
        const bool one_line = cond.Scalar().find('\n') == std::string::npos;
        if (one_line) mark.column += error->offset + (quoted ? 1 : 0);
        r.error(mark, where + ": \"if\": " + error->message);
        return;
    }
    s.condition = std::get<Condition>(std::move(parsed));
}

Question read_question(YamlReader& r, const YAML::Node& node, const std::string& where,
                       size_t index) {
    Question q;
    q.id = "q" + std::to_string(index + 1);
    q.line = node.Mark().line + 1;
    q.column = node.Mark().column + 1;
    r.check_keys(node, {"id", "metric", "scale", "low_is_good", "template"}, where);
    if (auto id = r.string(node, "id")) q.id = *id;
    if (auto m = r.string(node, "metric", true)) {
        if (auto metric = metrics::parse_metric(*m))
            q.metric = *metric;
        else
            r.error(node["metric"],
                    where + ": unknown metric \"" + *m + "\" (known: nps, enps, csat, ces)");
    }
    const bool nps = q.metric == metrics::Metric::nps || q.metric == metrics::Metric::enps;
    q.scale = nps ? metrics::Scale{0, 10} : metrics::Scale{1, 5};
    if (auto text = r.string(node, "scale")) {
        if (auto scale = parse_scale(*text))
            q.scale = *scale;
        else
            r.error(node["scale"], where +
                                       ": \"scale\" must look like 1-5 or 0-10 (0..10), or be "
                                       "yes-no, got \"" +
                                       *text + "\"");
    }
    if (nps && !(q.scale == metrics::Scale{0, 10}))
        r.error(node, where + ": NPS and eNPS are always asked on 0-10");
    if (auto v = r.boolean(node, "low_is_good")) q.low_is_good = *v;
    if (auto t = r.string(node, "template")) q.template_name = *t;
    return q;
}

// `survey:` is one question ({metric, scale, low_is_good, template}) or a list of up to
// three, asked in order. A step-level `template:` names the first question's message.
void read_survey(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node survey = node["survey"];
    if (!survey) {
        r.error(node, where + ": missing required key \"survey\"");
        return;
    }
    std::vector<Question> questions;
    if (survey.IsSequence()) {
        if (survey.size() == 0 || survey.size() > 3)
            r.error(survey, where + ": \"survey\" asks one to three questions, got " +
                                std::to_string(survey.size()));
        for (size_t i = 0; i < survey.size() && i < 3; ++i) {
            const YAML::Node item = survey[i];
            const std::string at = where + ": question " + std::to_string(i + 1);
            if (r.expect_map(item, at)) questions.push_back(read_question(r, item, at, i));
        }
    } else if (r.expect_map(survey, where + ": \"survey\"")) {
        questions.push_back(read_question(r, survey, where, 0));
    }
    if (questions.empty()) return;
    std::set<std::string> ids;
    for (size_t i = 0; i < questions.size(); ++i)
        if (!ids.insert(questions[i].id).second)
            r.error(survey[i], where + ": two questions named \"" + questions[i].id + "\"");
    if (auto t = r.string(node, "template")) {
        if (!questions[0].template_name.empty())
            r.error(node["template"], where +
                                          ": the first question names its own template; give "
                                          "\"template\" in one place");
        else
            questions[0].template_name = *t;
    }
    s.questions = std::move(questions);
}

// on_waiting: supersede | skip | { wait: <duration> }
void read_on_waiting(YamlReader& r, const YAML::Node& node, const std::string& where, Step& s) {
    const YAML::Node value = node["on_waiting"];
    if (!value) return;
    const std::string usage = where +
                              ": \"on_waiting\" must be supersede, skip or { wait: <duration> } "
                              "(e.g. { wait: 2h })";
    if (value.IsScalar()) {
        if (value.Scalar() == "supersede")
            s.on_waiting = OnWaiting::supersede;
        else if (value.Scalar() == "skip")
            s.on_waiting = OnWaiting::skip;
        else
            r.error(value, usage + ", got \"" + value.Scalar() + "\"");
        return;
    }
    if (!value.IsMap() || !value["wait"]) {
        r.error(value, usage);
        return;
    }
    r.check_keys(value, {"wait"}, where + ": \"on_waiting\"");
    if (auto d = r.delay(value, "wait", true)) {
        s.on_waiting = OnWaiting::wait;
        s.wait_max = *d;
    }
}

Step read_step(YamlReader& r, const YAML::Node& node, const Config& c, const Flow& flow) {
    Step s;
    s.line = node.Mark().line + 1;
    r.check_keys(
        node,
        {"id", "on", "survey", "template", "channel", "delay", "follow_up", "alert", "reminder",
         "expires", "if", "cancel_on", "at", "priority", "arbitration", "recontact", "on_waiting"},
        "a step");
    s.id = r.string(node, "id", true).value_or("");
    const std::string where = "step \"" + s.id + "\"";
    if (auto on = r.string_list(node, "on", true)) s.on = *on;
    read_condition(r, node, where, s);
    if (auto cancel = r.string_list(node, "cancel_on")) {
        s.cancel_on = *cancel;
        for (const auto& type : s.cancel_on)
            if (std::find(s.on.begin(), s.on.end(), type) != s.on.end())
                r.error(node["cancel_on"],
                        where + ": \"" + type + "\" both starts and cancels this step");
    }
    if (auto at = r.string(node, "at")) {
        auto minute = timing::parse_time_of_day(*at);
        if (!minute || *minute >= 24 * 60)
            r.error(
                node["at"],
                where + ": \"at\" must be a local time HH:MM (00:00-23:59), got \"" + *at + "\"");
        else
            s.at_minute = *minute;
    }
    s.priority = r.integer(node, "priority", -1000, 1000).value_or(flow.priority);
    s.arbitration = flow.arbitration;
    if (auto d = r.delay(node, "arbitration")) s.arbitration = *d;
    read_survey(r, node, where, s);
    if (auto channels = r.string_list(node, "channel", true)) {
        s.channels = *channels;
        for (size_t i = 0; i < s.channels.size(); ++i) {
            if (c.channels.count(s.channels[i])) continue;
            const YAML::Node at =
                node["channel"].IsSequence() ? node["channel"][i] : node["channel"];
            std::string message = where + ": undefined channel \"" + s.channels[i] + "\"";
            std::set<std::string> names;
            for (const auto& [name, ch] : c.channels) names.insert(name);
            if (auto suggestion = closest(s.channels[i], names))
                message += " (did you mean \"" + *suggestion + "\"?)";
            r.error(at, message);
        }
    }
    if (auto d = r.delay(node, "delay")) s.delay = *d;
    s.expires = c.defaults.expires;
    if (auto d = r.delay(node, "expires")) s.expires = *d;
    s.recontact = flow.recontact;
    if (auto d = r.delay(node, "recontact")) s.recontact = *d;
    read_on_waiting(r, node, where, s);
    if (auto f = r.string(node, "follow_up")) {
        if (*f == "why")
            s.follow_up_why = true;
        else if (*f != "none")
            r.error(node["follow_up"],
                    where + ": \"follow_up\" must be why or none, got \"" + *f + "\"");
    }
    if (const YAML::Node reminder = node["reminder"]) {
        if (r.expect_map(reminder, where + ": \"reminder\"")) {
            r.check_keys(reminder, {"after", "max"}, where + ": \"reminder\"");
            Reminder rem;
            if (auto d = r.delay(reminder, "after", true)) rem.after = *d;
            rem.max = r.integer(reminder, "max", 0, 5).value_or(1);
            s.reminder = rem;
        }
    }
    if (const YAML::Node alert = node["alert"]) {
        if (r.expect_map(alert, where + ": \"alert\"")) {
            r.check_keys(alert, {"when", "notify"}, where + ": \"alert\"");
            auto when = r.string(alert, "when", true);
            std::optional<AlertRule> rule;
            if (when) {
                rule = parse_alert_when(*when);
                if (!rule)
                    r.error(alert["when"], where +
                                               ": alert condition must look like \"score <= 6\" "
                                               "(<, <=, >, >=, ==, !=), got \"" +
                                               *when + "\"");
                else if (rule->threshold < s.first().scale.min ||
                         rule->threshold > s.first().scale.max)
                    r.warning(alert["when"], where + ": alert threshold " +
                                                 std::to_string(rule->threshold) +
                                                 " is outside the scale");
            }
            if (auto notify = r.string_list(alert, "notify", true)) {
                for (size_t i = 0; i < notify->size(); ++i) {
                    const auto& target = (*notify)[i];
                    if (target == "staff" || target == "team-lead" || c.alert_targets.count(target))
                        continue;
                    const YAML::Node at =
                        alert["notify"].IsSequence() ? alert["notify"][i] : alert["notify"];
                    r.error(at, where + ": unknown alert target \"" + target +
                                    "\" (staff, team-lead, or a name under alerts.targets)");
                }
                if (rule) rule->notify = *notify;
            }
            if (rule) s.alert = rule;
            if (s.alert && c.alert_channel.empty())
                r.error(alert, where + ": alerts need an email channel or alerts.channel");
        }
    }
    return s;
}

std::optional<Flow> read_flow(const fs::path& path, const std::string& display, const Config& c,
                              CalendarCache& calendars, Diagnostics& diag) {
    auto text = read_file(path);
    if (!text) {
        diag.error(display, 0, 0, "cannot read file");
        return std::nullopt;
    }
    auto root = parse_yaml(*text, display, diag);
    if (!root) return std::nullopt;
    YamlReader r(display, diag);
    if (!r.expect_map(*root, "a flow file")) return std::nullopt;
    r.check_keys(*root,
                 {"flow", "timezone", "send_window", "recontact", "steps", "description",
                  "calendar", "extra_days_off", "priority", "arbitration", "schedule"},
                 "a flow");
    Flow f;
    f.file = display;
    f.version = crypto::sha256_hex(*text).substr(0, 12);
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

void read_templates(const fs::path& dir, const std::string& display_dir, Config& c,
                    Diagnostics& diag) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        diag.error(display_dir, 0, 0, "templates directory not found");
        return;
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        auto rel = fs::relative(entry.path(), dir).generic_string();
        if (auto text = read_file(entry.path())) c.templates[rel] = *text;
    }
    for (const auto& locale : c.defaults.locales)
        for (const auto& name : kRequiredTemplates)
            if (!c.templates.count(locale + "/" + name + ".txt"))
                diag.error(display_dir + "/" + locale + "/" + name + ".txt", 0, 0,
                           "missing template for locale " + locale);
}

// api_tokens: each a ${ENV} reference (the token is a secret: not in the file, nor in its
// backups), at least 16 characters once expanded, each problem at its list item.
void read_api_tokens(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node node = root["api_tokens"];
    if (!node) {
        r.error(root, "missing required key \"api_tokens\"");
        return;
    }
    std::vector<YAML::Node> items;
    if (node.IsSequence())
        for (const auto& item : node) items.push_back(item);
    else
        items.push_back(node);
    for (const auto& item : items) {
        if (!item.IsScalar()) {
            r.error(item, "\"api_tokens\" must be a list of ${ENV_VAR} references");
            continue;
        }
        const std::string& raw = item.Scalar();
        const bool reference = raw.size() > 3 && raw.rfind("${", 0) == 0 && raw.back() == '}' &&
                               raw.find_first_of("${}", 2) == raw.size() - 1;
        if (!reference) {
            r.error(item,
                    "\"api_tokens\": a token is a secret; write it as ${ENV_VAR} (e.g. "
                    "${CXGATE_API_TOKEN}), not in the file");
            continue;
        }
        auto token = r.scalar(item, "each item of \"api_tokens\"");
        if (!token || !r.need_secrets()) {
            if (token && !token->empty()) c.api_tokens.push_back(*token);
            continue;
        }
        if (token->size() < 16)
            r.error(item, "\"api_tokens\": " + raw + " must be at least 16 characters, got " +
                              std::to_string(token->size()));
        else
            c.api_tokens.push_back(*token);
    }
}

}  // namespace

LoadResult load(const std::string& config_file, const LoadOptions& options) {
    LoadResult result;
    Diagnostics& diag = result.diagnostics;
    auto config = std::make_shared<Config>();
    config->file = config_file;
    fs::path config_path(config_file);
    config->base_dir = config_path.parent_path().empty() ? "." : config_path.parent_path().string();

    auto text = read_file(config_path);
    if (!text) {
        diag.error(config_file, 0, 0, "cannot read configuration file");
        return result;
    }
    std::string all_content = *text;
    auto root = parse_yaml(*text, config_file, diag);
    if (!root) return result;
    YamlReader r(config_file, diag);
    r.set_need_secrets(options.need_secrets);
    if (!r.expect_map(*root, "the configuration")) return result;
    r.check_keys(*root,
                 {"server", "database", "api_tokens", "defaults", "channels", "alerts", "staff",
                  "flows_dir", "templates_dir", "sources", "calendars_dir", "fatigue"},
                 "the configuration");
    read_server(r, (*root)["server"], *config);
    read_database(r, (*root)["database"], *config);
    read_api_tokens(r, *root, *config);
    read_defaults(r, (*root)["defaults"], *config);
    read_channels(r, (*root)["channels"], *config);
    read_alerts_and_staff(r, *root, *config);
    read_sources(r, (*root)["sources"], *config);
    config->flows_dir = r.string(*root, "flows_dir").value_or("flows");
    config->templates_dir = r.string(*root, "templates_dir").value_or("templates");
    config->calendars_dir = r.string(*root, "calendars_dir").value_or("calendars");
    if (const YAML::Node fatigue = (*root)["fatigue"]) {
        if (r.expect_map(fatigue, "\"fatigue\"")) {
            r.check_keys(fatigue, {"max", "per"}, "\"fatigue\"");
            Fatigue f;
            f.max = r.integer(fatigue, "max", 1, 100, true).value_or(1);
            if (auto d = r.delay(fatigue, "per", true)) f.per = *d;
            config->fatigue = f;
        }
    }

    auto resolve = [&](const std::string& p) {
        fs::path path(p);
        return path.is_absolute() ? path : fs::path(config->base_dir) / path;
    };
    if (!fs::path(config->store.path).is_absolute())
        config->store.path = resolve(config->store.path).string();

    fs::path flows_dir = resolve(config->flows_dir);
    std::error_code ec;
    std::vector<fs::path> flow_files;
    if (fs::is_directory(flows_dir, ec)) {
        for (const auto& entry : fs::directory_iterator(flows_dir, ec)) {
            auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
                flow_files.push_back(entry.path());
        }
    } else {
        diag.error(flows_dir.string(), 0, 0, "flows directory not found");
    }
    std::sort(flow_files.begin(), flow_files.end());
    std::map<std::string, std::string> flow_names;
    CalendarCache calendars(resolve(config->calendars_dir), diag);
    for (const auto& name : config->defaults.calendars)
        if (!calendars.exists(name))
            r.error((*root)["defaults"]["calendar"],
                    "unknown calendar \"" + name + "\" (no " +
                        (calendars.dir() / (name + ".yaml")).lexically_normal().string() + ")");
    for (const auto& path : flow_files) {
        auto display = path.lexically_normal().string();
        if (auto flow_text = read_file(path)) all_content += *flow_text;
        auto flow = read_flow(path, display, *config, calendars, diag);
        if (!flow) continue;
        if (!flow->name.empty()) {
            auto [it, inserted] = flow_names.emplace(flow->name, display);
            if (!inserted)
                diag.error(display, 1, 1,
                           "flow \"" + flow->name + "\" is already defined in " + it->second);
        }
        config->flows.push_back(std::move(*flow));
    }

    for (const auto& path : calendars.paths())
        if (auto calendar_text = read_file(path)) all_content += *calendar_text;
    // A contact list is part of the configuration: a reload notices a changed list.
    for (const auto& flow : config->flows)
        if (flow.schedule && !flow.schedule->list_file.empty())
            if (auto list = read_file(resolve(flow.schedule->list_file))) all_content += *list;

    read_templates(resolve(config->templates_dir),
                   resolve(config->templates_dir).lexically_normal().string(), *config, diag);
    for (const auto& [name, source] : config->templates) all_content += name + source;

    lint(*config, diag);
    config->version = crypto::sha256_hex(all_content).substr(0, 12);
    if (!diag.has_errors()) result.config = std::move(config);
    return result;
}

}  // namespace cxgate::config
