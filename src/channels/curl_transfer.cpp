// One curl transfer: the easy handle's options for an HTTP request or a mail (protocols,
// timeouts, headers, body), the callbacks that gather the answer within its size bound, and
// the answer as HttpResponse.
#include "curl_transfer.hpp"

#include <algorithm>
#include <cctype>
#include <mutex>
#include <stdexcept>
#include <string_view>
#include <vector>

#include "header_text.hpp"

namespace cxgate::channels::detail {

void global_init() {
    // curl_global_init is not safe to race with other curl use; once per process is enough.
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw std::runtime_error("curl_global_init failed");
    });
}

namespace {

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == lower(prefix);
}

// A method is an HTTP token; anything else would let a caller rewrite the request line.
bool valid_method(std::string_view method) {
    return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// curl reads a zero timeout as "none"; every transfer must have one.
long timeout_ms(std::chrono::milliseconds t) {
    return std::max<long>(1, static_cast<long>(t.count()));
}

#ifdef CXGATE_VERSION
constexpr const char* user_agent = "cxgate/" CXGATE_VERSION;
#else
constexpr const char* user_agent = "cxgate";
#endif

size_t on_body(char* data, size_t size, size_t count, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    if (t->body.size() + n > max_response_body) {
        t->body_too_large = true;
        return 0;  // fails the transfer with CURLE_WRITE_ERROR
    }
    t->body.append(data, n);
    return n;
}

size_t discard(char*, size_t size, size_t count, void*) {
    return size * count;
}

// Called once per header line, status lines included. Every "HTTP/" status line starts a new
// block (100 Continue, 103 Early Hints, or a redirect when following), so only the final
// response's headers survive.
size_t on_header(char* data, size_t size, size_t count, void* userp) {
    auto* t = static_cast<Transfer*>(userp);
    const size_t n = size * count;
    std::string_view line(data, n);
    if (line.starts_with("HTTP/")) {
        t->response_headers.clear();
        t->last_header.clear();
    } else if (!line.empty() && (line[0] == ' ' || line[0] == '\t')) {
        if (!t->last_header.empty()) {
            auto& value = t->response_headers[t->last_header];
            value += ' ';
            value += trim(line);
        }
    } else if (auto colon = line.find(':'); colon != line.npos) {
        t->last_header = lower(trim(line.substr(0, colon)));
        t->response_headers[t->last_header] = std::string(trim(line.substr(colon + 1)));
    }
    return n;
}

// Options shared by HTTP and SMTP transfers.
void set_common(Transfer& t, const std::string& url, std::chrono::milliseconds connect_timeout,
                std::chrono::milliseconds total_timeout, const char* protocols) {
    CURL* e = t.easy;
    curl_easy_setopt(e, CURLOPT_URL, url.c_str());
    // Restricting protocols keeps a configured URL from reaching file://, gopher:// etc.
    curl_easy_setopt(e, CURLOPT_PROTOCOLS_STR, protocols);
    curl_easy_setopt(e, CURLOPT_REDIR_PROTOCOLS_STR, protocols);
    // Signals are the daemon's business (SIGTERM, SIGHUP); curl must not use them for timeouts.
    curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, timeout_ms(connect_timeout));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, timeout_ms(total_timeout));
    curl_easy_setopt(e, CURLOPT_ERRORBUFFER, t.error);
    // Without this, a transfer that times out (or is removed) while its DNS lookup is still
    // running joins the resolver thread, blocking the event loop until getaddrinfo returns.
    // With it, curl detaches the thread, which frees its own state when the lookup ends.
    curl_easy_setopt(e, CURLOPT_QUICK_EXIT, 1L);
    // TLS peer and host verification stay at curl's defaults (on).
}

}  // namespace

std::string error_text(const Transfer& t) {
    if (t.body_too_large || t.code == CURLE_FILESIZE_EXCEEDED)
        return "response body larger than " + std::to_string(max_response_body) + " bytes";
    if (t.error[0]) return t.error;
    return curl_easy_strerror(t.code);
}

HttpResponse to_response(Transfer& t) {
    HttpResponse r;
    r.status = t.response_code;
    r.headers = std::move(t.response_headers);
    r.curl_code = static_cast<int>(t.code);
    if (t.code != CURLE_OK) {
        r.error = error_text(t);
        r.timed_out = t.code == CURLE_OPERATION_TIMEDOUT;
    }
    r.request_sent = t.request_sent;
    // A truncated body must not be mistaken for the provider's answer.
    if (!t.body_too_large) r.body = std::move(t.body);
    return r;
}

