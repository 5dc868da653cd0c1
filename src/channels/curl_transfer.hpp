#pragma once
// Private to src/channels/: one curl transfer (an easy handle and what it reads and gathers)
// and how it is set up for an HTTP request or a mail. http_client.cpp runs transfers on the
// multi handle; nothing here waits or touches the io_context except the `done` timer.
#include <curl/curl.h>

#include <chrono>
#include <map>
#include <string>

#include <boost/asio/steady_timer.hpp>

#include "cxgate/channels/http_client.hpp"
#include "cxgate/channels/mime_message.hpp"
#include "cxgate/net.hpp"

namespace cxgate::channels::detail {

// One easy handle and everything curl reads from or writes to while it runs. Shared by the
// coroutine that waits for it and the client's table of running transfers; whichever lets
// go last frees it.
struct Transfer {
    explicit Transfer(asio::io_context& io) : done(io, asio::steady_timer::time_point::max()) {}
    ~Transfer() { free_handles(); }
    Transfer(const Transfer&) = delete;
    Transfer& operator=(const Transfer&) = delete;

    // The mime tree and lists must outlive the easy handle that points at them.
    void free_handles() {
        if (easy) curl_easy_cleanup(easy);
        easy = nullptr;
        curl_mime_free(mime);
        mime = nullptr;
        curl_slist_free_all(headers);
        headers = nullptr;
        curl_slist_free_all(recipients);
        recipients = nullptr;
    }

    CURL* easy = curl_easy_init();
    curl_slist* headers = nullptr;
    curl_slist* recipients = nullptr;
    curl_mime* mime = nullptr;
    char error[CURL_ERROR_SIZE] = {};

    std::string body;
    bool body_too_large = false;
    bool request_sent = false;
    std::map<std::string, std::string> response_headers;
    std::string last_header;  // for obsolete folded continuation lines

    bool finished = false;
    CURLcode code = CURLE_OK;
    long response_code = 0;
    // Never expires: cancel() is the "finished" signal for the awaiting coroutine.
    asio::steady_timer done;
};

// curl_global_init, once per process.
void global_init();

constexpr CURLcode invalid_input = CURLE_BAD_FUNCTION_ARGUMENT;

// Each returns an error message for input curl must not see; empty when the transfer is set
// up and may be handed to the multi handle.
std::string prepare_http(Transfer& t, const HttpRequest& req);
std::string prepare_mail(Transfer& t, const MailMessage& m);

// The outcome of a finished transfer.
std::string error_text(const Transfer& t);
HttpResponse to_response(Transfer& t);

}  // namespace cxgate::channels::detail
