#include "cxgate/engine/event.hpp"

#include <algorithm>
#include <cmath>
#include <set>

#include "cxgate/config/event_fields.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/foundation/utf8.hpp"

namespace cxgate::engine {

namespace {

using json = nlohmann::json;

// The field at fault and the whole message, which starts with it: "contact.phone: ...".
struct FieldError {
    FieldError(std::string field_name, const std::string& problem)
        : field(std::move(field_name)), message(field + ": " + problem) {}
    std::string field;
    std::string message;
};

// Reads an optional string member; anything but a string or null is a field error, and
// so is one longer than its limit (max_field_chars).
std::string optional_string(const json& object, const char* key, const std::string& path) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return {};
    if (!it->is_string()) throw FieldError{path + key, "must be a string"};
    auto value = it->get<std::string>();
    const auto limit = max_field_chars(path + key);
    if (utf8::length(value) > limit)
        throw FieldError{path + key, "longer than " + std::to_string(limit) + " characters"};
    return value;
}

std::string required_string(const json& object, const char* key, const std::string& path) {
    auto value = optional_string(object, key, path);
    if (value.empty()) throw FieldError{path + key, "required, a non-empty string"};
    return value;
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

bool plausible_email(const std::string& s) {
    auto at = s.find('@');
    return at != std::string::npos && at > 0 && s.find('.', at) != std::string::npos &&
           s.find_first_of(" \t\r\n<>,;") == std::string::npos && s.back() != '.';
}

// A misspelt field would otherwise be dropped without a word ("emial" and then "needs a
// phone or an email"); the schema the daemon serves says the same.
void refuse_unknown_fields(const json& object, const std::string& parent) {
    static const auto names = [] {
        std::map<std::string, std::set<std::string>> out;
        for (const char* p : {"", "contact", "staff"})
            for (const auto* f : config::event_fields_under(p))
                out[p].insert(f->path.substr(*p ? std::string(p).size() + 1 : 0));
        return out;
    }();
    const auto& known = names.at(parent);
    for (auto it = object.begin(); it != object.end(); ++it)
        if (!known.count(it.key()))
            throw FieldError{parent.empty() ? it.key() : parent + "." + it.key(), "unknown field"};
}

}  // namespace

const std::map<std::string, size_t>& field_limits() {
    static const std::map<std::string, size_t> limits = [] {
        std::map<std::string, size_t> out;
        for (const auto& f : config::event_fields())
            if (f.max_chars) out.emplace(f.path, f.max_chars);
        return out;
    }();
    return limits;
}

size_t max_field_chars(const std::string& field) {
    auto it = field_limits().find(field);
    return it == field_limits().end() ? 200 : it->second;
}

ParsedEvent parse_event(const json& body, const config::Config& config,
                        timing::TimePoint received_at) {
    ParsedEvent out;
    try {
        if (!body.is_object()) throw FieldError{"body", "must be a JSON object"};
        refuse_unknown_fields(body, "");
        Event e;
        e.raw = body;
        e.received_at = received_at;
        e.id = required_string(body, "id", "");
        e.type = required_string(body, "type", "");
        e.occurred_at = received_at;
        if (auto when = optional_string(body, "occurred_at", ""); !when.empty()) {
            auto parsed = timing::parse_iso8601(when);
            if (!parsed)
                throw FieldError{"occurred_at",
                                 "expected ISO 8601 with offset, e.g. 2026-11-20T19:55:00+02:00"};
            e.occurred_at = *parsed;
        }

        auto contact_it = body.find("contact");
        if (contact_it == body.end() || !contact_it->is_object())
            throw FieldError{"contact", "required, an object with phone and/or email"};
        const json& c = *contact_it;
        refuse_unknown_fields(c, "contact");
        Contact& contact = e.contact;
        if (auto phone = optional_string(c, "phone", "contact."); !phone.empty()) {
            std::string why;
            auto normalized = phone::normalize(phone, config.defaults.region, &why);
            if (!normalized) throw FieldError{"contact.phone", why};
            contact.phone = normalized->e164;
            contact.phone_is_mobile = normalized->mobile_capable;
        }
        if (auto email = optional_string(c, "email", "contact."); !email.empty()) {
            if (!plausible_email(email))
                throw FieldError{"contact.email", "not an email address: \"" + email + "\""};
            contact.email = lower(email);
        }
        if (contact.phone.empty() && contact.email.empty())
            throw FieldError{"contact", "needs a phone or an email"};
        contact.id = optional_string(c, "id", "contact.");
        if (contact.id.empty()) contact.id = !contact.phone.empty() ? contact.phone : contact.email;
        contact.name = optional_string(c, "name", "contact.");
        contact.segment = optional_string(c, "segment", "contact.");
        contact.locale = lower(optional_string(c, "locale", "contact."));
        if (contact.locale.empty()) contact.locale = config.defaults.locale;
        if (std::find(config.defaults.locales.begin(), config.defaults.locales.end(),
                      contact.locale) == config.defaults.locales.end())
            throw FieldError{"contact.locale",
                             "\"" + contact.locale + "\" is not one of the configured locales"};
        contact.timezone = optional_string(c, "timezone", "contact.");
        if (!contact.timezone.empty()) {
            try {
                date::locate_zone(contact.timezone);
            } catch (const std::exception&) {
                throw FieldError{"contact.timezone",
                                 "unknown time zone \"" + contact.timezone + "\""};
            }
        }

        if (auto staff_it = body.find("staff"); staff_it != body.end() && !staff_it->is_null()) {
            if (!staff_it->is_object()) throw FieldError{"staff", "must be an object"};
            refuse_unknown_fields(*staff_it, "staff");
            Staff s;
            s.id = required_string(*staff_it, "id", "staff.");
            s.name = optional_string(*staff_it, "name", "staff.");
            s.email = lower(optional_string(*staff_it, "email", "staff."));
            s.phone = optional_string(*staff_it, "phone", "staff.");
            // The staff directory in cxgate.yaml fills what the event leaves out.
            if (auto known = config.staff.find(s.id); known != config.staff.end()) {
                if (s.name.empty()) s.name = known->second.name;
                if (s.email.empty()) s.email = known->second.email;
                if (s.phone.empty()) s.phone = known->second.phone;
            }
            if (!s.email.empty() && !plausible_email(s.email))
                throw FieldError{"staff.email", "not an email address: \"" + s.email + "\""};
            e.staff = s;
        }
        if (auto attrs = body.find("attributes"); attrs != body.end() && !attrs->is_null()) {
            if (!attrs->is_object()) throw FieldError{"attributes", "must be an object"};
            e.attributes = *attrs;
        }
        // An integer id is kept as its decimal text, unsigned ones too (read as signed,
        // 2^64-1 became "-1" and two deals became one). A number with a fraction or an
        // exponent, or beyond 64 bits (nlohmann reads it as a double), has no exact text.
        auto deal_id = [](const json& v, const std::string& field) -> std::string {
            if (v.is_string()) {
                auto text = v.get<std::string>();
                if (utf8::length(text) > max_field_chars("deal_id"))
                    throw FieldError{field, "longer than " +
                                                std::to_string(max_field_chars("deal_id")) +
                                                " characters"};
                return text;
            }
            if (v.is_number_unsigned()) return std::to_string(v.get<std::uint64_t>());
            if (v.is_number_integer()) return std::to_string(v.get<std::int64_t>());
            if (v.is_null()) return {};
            if (v.is_number_float())
                throw FieldError{field,
                                 "must be a string or an integer of at most 64 bits (send "
                                 "larger or non-integral ids as strings)"};
            throw FieldError{field, "must be a string or an integer"};
        };
        if (auto it = body.find("deal_id"); it != body.end())
            e.deal_id = deal_id(*it, "deal_id");
        else if (auto a = e.attributes.find("deal_id"); a != e.attributes.end())
            e.deal_id = deal_id(*a, "attributes.deal_id");
        if (auto v = body.find("value"); v != body.end() && !v->is_null()) {
            if (!v->is_number() || !std::isfinite(v->get<double>()) || v->get<double>() < 0 ||
                v->get<double>() > 1e12)
                throw FieldError{"value", "must be a number from 0 to 10^12 (the deal's value)"};
            e.value = v->get<double>();
        }
        e.currency = optional_string(body, "currency", "");
        if (!e.currency.empty() &&
            (e.currency.size() != 3 || !std::all_of(e.currency.begin(), e.currency.end(),
                                                    [](char c) { return c >= 'A' && c <= 'Z'; })))
            throw FieldError{"currency", "must be an ISO 4217 code such as EUR"};
        if (e.value && e.currency.empty())
            throw FieldError{"currency", "required with value (an ISO 4217 code such as EUR)"};
        out.event = std::move(e);
    } catch (const FieldError& error) {
        out.error = error.message;
        out.field = error.field;
    }
    return out;
}

}  // namespace cxgate::engine
