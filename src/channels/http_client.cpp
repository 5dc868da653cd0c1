#include "cxgate/channels/http_client.hpp"

#include <curl/curl.h>
#include <openssl/evp.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <mutex>
#include <stdexcept>
#include <unordered_map>

#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/steady_timer.hpp>

// How libcurl's multi interface maps onto the io_context (see curl's "multi_socket" docs):
//  - CURLMOPT_SOCKETFUNCTION tells us which socket curl wants watched for what. Each socket
//    gets a posix::stream_descriptor wrapped around curl's own fd (no dup) and one
//    async_wait per direction; readiness becomes curl_multi_socket_action(fd, IN/OUT/ERR).
//    curl owns the fd: the descriptor is release()d, never closed, when curl says
//    CURL_POLL_REMOVE (curl does so before it closes a socket) and, as a safety net, in
//    CURLOPT_CLOSESOCKETFUNCTION, so epoll never keeps a stale registration for a fd
//    number that the kernel hands out again.
//  - CURLMOPT_TIMERFUNCTION drives one steady_timer; on expiry socket_action(TIMEOUT).
//  - After every socket_action, curl_multi_info_read is drained and finished transfers are
//    completed: their easy handle is removed and freed, and the waiting coroutine is woken
//    by cancelling the transfer's never-expiring timer, which posts its resumption, so user
//    code never runs inside our callbacks.
// Everything runs on the io_context's one thread; nothing here locks.

