// The `channels:` section: the providers cxgate knows, the settings each takes, and the
// rules a provider's settings must follow to work at run time.
#include <algorithm>
#include <cctype>
#include <set>
#include "cxgate/config/keys.hpp"

#include "loader.hpp"

namespace cxgate::config {

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

namespace detail {

namespace {

// Settings a provider would refuse, or mangle, only when it is used.
void check_provider_rules(YamlReader& r, const YAML::Node& body, const std::string& where,
                          const ChannelConfig& ch) {
    // Vonage signs with one of these; any other name would refuse every webhook
    // at run time (403), so it is a configuration error here.
    if (ch.type == "vonage" && body["signature_method"]) {
        static const std::set<std::string> kMethods{"md5hash", "md5", "sha1", "sha256", "sha512"};
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
}

}  // namespace

void read_channels(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node) {
        r.error(YAML::Mark(), "missing required key \"channels\"");
        return;
    }
    if (!r.expect_map(node, "\"channels\"")) return;
    const auto& schemas = channel_schemas();
    std::set<std::string> type_names;
    for (const auto& [name, schema] : schemas) type_names.insert(name);
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
        std::set<std::string> allowed = keys::channel.keys;
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
                r.check_keys(retry, keys::channel_retry.keys, where + ": \"retry\"");
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
            check_provider_rules(r, body, where, ch);
            if (ch.kind == ChannelKind::sms && ch.type != "sandbox" && ch.from.empty() &&
                ch.setting("messaging_service_sid").empty())
                r.error(body, where + ": missing required key \"from\"");
            if (ch.kind == ChannelKind::email && ch.type != "sandbox" && ch.from.empty())
                r.error(body, where + ": missing required key \"from\"");
        }
        c.channels[ch.name] = ch;
    }
}

}  // namespace detail

}  // namespace cxgate::config
