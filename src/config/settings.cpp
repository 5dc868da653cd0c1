// The top-level settings of cxgate.yaml that have no file of their own: `defaults:`,
// `api_tokens:` and `fatigue:`. (`server:` and `database:` are in server_section.cpp,
// `sources:` in sources.cpp.)
#include <algorithm>
#include <cctype>
#include <chrono>
#include <cstdint>
#include <optional>
#include "cxgate/config/keys.hpp"

#include "cxgate/foundation/crypto.hpp"
#include "loader.hpp"

namespace cxgate::config::detail {

namespace {

// A delay as elapsed seconds; nullopt for business days (not elapsed time) and for none.
std::optional<std::int64_t> elapsed_seconds(const timing::Delay& d) {
    using U = timing::Delay::Unit;
    const std::int64_t unit = d.unit == U::seconds   ? 1
                              : d.unit == U::minutes ? 60
                              : d.unit == U::hours   ? 3600
                              : d.unit == U::days    ? 86400
                                                     : 0;
    if (unit == 0 || d.amount < 1) return std::nullopt;
    return unit * d.amount;
}

}  // namespace

void read_defaults(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"defaults\"")) return;
    r.check_keys(node, keys::defaults.keys, "\"defaults\"");
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
        if (auto seconds = elapsed_seconds(*d))
            c.defaults.click_settle = std::chrono::seconds{*seconds};
        else
            r.error(node["click_settle"],
                    "\"click_settle\" must be elapsed time of at least 1s (e.g. 60s, 2m), got \"" +
                        timing::to_string(*d) + "\"");
    }
    if (auto names = r.string_list(node, "calendar")) c.defaults.calendars = *names;
    read_days_off(r, node, "extra_days_off", c.defaults.extra_days_off);
    c.defaults.arbitration = r.delay(node, "arbitration");
    if (std::find(c.defaults.locales.begin(), c.defaults.locales.end(), c.defaults.locale) ==
        c.defaults.locales.end())
        r.error(node, "default locale \"" + c.defaults.locale + "\" is not in \"locales\"");
}

// api_tokens: each a ${ENV} reference (the token is a secret: not in the file, nor in its
// backups), at least 16 characters once expanded, each problem at its list item. An item is
// the reference itself (every scope), {token: ${ENV}, scopes: [ingest, read, admin]}, or
// {sha256: <64 hex digits>, scopes: [...]}: the token's digest, which is no secret, so it
// may be written in the file (`cxgate token new` prints both).
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
    for (const auto& entry : items) {
        YAML::Node item = entry;
        unsigned scopes = kAllScopes;
        if (entry.IsMap()) {
            r.check_keys(entry, keys::api_token.keys, "an item of \"api_tokens\"");
            if (entry["token"] && entry["sha256"]) {
                r.error(entry["sha256"],
                        "an item of \"api_tokens\": give \"token\" or \"sha256\", not both");
                continue;
            }
            if (!entry["token"] && !entry["sha256"]) {
                r.error(entry,
                        "an item of \"api_tokens\": missing \"token\" (a ${ENV_VAR}) or "
                        "\"sha256\" (the token's digest, from cxgate token new)");
                continue;
            }
            // reset(), not =: assigning a YAML::Node writes through to the node it refers to.
            if (entry["token"]) item.reset(entry["token"]);
            if (auto names = r.string_list(entry, "scopes", true)) {
                scopes = 0;
                for (const auto& name : *names) {
                    bool known = false;
                    for (auto s : {Scope::ingest, Scope::read, Scope::admin})
                        if (name == to_string(s)) {
                            scopes |= static_cast<unsigned>(s);
                            known = true;
                        }
                    if (!known)
                        r.error(entry["scopes"],
                                "\"scopes\": \"" + name + "\" is not one of ingest, read, admin");
                }
                if (names->empty())
                    r.error(entry["scopes"],
                            "\"scopes\": name at least one of ingest, read, admin");
            }
        }
        if (entry.IsMap() && entry["sha256"]) {
            auto digest = r.scalar(entry["sha256"], "\"sha256\"");
            if (!digest) continue;
            std::string hex = *digest;
            for (char& ch : hex)
                ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
            if (hex.size() != 64 ||
                hex.find_first_not_of("0123456789abcdef") != std::string::npos) {
                r.error(entry["sha256"],
                        "\"sha256\": the token's SHA-256 as 64 hex digits (cxgate token new "
                        "prints it; or: printf %s \"$TOKEN\" | sha256sum)");
                continue;
            }
            ApiToken t;
            t.sha256 = hex;
            t.scopes = scopes;
            c.api_tokens.push_back(std::move(t));
            continue;
        }
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
            if (token && !token->empty())
                c.api_tokens.push_back(ApiToken::from_value(*token, scopes));
            continue;
        }
        if (token->size() < 16)
            r.error(item, "\"api_tokens\": " + raw + " must be at least 16 characters, got " +
                              std::to_string(token->size()));
        else
            c.api_tokens.push_back(ApiToken::from_value(*token, scopes));
    }
}

