#include "cxgate/channels/webhook_util.hpp"
#include "cxgate/foundation/crypto.hpp"

#include "cxgate/foundation/authorization.hpp"
#include "cxgate/foundation/url.hpp"

namespace cxgate::channels {

signatures::Params form_params(const std::string& body) {
    signatures::Params out;
    size_t start = 0;
    while (start <= body.size()) {
        size_t amp = body.find('&', start);
        auto pair = body.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
        if (!pair.empty()) {
            auto eq = pair.find('=');
            if (eq == std::string::npos)
                out.emplace_back(url::decode(pair), "");
            else
                out.emplace_back(url::decode(pair.substr(0, eq)), url::decode(pair.substr(eq + 1)));
        }
        if (amp == std::string::npos) break;
        start = amp + 1;
    }
    return out;
}

std::string field(const signatures::Params& params, const std::string& name) {
    for (const auto& [key, value] : params)
        if (key == name) return value;
    return "";
}

const std::string& header(const WebhookRequest& request, const std::string& lower_name) {
    static const std::string empty;
    auto it = request.headers.find(lower_name);
    return it == request.headers.end() ? empty : it->second;
}

bool is_form(const WebhookRequest& request) {
    return header(request, "content-type").find("application/x-www-form-urlencoded") !=
           std::string::npos;
}

std::string bearer_token(const WebhookRequest& request) {
    auto token = authorization::credentials(header(request, "authorization"), "Bearer");
    return token ? std::string(*token) : std::string();
}

bool query_secret_matches(const WebhookRequest& request, const std::string& secret) {
    if (secret.empty()) return false;
    auto query = url::parse_form(request.query);
    auto it = query.find("secret");
    return it != query.end() && crypto::constant_time_equals(it->second, secret);
}

}  // namespace cxgate::channels
