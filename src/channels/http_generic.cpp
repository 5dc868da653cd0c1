// A generic HTTP API, for an SMS or email provider without an adapter of its own (or an
#include "cxgate/foundation/text.hpp"
// in-house gateway). Everything is configured:
//   method (POST), url, content_type (application/json), headers ("Name: value" lines
//   separated by newlines), body: a template with {{to}}, {{from}}, {{text}}, {{subject}}
//   and {{message_id}} ("cx-<our id>"). Values are JSON-escaped when the content type is
//   JSON (the template supplies the quotes), form-encoded when it is form-urlencoded, and
//   inserted as they are otherwise; placeholders in the url are always URL-encoded. The
//   default body is {"to":"{{to}}","from":"{{from}}","text":"{{text}}"}; a GET, HEAD or
//   DELETE without a body setting sends no body.
//   success_status (200,201,202): the statuses that mean "accepted"; anything else is read
//   as usual (429 and 5xx temporary, honouring Retry-After; other 4xx permanent).
//   message_id_path: a dotted path into the JSON answer ("data.id", "messages.0.id") for
//   the provider's id; when empty, or when the answer lacks it, the id is "cx-<our id>",
//   which the far end can echo from {{message_id}}.
// Webhooks (inbound replies and status reports) are JSON objects (or arrays of them) or
// forms; field names from from_field/text_field/id_field and status_id_field/status_field
// (JSON fields may be dotted paths). A status must be delivered, failed, undelivered,
// bounced, complained or sent. Both are authenticated by a hex HMAC-SHA256 of the raw
// body with hmac_secret in the signature_header (X-Signature; "sha256=" prefix allowed,
// as GitHub-style senders add it); without hmac_secret every webhook is refused (403).
// There is no provider reference: this adapter is the contract, documented here.
#include <cctype>
#include <map>
#include <set>

#include <nlohmann/json.hpp>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::channels {

