#pragma once
// Outbound HTTP(S) and SMTP(S) for provider APIs: libcurl's multi interface driven by the
// daemon's io_context (socket and timer callbacks on Asio), so no provider call ever
// blocks the event loop. Connections are reused; every transfer has a connect and a total
// timeout; TLS peers are verified.
#include <chrono>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cxgate/channels/mime_message.hpp"
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

}  // namespace cxgate::channels