void read_fatigue(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node fatigue = root["fatigue"];
    if (!fatigue || !r.expect_map(fatigue, "\"fatigue\"")) return;
    r.check_keys(fatigue, keys::fatigue.keys, "\"fatigue\"");
    Fatigue f;
    f.max = r.integer(fatigue, "max", 1, 100, true).value_or(1);
    if (auto d = r.delay(fatigue, "per", true)) f.per = *d;
    c.fatigue = f;
}

void read_retention(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node node = root["retention"];
    if (!node || !r.expect_map(node, "\"retention\"")) return;
    r.check_keys(node, keys::retention.keys, "\"retention\"");
    auto age = [&](const char* key, std::optional<std::int64_t>& into) {
        auto d = r.delay(node, key);
        if (!d) return;
        // Elapsed time: an age counted in business days would keep data longer over
        // holidays, which is not what a retention rule says.
        into = elapsed_seconds(*d);
        if (!into)
            r.error(node[key], std::string("\"") + key +
                                   "\": an age such as 90d, 400d or 36h (calendar time), got \"" +
                                   timing::to_string(*d) + "\"");
    };
    age("events", c.retention.events);
    age("messages", c.retention.messages);
    age("comments", c.retention.comments);
    age("inbound", c.retention.inbound);
    age("audit", c.retention.audit);
}

void read_sales(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node sales = root["sales"];
    if (!sales || !r.expect_map(sales, "\"sales\"")) return;
    r.check_keys(sales, keys::sales.keys, "\"sales\"");
    if (auto v = r.string_list(sales, "leads")) c.sales.leads = *v;
    if (auto v = r.string_list(sales, "won")) c.sales.won = *v;
    if (auto v = r.string_list(sales, "lost")) c.sales.lost = *v;
    const YAML::Node retention = sales["retention"];
    if (!retention || !r.expect_map(retention, "\"sales.retention\"")) return;
    r.check_keys(retention, keys::sales_retention.keys, "\"sales.retention\"");
    if (auto v = r.string_list(retention, "events", true)) {
        if (v->empty()) r.error(retention["events"], "\"events\": name at least one event type");
        c.sales.retention.events = *v;
    }
    if (auto within = r.delay(retention, "within")) {
        // Days only: a retention window is read in calendar days, and a window of hours
        // would be a mistake in the YAML, not a business question.
        if (within->unit != timing::Delay::Unit::days || within->amount < 1 ||
            within->amount > 3660)
            r.error(retention["within"], "\"within\": a number of days from 1 to 3660 (365d)");
        else
            c.sales.retention.within_days = within->amount;
    }
}

void read_themes(YamlReader& r, const YAML::Node& root, Config& c) {
    const YAML::Node themes = root["themes"];
    if (!themes || !r.expect_map(themes, "\"themes\"")) return;
    for (const auto& entry : themes) {
        Theme theme;
        theme.name = entry.first.as<std::string>();
        const std::string where = "\"themes." + theme.name + "\"";
        if (!r.expect_map(entry.second, where)) continue;
        r.check_keys(entry.second, keys::theme.keys, where);
        for (const char* locale : {"fi", "sv", "en"}) {
            auto words = r.string_list(entry.second, locale);
            if (!words) continue;
            for (auto& w : *words) {
                std::string lower;
                for (size_t i = 0; i < w.size(); ++i) {
                    const auto ch = static_cast<unsigned char>(w[i]);
                    // ASCII capitals, and the two-byte Latin-1 capitals (Ä, Ö, Å: C3 84..9E).
                    if (ch < 0x80)
                        lower += static_cast<char>(std::tolower(ch));
                    else if (ch == 0xC3 && i + 1 < w.size() &&
                             static_cast<unsigned char>(w[i + 1]) >= 0x80 &&
                             static_cast<unsigned char>(w[i + 1]) <= 0x9E &&
                             static_cast<unsigned char>(w[i + 1]) != 0x97) {
                        lower += w[i];
                        lower += static_cast<char>(w[++i] + 0x20);
                    } else {
                        lower += w[i];
                    }
                }
                if (lower.empty() || lower.find(' ') != std::string::npos)
                    r.error(entry.second[locale],
                            where + "." + locale + ": a keyword is one word (\"" + w + "\")");
                w = lower;
            }
            theme.keywords[locale] = *words;
        }
        if (theme.keywords.empty())
            r.error(entry.second, where + ": give keywords for at least one of fi, sv, en");
        c.themes.push_back(std::move(theme));
    }
}

}  // namespace cxgate::config::detail

namespace cxgate::config {

std::string_view to_string(Scope scope) {
    switch (scope) {
        case Scope::ingest:
            return "ingest";
        case Scope::read:
            return "read";
        case Scope::admin:
            return "admin";
    }
    return "read";
}

}  // namespace cxgate::config