namespace cxgate::channels {

namespace {

using error_code = boost::system::error_code;

void global_init() {
    // curl_global_init is not safe to race with other curl use; once per process is enough.
    static std::once_flag once;
    std::call_once(once, [] {
        if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
            throw std::runtime_error("curl_global_init failed");
    });
}

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

bool has_line_break(std::string_view s) {
    return s.find_first_of("\r\n") != s.npos;
}

std::string lower(std::string_view s) {
    std::string out(s);
    for (auto& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return out;
}

std::string_view trim(std::string_view s) {
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
    while (!s.empty() &&
           (s.back() == ' ' || s.back() == '\t' || s.back() == '\r' || s.back() == '\n'))
        s.remove_suffix(1);
    return s;
}

bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    return s.size() >= prefix.size() && lower(s.substr(0, prefix.size())) == lower(prefix);
}

// The name of a "Name: value" header, lower-cased.
std::string header_name(std::string_view header) {
    return lower(trim(header.substr(0, header.find(':'))));
}

// A method is an HTTP token; anything else would let a caller rewrite the request line.
bool valid_method(std::string_view method) {
    return !method.empty() && std::all_of(method.begin(), method.end(), [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_';
    });
}

// The quoted-printable encoder treats only CRLF as a line break (a lone LF would become
// "=0A"), and SMTP wants CRLF anyway.
std::string crlf_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            out += "\r\n";
            ++i;
        } else if (text[i] == '\n' || text[i] == '\r') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
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

asio::awaitable<void> wait_until_finished(Transfer& t) {
    while (!t.finished) {
        error_code ec;
        co_await t.done.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

constexpr CURLcode invalid_input = CURLE_BAD_FUNCTION_ARGUMENT;

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

// The line a header value continues on after its last fold.
size_t last_line_length(std::string_view s) {
    auto fold = s.rfind("\r\n");
    return fold == s.npos ? s.size() : s.size() - fold - 2;
}

bool plain_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// From: "Display Name" <address>, the display name encoded when it is not ASCII.
std::string from_header(const MailMessage& m) {
    std::string value;
    const std::string_view prefix = "From: ";
    if (m.from_name.empty()) return std::string(prefix) + m.from;
    if (plain_ascii(m.from_name)) {
        value = "\"";
        for (char c : m.from_name) {
            if (c == '"' || c == '\\') value += '\\';
            value += c;
        }
        value += '"';
    } else {
        value = encode_header_value(m.from_name, prefix.size());
    }
    const bool fits = last_line_length(std::string(prefix) + value) + m.from.size() + 3 <= 76;
    return std::string(prefix) + value + (fits ? " <" : "\r\n <") + m.from + ">";
}

std::string prepare_mail(Transfer& t, const MailMessage& m) {
    if (m.to.empty()) return "mail without recipients";
    if (m.from.empty()) return "mail without sender";
    for (const auto& s : {m.from, m.from_name})
        if (has_line_break(s)) return "line break in sender";
    for (const auto& s : m.to)
        if (has_line_break(s) || s.empty()) return "invalid recipient";
    for (const auto& h : m.headers)
        if (has_line_break(h) || h.find(':') == h.npos) return "invalid mail header '" + h + "'";

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
    // the Content-Type of the MIME tree. The caller's headers win over our defaults.
    std::vector<std::string> own;
    for (const auto& h : m.headers) own.push_back(header_name(h));
    auto add = [&](std::string_view name, const std::string& line) {
        if (std::find(own.begin(), own.end(), lower(name)) == own.end())
            t.headers = curl_slist_append(t.headers, line.c_str());
    };
    std::string to_line = "To: ";
    for (size_t i = 0; i < m.to.size(); ++i) to_line += (i ? ",\r\n " : "") + m.to[i];
    add("Date", "Date: " + rfc5322_date(std::chrono::system_clock::now()));
    add("From", from_header(m));
    add("To", to_line);
    add("Subject", "Subject: " + encode_header_value(m.subject, std::strlen("Subject: ")));
    add("MIME-Version", "MIME-Version: 1.0");  // curl adds its own only when this is missing
    for (const auto& h : m.headers) t.headers = curl_slist_append(t.headers, h.c_str());
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t.headers);

    // multipart/mixed (curl's root for mail) > multipart/alternative > text/plain, text/html:
    // the shape of curl's smtp-mime example, which mail clients render as one message.
    const std::string text = crlf_lines(m.text), html = crlf_lines(m.html);
    auto add_text_part = [](curl_mime* mime, const std::string& data, const char* type) {
        curl_mimepart* part = curl_mime_addpart(mime);
        curl_mime_data(part, data.data(), data.size());  // curl copies the data
        curl_mime_type(part, type);
        curl_mime_encoder(part, "quoted-printable");
    };
    t.mime = curl_mime_init(e);
    if (html.empty()) {
        add_text_part(t.mime, text, "text/plain; charset=UTF-8");
    } else {
        curl_mime* alternative = curl_mime_init(e);
        add_text_part(alternative, text, "text/plain; charset=UTF-8");
        add_text_part(alternative, html, "text/html; charset=UTF-8");
        curl_mimepart* part = curl_mime_addpart(t.mime);
        curl_mime_subparts(part, alternative);  // the part now owns `alternative`
        curl_mime_type(part, "multipart/alternative");
        curl_slist* disposition = curl_slist_append(nullptr, "Content-Disposition: inline");
        curl_mime_headers(part, disposition, 1);  // the part owns the list
    }
    curl_easy_setopt(e, CURLOPT_MIMEPOST, t.mime);
    return {};
}

}  // namespace

std::string encode_header_value(std::string_view utf8, size_t first_line_used) {
    std::string text(utf8);
    for (auto& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    // "=?" in plain text would read as the start of an encoded-word; very long plain values
    // would break SMTP's 998-character line limit. Both get encoded (and so folded) too.
    if (plain_ascii(text) && text.find("=?") == text.npos && first_line_used + text.size() <= 900)
        return text;

    // An encoded-word is "=?UTF-8?B?" + base64 + "?=": 12 characters around the base64, and
    // each 3 input bytes become 4 base64 characters. A line holding encoded-words must stay
    // within 76 characters (RFC 2047 section 2), a word within 75.
    constexpr std::string_view open = "=?UTF-8?B?", close = "?=";
    auto max_bytes = [&](size_t used) {
        const size_t room = used + open.size() + close.size() < 76
                                ? std::min<size_t>(75, 76 - used) - open.size() - close.size()
                                : 0;
        return room / 4 * 3;
    };
    std::string out;
    size_t used = first_line_used;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t n = std::min(max_bytes(used), text.size() - pos);
        if (n == 0) {  // no room left on the first line: start on a continuation line
            out += "\r\n ";
            used = 1;
            continue;
        }
        // Back off to a character boundary: continuation bytes look like 10xxxxxx.
        size_t cut = n;
        while (cut > 0 && pos + cut < text.size() &&
               (static_cast<unsigned char>(text[pos + cut]) & 0xC0) == 0x80)
            --cut;
        if (cut == 0) cut = n;  // not UTF-8 at all; any split is as good as another
        out += open;
        out += base64(std::string_view(text).substr(pos, cut));
        out += close;
        pos += cut;
        if (pos < text.size()) {
            out += "\r\n ";
            used = 1;
        }
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point time) {
    // Spelled out rather than strftime'd so that the process locale cannot change it.
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

struct HttpClient::Impl {
    // A socket curl asked us to watch. The descriptor wraps curl's fd without owning it.
    struct Socket {
        Socket(asio::io_context& io, curl_socket_t fd) : descriptor(io), fd(fd) {}
        ~Socket() { forget(); }
        // Deregisters from epoll and cancels the waits, leaving the fd open for curl.
        void forget() {
            removed = true;
            if (descriptor.is_open()) descriptor.release();
        }
        asio::posix::stream_descriptor descriptor;
        curl_socket_t fd;
        int wanted = 0;                         // CURL_POLL_IN/OUT/INOUT as curl last said
        bool reading = false, writing = false;  // an async_wait is outstanding
        bool removed = false;
    };

    Impl(asio::io_context& io, long max_connections) : io(io), timer(io), multi(curl_multi_init()) {
        if (!multi) throw std::runtime_error("curl_multi_init failed");
        curl_multi_setopt(multi, CURLMOPT_SOCKETFUNCTION, on_socket);
        curl_multi_setopt(multi, CURLMOPT_SOCKETDATA, this);
        curl_multi_setopt(multi, CURLMOPT_TIMERFUNCTION, on_timer);
        curl_multi_setopt(multi, CURLMOPT_TIMERDATA, this);
        curl_multi_setopt(multi, CURLMOPT_MAX_TOTAL_CONNECTIONS, max_connections);
        curl_multi_setopt(multi, CURLMOPT_MAXCONNECTS, max_connections);
    }

    // Transfers still running are removed from curl and completed with an error; queued
    // Asio handlers find `alive` expired and do nothing.
    ~Impl() {
        alive.reset();
        auto running = std::move(transfers);
        transfers.clear();
        for (auto& [easy, t] : running) {
            curl_multi_remove_handle(multi, easy);
            t->code = CURLE_ABORTED_BY_CALLBACK;
            std::snprintf(t->error, sizeof t->error, "HttpClient destroyed during the transfer");
            complete(*t);
        }
        // Closes the cached connections, through on_close_socket while `sockets` still exists.
        curl_multi_cleanup(multi);
        for (auto& [fd, socket] : sockets) socket->forget();
    }

    // Hands a prepared transfer to curl; completes it at once if curl refuses.
    void start(const std::shared_ptr<Transfer>& t) {
        curl_easy_setopt(t->easy, CURLOPT_CLOSESOCKETFUNCTION, on_close_socket);
        curl_easy_setopt(t->easy, CURLOPT_CLOSESOCKETDATA, this);
        transfers[t->easy] = t;
        if (CURLMcode mc = curl_multi_add_handle(multi, t->easy); mc != CURLM_OK) {
            transfers.erase(t->easy);
            t->code = CURLE_FAILED_INIT;
            std::snprintf(t->error, sizeof t->error, "%s", curl_multi_strerror(mc));
            complete(*t);
        }
        // curl_multi_add_handle asked for a 0 ms timeout; the transfer starts from there.
    }

    // The transfer is out of the multi handle: free curl's side, wake the coroutine.
    static void complete(Transfer& t) {
        // Pre-transfer is reached once connected (and TLS is done), just before the
        // request is written; REQUEST_SIZE is only filled in on success, so it cannot tell.
        curl_off_t pretransfer = 0;
        if (t.easy &&
            curl_easy_getinfo(t.easy, CURLINFO_PRETRANSFER_TIME_T, &pretransfer) == CURLE_OK)
            t.request_sent = pretransfer > 0;
        t.free_handles();
        t.finished = true;
        t.done.cancel();  // posts the coroutine's resumption; nothing runs inline
    }

    void finish(CURL* easy, CURLcode code) {
        auto it = transfers.find(easy);
        curl_multi_remove_handle(multi, easy);
        if (it == transfers.end()) return;  // cannot happen: every easy handle is ours
        auto t = std::move(it->second);
        transfers.erase(it);
        t->code = code;
        curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &t->response_code);
        complete(*t);
    }

    void socket_action(curl_socket_t fd, int events) {
        int running = 0;
        curl_multi_socket_action(multi, fd, events, &running);
        // Every finished transfer leaves a message; missing one would leave its caller
        // waiting forever.
        int queued = 0;
        while (CURLMsg* msg = curl_multi_info_read(multi, &queued)) {
            if (msg->msg != CURLMSG_DONE) continue;
            CURL* easy = msg->easy_handle;  // copy before removal frees the message
            CURLcode code = msg->data.result;
            finish(easy, code);
        }
    }

    void watch(const std::shared_ptr<Socket>& s, asio::posix::descriptor_base::wait_type type) {
        const bool read = type == asio::posix::descriptor_base::wait_read;
        (read ? s->reading : s->writing) = true;
        std::weak_ptr<Impl> weak = alive;
        s->descriptor.async_wait(type, [weak, s, read, type](const error_code& ec) {
            (read ? s->reading : s->writing) = false;
            auto self = weak.lock();
            if (!self || s->removed || ec == asio::error::operation_aborted) return;
            const int direction = read ? CURL_POLL_IN : CURL_POLL_OUT;
            if (!(s->wanted & direction)) return;  // curl changed its mind meanwhile
            self->socket_action(
                s->fd, ec ? CURL_CSELECT_ERR : (read ? CURL_CSELECT_IN : CURL_CSELECT_OUT));
            // The action may have removed this socket or already re-armed it via on_socket.
            if (!s->removed && (s->wanted & direction) && !(read ? s->reading : s->writing))
                self->watch(s, type);
        });
    }

    static int on_socket(CURL*, curl_socket_t fd, int what, void* userp, void*) {
        auto* self = static_cast<Impl*>(userp);
        if (what == CURL_POLL_REMOVE) {
            self->forget(fd);
            return 0;
        }
        auto& s = self->sockets[fd];
        if (!s) {
            s = std::make_shared<Socket>(self->io, fd);
            error_code ec;
            s->descriptor.assign(fd, ec);
            if (ec) {
                self->sockets.erase(fd);
                return -1;  // curl fails the transfer
            }
        }
        s->wanted = what;
        if ((what & CURL_POLL_IN) && !s->reading)
            self->watch(s, asio::posix::descriptor_base::wait_read);
        if ((what & CURL_POLL_OUT) && !s->writing)
            self->watch(s, asio::posix::descriptor_base::wait_write);
        return 0;
    }

    void forget(curl_socket_t fd) {
        if (auto it = sockets.find(fd); it != sockets.end()) {
            it->second->forget();
            sockets.erase(it);
        }
    }

    // curl says CURL_POLL_REMOVE before closing a socket it watched; this catches any other
    // path, so the fd is out of epoll before its number can be reused.
    static int on_close_socket(void* clientp, curl_socket_t fd) {
        static_cast<Impl*>(clientp)->forget(fd);
        return ::close(fd);
    }

    static int on_timer(CURLM*, long timeout, void* userp) {
        auto* self = static_cast<Impl*>(userp);
        const unsigned generation = ++self->timer_generation;
        if (timeout < 0) {
            self->timer.cancel();
            return 0;
        }
        // 0 means "as soon as possible, but not from inside this callback": an expired timer
        // runs on the next turn of the loop.
        self->timer.expires_after(std::chrono::milliseconds(timeout));
        std::weak_ptr<Impl> weak = self->alive;
        self->timer.async_wait([weak, generation](const error_code& ec) {
            auto self = weak.lock();
            // A handler that already completed when curl moved the deadline is stale.
            if (!self || ec == asio::error::operation_aborted ||
                generation != self->timer_generation)
                return;
            self->socket_action(CURL_SOCKET_TIMEOUT, 0);
        });
        return 0;
    }

    asio::io_context& io;
    asio::steady_timer timer;
    unsigned timer_generation = 0;
    CURLM* multi;
    std::unordered_map<curl_socket_t, std::shared_ptr<Socket>> sockets;
    std::unordered_map<CURL*, std::shared_ptr<Transfer>> transfers;
    // Handlers hold weak_ptrs to this non-owning pointer: they can tell the Impl is gone.
    std::shared_ptr<Impl> alive{this, [](Impl*) {}};
};

HttpClient::HttpClient(asio::io_context& io, long max_connections) {
    global_init();
    impl_ = std::make_unique<Impl>(io, max_connections);
}

HttpClient::~HttpClient() = default;

size_t HttpClient::in_flight() const {
    return impl_->transfers.size();
}

// After the co_await these coroutines touch only their Transfer, never `this`: the client
// may have been destroyed while they waited.
asio::awaitable<HttpResponse> HttpClient::request(HttpRequest request) {
    auto t = std::make_shared<Transfer>(impl_->io);
    if (!t->easy) {
        t->code = CURLE_FAILED_INIT;
        co_return to_response(*t);
    }
    if (auto error = prepare_http(*t, request); !error.empty()) {
        HttpResponse r;
        r.curl_code = invalid_input;
        r.error = std::move(error);
        co_return r;
    }
    impl_->start(t);
    co_await wait_until_finished(*t);
    co_return to_response(*t);
}

asio::awaitable<MailResult> HttpClient::send_mail(MailMessage message) {
    auto t = std::make_shared<Transfer>(impl_->io);
    MailResult result;
    if (!t->easy) {
        result.curl_code = CURLE_FAILED_INIT;
        result.error = curl_easy_strerror(CURLE_FAILED_INIT);
        co_return result;
    }
    if (auto error = prepare_mail(*t, message); !error.empty()) {
        result.curl_code = invalid_input;
        result.error = std::move(error);
        co_return result;
    }
    impl_->start(t);
    co_await wait_until_finished(*t);
    result.curl_code = static_cast<int>(t->code);
    result.smtp_code = t->response_code;
    if (t->code != CURLE_OK) result.error = error_text(*t);
    co_return result;
}

}  // namespace cxgate::channels