// Returns an error message for input curl must not see; empty when the request is set up.
std::string prepare_http(Transfer& t, const HttpRequest& req) {
    if (!valid_method(req.method)) return "invalid HTTP method '" + req.method + "'";
    CURL* e = t.easy;
    set_common(t, req.url, req.connect_timeout, req.total_timeout, "http,https");
    curl_easy_setopt(e, CURLOPT_FOLLOWLOCATION, 0L);  // a provider's redirect is an answer
    curl_easy_setopt(e, CURLOPT_USERAGENT, user_agent);
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(e, CURLOPT_WRITEDATA, &t);
    curl_easy_setopt(e, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(e, CURLOPT_HEADERDATA, &t);
    // Fails early when Content-Length announces too much; on_body catches chunked bodies.
    curl_easy_setopt(e, CURLOPT_MAXFILESIZE_LARGE, static_cast<curl_off_t>(max_response_body));

    bool has_expect = false;
    for (const auto& h : req.headers) {
        if (has_line_break(h)) return "line break in request header";
        has_expect = has_expect || header_name(h) == "expect";
        t.headers = curl_slist_append(t.headers, h.c_str());
    }
    // curl would send "Expect: 100-continue" for large bodies and wait a round trip (or a
    // second) for it; provider APIs answer the request directly.
    if (!has_expect) t.headers = curl_slist_append(t.headers, "Expect:");
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);

    if (!req.basic_auth.empty()) {
        curl_easy_setopt(e, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
        curl_easy_setopt(e, CURLOPT_USERPWD, req.basic_auth.c_str());
    }

    const auto& m = req.method;
    if (m == "GET" && req.body.empty()) {
        curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    } else if (m == "HEAD") {
        curl_easy_setopt(e, CURLOPT_NOBODY, 1L);
    } else {
        if (!req.body.empty() || m == "POST" || m == "PUT" || m == "PATCH") {
            // Size first: COPYPOSTFIELDS copies that many bytes, so bodies may hold NULs.
            curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE,
                             static_cast<curl_off_t>(req.body.size()));
            curl_easy_setopt(e, CURLOPT_COPYPOSTFIELDS, req.body.data());
        }
        if (m != "POST") curl_easy_setopt(e, CURLOPT_CUSTOMREQUEST, m.c_str());
    }
    return {};
}

std::string prepare_mail(Transfer& t, const MailMessage& m) {
    if (auto error = mail_input_error(m); !error.empty()) return error;

    CURL* e = t.easy;
    set_common(t, m.url, m.connect_timeout, m.total_timeout, "smtp,smtps");
    curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, discard);  // the default writes to stdout
    if (m.require_tls || starts_with_nocase(m.url, "smtps:"))
        curl_easy_setopt(e, CURLOPT_USE_SSL, static_cast<long>(CURLUSESSL_ALL));
    if (!m.username.empty()) {
        curl_easy_setopt(e, CURLOPT_USERNAME, m.username.c_str());
        curl_easy_setopt(e, CURLOPT_PASSWORD, m.password.c_str());
    }
    const std::string envelope_from = "<" + m.from + ">";
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, envelope_from.c_str());  // curl copies strings
    for (const auto& to : m.to)
        t.recipients = curl_slist_append(t.recipients, ("<" + to + ">").c_str());
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t.recipients);

    // For SMTP, libcurl writes CURLOPT_HTTPHEADER as the message's top-level headers, next to
    // the Content-Type of the MIME tree.
    for (const auto& line : mail_headers(m, std::chrono::system_clock::now()))
        t.headers = curl_slist_append(t.headers, line.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);

    // multipart/mixed (curl's root for mail) > multipart/alternative > text/plain, text/html:
    // the shape of curl's smtp-mime example, which mail clients render as one message.
    const std::vector<MailPart> parts = mail_parts(m);
    auto add_text_part = [](curl_mime* mime, const MailPart& text) {
        curl_mimepart* part = curl_mime_addpart(mime);
        curl_mime_data(part, text.data.data(), text.data.size());  // curl copies the data
        curl_mime_type(part, text.type);
        curl_mime_encoder(part, "quoted-printable");
    };
    t.mime = curl_mime_init(e);
    if (parts.size() == 1) {
        add_text_part(t.mime, parts[0]);
    } else {
        curl_mime* alternative = curl_mime_init(e);
        for (const auto& text : parts) add_text_part(alternative, text);
        curl_mimepart* part = curl_mime_addpart(t.mime);
        curl_mime_subparts(part, alternative);  // the part now owns `alternative`
        curl_mime_type(part, "multipart/alternative");
        curl_slist* disposition = curl_slist_append(nullptr, "Content-Disposition: inline");
        curl_mime_headers(part, disposition, 1);  // the part owns the list
    }
    curl_easy_setopt(e, CURLOPT_MIMEPOST, t.mime);
    return {};
}

}  // namespace cxgate::channels::detail
