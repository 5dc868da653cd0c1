#pragma once
// Outbound HTTP(S) and SMTP(S) for provider APIs: libcurl's multi interface driven by the
// daemon's io_context (socket and timer callbacks on Asio), so no provider call ever
// blocks the event loop. Connections are reused; every transfer has a connect and a total
// timeout; TLS peers are verified.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cxgate/net.hpp"

namespace cxgate::channels {

struct HttpRequest {
    std::string method = "POST";
    std::string url;
    std::vector<std::string> headers;  // "Name: value"
    std::string body;
    std::string basic_auth;  // "user:password", empty for none
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{15000};
};

struct HttpResponse {
    long status = 0;  // 0 when no HTTP response arrived
    std::string body;
    std::map<std::string, std::string> headers;  // lower-case names, last value wins
    int curl_code = 0;                           // CURLcode; 0 = OK
    std::string error;                           // transport error text when curl_code != 0
    bool timed_out = false;
    // The request left this host (curl wrote it to the socket): a failure after that
    // point leaves open whether the provider acted on it.
    bool request_sent = false;
};

// An email as libcurl's MIME API builds it: multipart/alternative text + HTML, UTF-8.
struct MailMessage {
    std::string url;           // smtp://host:port or smtps://host:port
    bool require_tls = false;  // STARTTLS required (CURLUSESSL_ALL) on smtp://
    std::string username, password;
    std::string from;  // envelope and From address
    std::string from_name;
    std::vector<std::string> to;
    std::string subject;               // UTF-8; encoded per RFC 2047 by the client
    std::string text;                  // text/plain; charset=UTF-8
    std::string html;                  // text/html; charset=UTF-8 (optional)
    std::vector<std::string> headers;  // extra headers: Message-ID, Reply-To, List-Unsubscribe...
    std::chrono::milliseconds connect_timeout{5000};
    std::chrono::milliseconds total_timeout{30000};
};

struct MailResult {
    int curl_code = 0;
    long smtp_code = 0;  // last SMTP response code
    std::string error;
};

// Responses larger than this fail with an error instead of growing without bound; provider
// API answers are a few kilobytes.
inline constexpr size_t max_response_body = 1 << 20;

// Transfers still running when the HttpClient is destroyed complete with curl_code
// CURLE_ABORTED_BY_CALLBACK (the awaiting coroutines resume on the io_context as usual).
// request() and send_mail() must be started while the client is alive, on the thread that
// runs the io_context. Invalid input (a method that is not a token, CR/LF in a header, mail
// without recipients) completes with CURLE_BAD_FUNCTION_ARGUMENT before any I/O. The total
// timeout also covers waiting for a free connection when max_connections are busy; such
// waiting transfers count in in_flight().
class HttpClient {
  public:
    // max_connections: total open connections kept by the multi handle.
    explicit HttpClient(asio::io_context& io, long max_connections = 64);
    ~HttpClient();
    HttpClient(const HttpClient&) = delete;
    HttpClient& operator=(const HttpClient&) = delete;

    asio::awaitable<HttpResponse> request(HttpRequest request);
    asio::awaitable<MailResult> send_mail(MailMessage message);
    size_t in_flight() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

// Header building blocks for send_mail, pure functions exposed for tests.
// A header value as RFC 2047 "B" encoded-words when it is not plain printable ASCII: each
// word at most 75 characters, never splitting a UTF-8 character, folded onto continuation
// lines of at most 76 characters; first_line_used counts "Subject: " already on the first
// line. CR and LF become spaces so that a value can never start another header.
std::string encode_header_value(std::string_view utf8, size_t first_line_used = 0);
// RFC 5322 date-time in UTC, e.g. "Tue, 14 Nov 2023 22:13:20 +0000".
std::string rfc5322_date(std::chrono::system_clock::time_point time);

}  // namespace cxgate::channels