namespace {

enum class Escape { none, json, form, url };

using text::lower;

std::string escape(const std::string& value, Escape how) {
    switch (how) {
        case Escape::json: {
            // dump() quotes; the template supplies its own quotes. Invalid UTF-8 becomes
            // U+FFFD rather than an exception.
            auto quoted = nlohmann::json(value).dump(-1, ' ', false,
                                                     nlohmann::json::error_handler_t::replace);
            return quoted.substr(1, quoted.size() - 2);
        }
        case Escape::form:
        case Escape::url:
            return url::encode(value);
        case Escape::none:
            return value;
    }
    return value;
}

// {{name}} (spaces inside the braces allowed) replaced by vars[name]; an unknown name is
// left as written so that a typo shows in what the far end receives.
std::string render(const std::string& tmpl, const std::map<std::string, std::string>& vars,
                   Escape how) {
    std::string out;
    size_t pos = 0;
    while (pos < tmpl.size()) {
        const size_t open = tmpl.find("{{", pos);
        if (open == std::string::npos) break;
        const size_t close = tmpl.find("}}", open + 2);
        if (close == std::string::npos) break;
        out.append(tmpl, pos, open - pos);
        auto it = vars.find(text::trimmed(tmpl.substr(open + 2, close - open - 2)));
        if (it == vars.end())
            out.append(tmpl, open, close + 2 - open);
        else
            out += escape(it->second, how);
        pos = close + 2;
    }
    out.append(tmpl, pos, std::string::npos);
    return out;
}

// A dotted path into JSON: object keys, and array indexes as decimal numbers.
const nlohmann::json* at_path(const nlohmann::json& root, const std::string& path) {
    const nlohmann::json* node = &root;
    size_t start = 0;
    while (start <= path.size()) {
        const size_t dot = path.find('.', start);
        const std::string key =
            path.substr(start, dot == std::string::npos ? std::string::npos : dot - start);
        if (node->is_object()) {
            auto it = node->find(key);
            if (it == node->end()) return nullptr;
            node = &*it;
        } else if (node->is_array() && !key.empty() && key.size() < 10 &&
                   key.find_first_not_of("0123456789") == std::string::npos) {
            const size_t index = std::stoul(key);
            if (index >= node->size()) return nullptr;
            node = &(*node)[index];
        } else {
            return nullptr;
        }
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    return node;
}

// A scalar as text (numbers as written), or nullopt for a missing, null or structured value.
std::optional<std::string> scalar_text(const nlohmann::json* value) {
    if (!value || value->is_null() || value->is_structured()) return std::nullopt;
    if (value->is_string()) return value->get<std::string>();
    return value->dump();
}

class HttpGenericChannel final : public Channel {
  public:
    HttpGenericChannel(const config::ChannelConfig& channel, const ChannelContext& context)
        : channel_(channel), context_(context) {
        method_ = channel.setting("method").empty() ? "POST" : channel.setting("method");
        for (char& c : method_) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
        content_type_ = channel.setting("content_type").empty() ? "application/json"
                                                                : channel.setting("content_type");
        const auto type = lower(content_type_);
        if (type.find("json") != std::string::npos)
            escape_ = Escape::json;
        else if (type.find("x-www-form-urlencoded") != std::string::npos)
            escape_ = Escape::form;
        read_headers(channel.setting("headers"));
        read_success(channel.setting("success_status").empty() ? "200,201,202"
                                                               : channel.setting("success_status"));
        signature_header_ = lower(channel.setting("signature_header").empty()
                                      ? "X-Signature"
                                      : channel.setting("signature_header"));
    }

    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        if (!config_error_.empty())
            co_return SendResult{
                SendResult::Status::permanent_failure, "", config_error_, "config", {}, false, {}};
        const std::string our_id = "cx-" + std::to_string(message.id);
        const std::map<std::string, std::string> vars = {{"to", message.address},
                                                         {"from", channel_.from},
                                                         {"text", message.body},
                                                         {"subject", message.subject},
                                                         {"message_id", our_id}};
        HttpRequest request;
        request.method = method_;
        request.url = render(channel_.setting("url"), vars, Escape::url);
        const bool bodyless = method_ == "GET" || method_ == "HEAD" || method_ == "DELETE";
        std::string body_template = channel_.setting("body");
        if (body_template.empty() && !bodyless)
            body_template = R"({"to":"{{to}}","from":"{{from}}","text":"{{text}}"})";
        request.body = render(body_template, vars, escape_);
        bool has_content_type = false;
        for (const auto& h : headers_) {
            if (lower(h.substr(0, h.find(':'))) == "content-type") has_content_type = true;
            request.headers.push_back(h);
        }
        if (!has_content_type && !request.body.empty())
            request.headers.push_back("Content-Type: " + content_type_);
        auto response = co_await context_.http->request(std::move(request));

        if (response.curl_code == 0 && success_.count(response.status)) {
            SendResult ok;
            ok.provider_id = our_id;
            if (const auto& path = channel_.setting("message_id_path"); !path.empty()) {
                nlohmann::json json = json_input::parse_or_discarded(response.body);
                if (auto id = scalar_text(at_path(json, path)); id && !id->empty())
                    ok.provider_id = *id;
            }
            co_return ok;
        }
        co_return classify_http(response, error_text(response.body), "");
    }

    bool has_outside_effect() const override { return true; }

    InboundResult parse_inbound(const WebhookRequest& request, long long) override {
        if (auto error = verify(request)) return *error;
        auto records = read(request);
        if (auto* error = std::get_if<WebhookError>(&records)) return *error;
        const auto from_field = name_or(channel_.setting("from_field"), "from");
        const auto text_field = name_or(channel_.setting("text_field"), "text");
        const auto id_field = name_or(channel_.setting("id_field"), "id");
        std::vector<InboundReply> out;
        for (const auto& record : std::get<std::vector<Record>>(records)) {
            InboundReply reply;
            reply.from = record.get(from_field);
            reply.text = record.get(text_field);
            reply.provider_id = record.get(id_field);
            if (reply.from.empty()) return WebhookError{400, from_field + ": required"};
            // The id is how a provider's retry is recognised as the same reply.
            if (reply.provider_id.empty()) return WebhookError{400, id_field + ": required"};
            out.push_back(std::move(reply));
        }
        return out;
    }

    StatusResult parse_status(const WebhookRequest& request, long long) override {
        if (auto error = verify(request)) return *error;
        auto records = read(request);
        if (auto* error = std::get_if<WebhookError>(&records)) return *error;
        const auto id_field = name_or(channel_.setting("status_id_field"), "id");
        const auto status_field = name_or(channel_.setting("status_field"), "status");
        static const std::set<std::string> known{"delivered", "failed",     "undelivered",
                                                 "bounced",   "complained", "sent"};
        std::vector<StatusReport> out;
        for (const auto& record : std::get<std::vector<Record>>(records)) {
            StatusReport report;
            report.provider_id = record.get(id_field);
            report.status = record.get(status_field);
            if (report.provider_id.empty()) return WebhookError{400, id_field + ": required"};
            if (!known.count(report.status))
                return WebhookError{
                    400,
                    status_field +
                        ": must be delivered, failed, undelivered, bounced, complained or sent"};
            report.error = record.get("error");
            report.error_code = record.get("error_code");
            out.push_back(std::move(report));
        }
        return out;
    }

  private:
    // One webhook record: a form's fields or a JSON object.
    struct Record {
        signatures::Params form;
        nlohmann::json json;
        bool is_json = false;
        std::string get(const std::string& name) const {
            if (!is_json) return field(form, name);
            return scalar_text(at_path(json, name)).value_or("");
        }
    };

    static std::string name_or(const std::string& value, const char* fallback) {
        return value.empty() ? fallback : value;
    }

    static std::variant<std::vector<Record>, WebhookError> read(const WebhookRequest& request) {
        if (is_form(request))
            return std::vector<Record>{Record{form_params(request.body), {}, false}};
        auto parsed = json_input::parse(request.body);
        if (!parsed.value) return WebhookError{400, parsed.message()};
        nlohmann::json body = std::move(*parsed.value);
        std::vector<Record> records;
        if (body.is_object()) {
            records.push_back(Record{{}, std::move(body), true});
        } else if (body.is_array()) {
            for (auto& element : body) {
                if (!element.is_object())
                    return WebhookError{400, "body: array elements must be JSON objects"};
                records.push_back(Record{{}, std::move(element), true});
            }
        } else {
            return WebhookError{400, "body: must be a JSON object or an array of objects"};
        }
        return records;
    }

    std::optional<WebhookError> verify(const WebhookRequest& request) const {
        const auto& secret = channel_.setting("hmac_secret");
        if (secret.empty())
            return WebhookError{403, "hmac_secret is not configured: webhooks must be signed"};
        const auto& signature = header(request, signature_header_);
        if (signature.empty()) return WebhookError{403, signature_header_ + ": missing"};
        if (!crypto::hmac_sha256_verify(secret, request.body, signature))
            return WebhookError{403, signature_header_ + ": wrong signature"};
        return std::nullopt;
    }

    // The error a JSON answer names in one of the usual places, else the start of the body.
    static std::string error_text(const std::string& body) {
        nlohmann::json json = json_input::parse_or_discarded(body);
        for (const char* path :
             {"message", "error", "error.message", "errors.0.message", "detail"}) {
            if (auto text = scalar_text(at_path(json, path)); text && !text->empty()) return *text;
        }
        return body.substr(0, 300);
    }

    void read_headers(const std::string& setting) {
        // Lines are separated by real newlines, or by a literal "\n" when the YAML value
        // was single-quoted.
        std::string text = setting;
        for (size_t at = text.find("\\n"); at != std::string::npos; at = text.find("\\n", at))
            text.replace(at, 2, "\n");
        size_t start = 0;
        while (start <= text.size()) {
            const size_t nl = text.find('\n', start);
            const std::string line = text::trimmed(
                text.substr(start, nl == std::string::npos ? std::string::npos : nl - start));
            if (!line.empty()) {
                const size_t colon = line.find(':');
                const std::string name =
                    colon == std::string::npos ? "" : text::trimmed(line.substr(0, colon));
                if (name.empty() ||
                    name.find_first_of(" \t\"(),/;<=>?@[\\]{}") != std::string::npos) {
                    config_error_ = "headers: \"" + line + "\" is not a \"Name: value\" line";
                    return;
                }
                headers_.push_back(name + ": " + text::trimmed(line.substr(colon + 1)));
            }
            if (nl == std::string::npos) break;
            start = nl + 1;
        }
    }

    void read_success(const std::string& setting) {
        size_t start = 0;
        while (start <= setting.size()) {
            const size_t comma = setting.find(',', start);
            const auto item = text::trimmed(setting.substr(
                start, comma == std::string::npos ? std::string::npos : comma - start));
            if (item.size() != 3 || item.find_first_not_of("0123456789") != std::string::npos) {
                config_error_ = "success_status: \"" + item + "\" is not an HTTP status";
                return;
            }
            success_.insert(std::stol(item));
            if (comma == std::string::npos) break;
            start = comma + 1;
        }
    }

    config::ChannelConfig channel_;
    ChannelContext context_;
    std::string method_;
    std::string content_type_;
    Escape escape_ = Escape::none;
    std::vector<std::string> headers_;
    std::set<long> success_;
    std::string signature_header_;
    std::string config_error_;  // a setting that cannot work: every send fails with it
};

}  // namespace

std::unique_ptr<Channel> make_http_channel(const config::ChannelConfig& channel,
                                           const ChannelContext& context) {
    return std::make_unique<HttpGenericChannel>(channel, context);
}

}  // namespace cxgate::channels
