#include <doctest/doctest.h>
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/http_client.hpp"
#include "cxgate/channels/mime_message.hpp"
// clang-format off: Beast after net.hpp, which must come first on Boost 1.74
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
// clang-format on

extern char** environ;

using namespace cxgate;
using namespace cxgate::channels;
using namespace std::chrono_literals;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using error_code = boost::system::error_code;
using steady = std::chrono::steady_clock;

namespace {

constexpr auto redirect = [](error_code& ec) {
    return asio::redirect_error(asio::use_awaitable, ec);
};

// An HTTP/1.1 server on 127.0.0.1 with its own io_context and thread, so that the client's
// loop and the server's never wait for each other. Routes:
//   /echo            200, the request's method, auth and headers as X-Echo-*, body echoed
//   /status/NNN      that status; 429 carries Retry-After: 30
//   /redirect        302 to /echo (the client must not follow)
//   /interim         103 Early Hints, then 200 (raw bytes)
//   /big, /big-chunked  2 MiB body, with Content-Length or chunked
//   /hang            reads the request and never answers
//   /slow            answers after 500 ms
//   /count?N         body "N"
class TestServer {
  public:
    TestServer() : acceptor_(io_, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0)) {
        port_ = acceptor_.local_endpoint().port();
        asio::co_spawn(io_, accept_loop(), asio::detached);
        thread_ = std::thread([this] { io_.run(); });
    }
    ~TestServer() {
        io_.stop();
        thread_.join();
    }
    std::string url(const std::string& target) const {
        return "http://127.0.0.1:" + std::to_string(port_) + target;
    }
    int connections() const { return connections_; }

  private:
    asio::awaitable<void> accept_loop() {
        for (;;) {
            error_code ec;
            tcp::socket socket = co_await acceptor_.async_accept(redirect(ec));
            if (ec) co_return;
            ++connections_;
            asio::co_spawn(io_, session(std::move(socket)), asio::detached);
        }
    }

    static http::response<http::string_body> handle(const http::request<http::string_body>& req) {
        http::response<http::string_body> res{http::status::ok, req.version()};
        const std::string target(req.target());
        const std::string path = target.substr(0, target.find('?'));
        if (path == "/echo") {
            res.set("X-Echo-Method", req.method_string());
            res.set("X-Echo-Authorization", req[http::field::authorization]);
            res.set("X-Echo-Custom", req["X-Custom"]);
            res.set("X-Echo-Content-Type", req[http::field::content_type]);
            res.set("X-Echo-Expect", req[http::field::expect]);
            res.body() = req.body();
        } else if (path.starts_with("/status/")) {
            res.result(std::stoi(path.substr(8)));
            if (res.result_int() == 429) res.set(http::field::retry_after, "30");
            res.body() = "status " + path.substr(8);
        } else if (path == "/redirect") {
            res.result(http::status::found);
            res.set(http::field::location, "/echo");
        } else if (path == "/big" || path == "/big-chunked") {
            res.body() = std::string(2 << 20, 'x');
            if (path == "/big-chunked") {
                res.chunked(true);
                return res;
            }
        } else if (path == "/count") {
            res.body() = target.substr(target.find('?') + 1);
        } else if (path == "/slow") {
            res.body() = "slow";
        } else {
            res.result(http::status::not_found);
        }
        res.prepare_payload();
        return res;
    }

    asio::awaitable<void> session(tcp::socket socket) {
        beast::flat_buffer buffer;
        for (;;) {
            error_code ec;
            http::request<http::string_body> req;
            co_await http::async_read(socket, buffer, req, redirect(ec));
            if (ec) co_return;
            if (req.target() == "/hang") {
                // Hold the connection open until the client gives up and closes it.
                char byte;
                co_await socket.async_read_some(asio::buffer(&byte, 1), redirect(ec));
                co_return;
            }
            if (req.target() == "/interim") {
                static const std::string raw =
                    "HTTP/1.1 103 Early Hints\r\nX-Interim: yes\r\n\r\n"
                    "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nX-Final: yes\r\n\r\nok";
                co_await asio::async_write(socket, asio::buffer(raw), redirect(ec));
                if (ec) co_return;
                continue;
            }
            if (req.target() == "/slow") {
                asio::steady_timer delay(socket.get_executor(), 500ms);
                co_await delay.async_wait(redirect(ec));
            }
            auto res = handle(req);
            res.keep_alive(req.keep_alive());
            co_await http::async_write(socket, res, redirect(ec));
            if (ec || !req.keep_alive()) co_return;
        }
    }

    asio::io_context io_;
    tcp::acceptor acceptor_;
    unsigned short port_ = 0;
    std::atomic<int> connections_{0};
    std::thread thread_;
};

// Runs one request to completion on `io`.
HttpResponse perform(asio::io_context& io, HttpClient& client, HttpRequest req) {
    std::optional<HttpResponse> out;
    auto done = [&](std::exception_ptr error, HttpResponse r) {
        if (!error) out = std::move(r);
    };
    asio::co_spawn(io, client.request(std::move(req)), done);
    io.run_for(30s);
    io.restart();
    REQUIRE(out.has_value());
    return std::move(*out);
}

HttpRequest make_request(std::string method, std::string url) {
    HttpRequest req;
    req.method = std::move(method);
    req.url = std::move(url);
    return req;
}

// A port nobody listens on: bound once by the kernel's choice, then closed.
unsigned short closed_port() {
    asio::io_context io;
    tcp::acceptor a(io, tcp::endpoint(asio::ip::make_address("127.0.0.1"), 0));
    return a.local_endpoint().port();
}

long long ms_since(steady::time_point start) {
    return std::chrono::duration_cast<std::chrono::milliseconds>(steady::now() - start).count();
}

std::string base64_decode(std::string_view in) {
    static const std::string alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    std::string out;
    unsigned buffer = 0;
    int bits = 0;
    for (char c : in) {
        if (c == '=') break;
        auto v = alphabet.find(c);
        REQUIRE(v != std::string::npos);
        buffer = (buffer << 6) | static_cast<unsigned>(v);
        bits += 6;
        if (bits >= 8) {
            bits -= 8;
            out += static_cast<char>((buffer >> bits) & 0xFF);
        }
    }
    return out;
}

// The encoded-words of an unfolded header value. Whitespace between two adjacent words is
// not part of the text (RFC 2047 section 6.2).
std::vector<std::string> encoded_words(std::string_view v) {
    std::vector<std::string> words;
    for (size_t pos = v.find("=?"); pos != v.npos; pos = v.find("=?", pos)) {
        auto end = v.find("?=", pos + 10);
        REQUIRE(end != v.npos);
        words.emplace_back(v.substr(pos, end + 2 - pos));
        pos = end + 2;
    }
    return words;
}

std::string decode_rfc2047(std::string_view v) {
    std::string out;
    size_t pos = 0;
    bool after_word = false;
    while (pos < v.size()) {
        if (v.substr(pos).starts_with("=?UTF-8?B?")) {
            auto end = v.find("?=", pos + 10);
            REQUIRE(end != v.npos);
            out += base64_decode(v.substr(pos + 10, end - pos - 10));
            pos = end + 2;
            after_word = true;
            continue;
        }
        auto next = v.find_first_not_of(" \t", pos);
        if (after_word && next != pos && next != v.npos && v.substr(next).starts_with("=?")) {
            pos = next;
            continue;
        }
        out += v[pos++];
        after_word = false;
    }
    return out;
}

// Quoted-printable with "\n" line ends (as aiosmtpd prints the message).
std::string decode_qp(std::string_view in) {
    std::string out;
    for (size_t i = 0; i < in.size(); ++i) {
        if (in[i] != '=') {
            out += in[i];
        } else if (i + 1 < in.size() && in[i + 1] == '\n') {
            ++i;  // soft line break
        } else {
            REQUIRE(i + 2 < in.size());
            out += static_cast<char>(std::stoi(std::string(in.substr(i + 1, 2)), nullptr, 16));
            i += 2;
        }
    }
    return out;
}

std::vector<std::string> lines_of(const std::string& text) {
    std::vector<std::string> lines;
    std::istringstream in(text);
    for (std::string line; std::getline(in, line);) lines.push_back(line);
    return lines;
}

// A header from a printed message, continuation lines unfolded.
std::string header_value(const std::vector<std::string>& lines, const std::string& name) {
    for (size_t i = 0; i < lines.size() && !lines[i].empty(); ++i) {
        if (!lines[i].starts_with(name + ": ")) continue;
        std::string value = lines[i].substr(name.size() + 2);
        for (size_t j = i + 1;
             j < lines.size() && (lines[j].starts_with(" ") || lines[j].starts_with("\t")); ++j)
            value += lines[j];
        return value;
    }
    return {};
}

// The decoded body of the MIME part whose Content-Type line is `content_type`.
std::string part_body(const std::vector<std::string>& lines, const std::string& content_type) {
    size_t i = 0;
    while (i < lines.size() && lines[i] != "Content-Type: " + content_type) ++i;
    REQUIRE(i < lines.size());
    bool qp = false;
    for (; i < lines.size() && !lines[i].empty(); ++i)
        qp = qp || lines[i] == "Content-Transfer-Encoding: quoted-printable";
    CHECK(qp);
    std::string body;
    for (++i; i < lines.size() && !lines[i].starts_with("--"); ++i) {
        CHECK(lines[i].size() <= 76);  // quoted-printable keeps lines short and 7-bit
        body += lines[i] + "\n";
    }
    // The line break before a boundary belongs to the boundary.
    if (body.ends_with("\n")) body.pop_back();
    return decode_qp(body);
}

bool port_accepts(unsigned short port) {
    asio::io_context io;
    tcp::socket s(io);
    error_code ec;
    s.connect(tcp::endpoint(asio::ip::make_address("127.0.0.1"), port), ec);
    return !ec;
}

// python3-aiosmtpd's debugging server: prints every message it receives between
// "---------- MESSAGE FOLLOWS ----------" and "------------ END MESSAGE ------------".
class SmtpServer {
  public:
    SmtpServer()
        : port_(closed_port()),
          log_(std::filesystem::temp_directory_path() /
               ("cxgate-unit-aiosmtpd-" + std::to_string(::getpid()) + ".log")) {
        const std::string listen = "127.0.0.1:" + std::to_string(port_);
        const char* argv[] = {"/usr/bin/python3", "-u",   "-m", "aiosmtpd", "-n", "-l",
                              listen.c_str(),     nullptr};
        posix_spawn_file_actions_t actions;
        posix_spawn_file_actions_init(&actions);
        posix_spawn_file_actions_addopen(&actions, 1, log_.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        posix_spawn_file_actions_adddup2(&actions, 1, 2);
        if (posix_spawn(&pid_, argv[0], &actions, nullptr, const_cast<char* const*>(argv),
                        environ) != 0)
            pid_ = -1;
        posix_spawn_file_actions_destroy(&actions);
    }
    ~SmtpServer() {
        if (pid_ > 0) {
            ::kill(pid_, SIGTERM);
            ::waitpid(pid_, nullptr, 0);
        }
        std::filesystem::remove(log_);
    }

    // Polls the port until the server listens; false if it died or never did.
    bool wait_ready() {
        const auto deadline = steady::now() + 15s;
        while (pid_ > 0 && steady::now() < deadline) {
            if (port_accepts(port_)) return true;
            if (::waitpid(pid_, nullptr, WNOHANG) == pid_) {
                pid_ = -1;
                return false;
            }
            std::this_thread::sleep_for(20ms);
        }
        return false;
    }

    // The first message received, once printed in full; empty on timeout.
    std::string wait_message() {
        const auto deadline = steady::now() + 10s;
        while (steady::now() < deadline) {
            std::ifstream in(log_);
            std::string all((std::istreambuf_iterator<char>(in)), {});
            auto begin = all.find("---------- MESSAGE FOLLOWS ----------\n");
            auto end = all.find("------------ END MESSAGE ------------");
            if (begin != all.npos && end != all.npos) {
                begin += std::strlen("---------- MESSAGE FOLLOWS ----------\n");
                return all.substr(begin, end - begin);
            }
            std::this_thread::sleep_for(20ms);
        }
        return {};
    }

    std::string log() const {
        std::ifstream in(log_);
        return std::string((std::istreambuf_iterator<char>(in)), {});
    }
    std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  private:
    unsigned short port_;
    std::filesystem::path log_;
    pid_t pid_ = -1;
};

MailResult send(asio::io_context& io, HttpClient& client, MailMessage message) {
    std::optional<MailResult> out;
    auto done = [&](std::exception_ptr error, MailResult r) {
        if (!error) out = std::move(r);
    };
    asio::co_spawn(io, client.send_mail(std::move(message)), done);
    io.run_for(30s);
    io.restart();
    REQUIRE(out.has_value());
    return std::move(*out);
}

}  // namespace

TEST_CASE("http_client: POST carries headers, body and basic auth; other methods too") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io);

    auto req = make_request("POST", server.url("/echo"));
    req.headers = {"X-Custom: hello", "Content-Type: application/json"};
    req.body = R"({"q":"ä"})";
    req.basic_auth = "user:päss";
    auto res = perform(io, client, req);
    CHECK(res.curl_code == 0);
    CHECK(res.error.empty());
    CHECK_FALSE(res.timed_out);
    CHECK(res.status == 200);
    CHECK(res.body == R"({"q":"ä"})");
    CHECK(res.headers["x-echo-method"] == "POST");
    CHECK(res.headers["x-echo-authorization"] == "Basic dXNlcjpww6Rzcw==");  // user:päss
    CHECK(res.headers["x-echo-custom"] == "hello");
    CHECK(res.headers["x-echo-content-type"] == "application/json");
    CHECK(res.headers["x-echo-expect"].empty());

    for (std::string method : {"PUT", "DELETE", "GET", "PATCH"}) {
        CAPTURE(method);
        auto r = make_request(method, server.url("/echo"));
        if (method == "PUT" || method == "PATCH") r.body = "b=1";
        auto answer = perform(io, client, r);
        CHECK(answer.status == 200);
        CHECK(answer.headers["x-echo-method"] == method);
        CHECK(answer.body == r.body);
    }

    auto bad = perform(io, client, make_request("PO ST", server.url("/echo")));
    CHECK(bad.curl_code != 0);
    CHECK(bad.status == 0);
    auto injected = make_request("POST", server.url("/echo"));
    injected.headers = {"X-Custom: a\r\nX-Injected: b"};
    CHECK(perform(io, client, injected).curl_code != 0);
    CHECK(client.in_flight() == 0);
}

TEST_CASE("http_client: status codes and the final response's headers reach the caller") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io);

    auto created = perform(io, client, make_request("POST", server.url("/status/201")));
    CHECK(created.curl_code == 0);
    CHECK(created.status == 201);
    CHECK(created.body == "status 201");

    auto bad = perform(io, client, make_request("POST", server.url("/status/400")));
    CHECK(bad.curl_code == 0);  // an HTTP error is an answer, not a transport error
    CHECK(bad.status == 400);

    auto limited = perform(io, client, make_request("POST", server.url("/status/429")));
    CHECK(limited.status == 429);
    CHECK(limited.headers["retry-after"] == "30");
    CHECK(limited.headers.count("Retry-After") == 0);  // names are lower-cased

    auto moved = perform(io, client, make_request("GET", server.url("/redirect")));
    CHECK(moved.status == 302);  // not followed
    CHECK(moved.headers["location"] == "/echo");

    auto interim = perform(io, client, make_request("GET", server.url("/interim")));
    CHECK(interim.curl_code == 0);
    CHECK(interim.status == 200);
    CHECK(interim.body == "ok");
    CHECK(interim.headers["x-final"] == "yes");
    CHECK(interim.headers.count("x-interim") == 0);  // the 103 block was dropped
}

TEST_CASE("http_client: a body larger than the cap is an error, not a growing buffer") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io);
    for (std::string path : {"/big", "/big-chunked"}) {
        CAPTURE(path);
        auto res = perform(io, client, make_request("GET", server.url(path)));
        CHECK(res.curl_code != 0);
        CHECK(res.error.find("larger than 1048576 bytes") != std::string::npos);
        CHECK(res.body.empty());
        CHECK_FALSE(res.timed_out);
    }
    // The client is still usable afterwards.
    CHECK(perform(io, client, make_request("GET", server.url("/count?1"))).body == "1");
}

TEST_CASE("http_client: a closed port fails fast with a curl error") {
    asio::io_context io;
    HttpClient client(io);
    auto req = make_request("POST", "http://127.0.0.1:" + std::to_string(closed_port()) + "/");
    auto start = steady::now();
    auto res = perform(io, client, req);
    CHECK(ms_since(start) < 1000);
    CHECK(res.curl_code == 7);  // CURLE_COULDNT_CONNECT
    CHECK(res.status == 0);
    CHECK_FALSE(res.timed_out);
    CHECK_FALSE(res.request_sent);  // safe to send again
    CHECK(classify_http(res, "", "").status == SendResult::Status::temporary_failure);
    CHECK_FALSE(res.error.empty());
}

TEST_CASE("http_client: the total timeout ends a request the server never answers") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io);
    auto req = make_request("POST", server.url("/hang"));
    req.total_timeout = 300ms;
    auto start = steady::now();
    auto res = perform(io, client, req);
    auto elapsed = ms_since(start);
    CHECK(res.timed_out);
    CHECK(res.curl_code == 28);  // CURLE_OPERATION_TIMEDOUT
    CHECK(res.status == 0);
    CHECK(res.request_sent);  // the provider may have acted: never sent again
    CHECK(classify_http(res, "", "").status == SendResult::Status::unknown);
    CHECK(elapsed >= 290);
    CHECK(elapsed < 1500);
}

TEST_CASE("http_client: 50 concurrent requests complete over a few reused connections") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io, 4);
    constexpr int count = 50;
    std::vector<std::optional<HttpResponse>> results(count);
    for (int i = 0; i < count; ++i) {
        auto done = [&results, i](std::exception_ptr error, HttpResponse r) {
            if (!error) results[i] = std::move(r);
        };
        asio::co_spawn(
            io, client.request(make_request("GET", server.url("/count?" + std::to_string(i)))),
            done);
    }
    io.run_for(30s);
    for (int i = 0; i < count; ++i) {
        CAPTURE(i);
        REQUIRE(results[i].has_value());
        CHECK(results[i]->status == 200);
        CHECK(results[i]->body == std::to_string(i));
    }
    CHECK(server.connections() <= 4);
    CHECK(server.connections() < count);
    CHECK(client.in_flight() == 0);
}

TEST_CASE("http_client: sockets closed and reopened under the same fd numbers keep working") {
    // Every request closes its connection and some time out, so curl keeps closing sockets
    // and the kernel keeps handing the same fd numbers out again: a watch left on a closed
    // fd would stall the next transfer until its timeout.
    TestServer server;
    asio::io_context io;
    HttpClient client(io, 2);
    constexpr int count = 20;
    for (int round = 0; round < 3; ++round) {
        CAPTURE(round);
        std::vector<std::optional<HttpResponse>> results(count);
        for (int i = 0; i < count; ++i) {
            auto req = make_request(
                "GET", server.url(i % 5 == 4 ? "/hang" : "/count?" + std::to_string(i)));
            req.headers = {"Connection: close"};
            req.total_timeout = 2s;
            if (i % 5 == 4) req.total_timeout = 100ms;
            auto done = [&results, i](std::exception_ptr error, HttpResponse r) {
                if (!error) results[i] = std::move(r);
            };
            asio::co_spawn(io, client.request(std::move(req)), done);
        }
        auto start = steady::now();
        io.run_for(30s);
        io.restart();
        CHECK(ms_since(start) < 1500);
        for (int i = 0; i < count; ++i) {
            CAPTURE(i);
            REQUIRE(results[i].has_value());
            if (i % 5 == 4) {
                CHECK(results[i]->timed_out);
            } else {
                CHECK(results[i]->status == 200);
                CHECK(results[i]->body == std::to_string(i));
            }
        }
    }
    // One connection per answered request; a /hang request may time out while still queued
    // for one of the two connections (the total timeout covers the wait).
    CHECK(server.connections() >= 3 * (count - count / 5));
}

TEST_CASE("http_client: the event loop keeps running while a request waits") {
    TestServer server;
    asio::io_context io;
    HttpClient client(io);
    auto start = steady::now();
    long long timer_at = -1, request_at = -1;
    size_t in_flight_at_timer = 0;
    std::optional<HttpResponse> res;
    auto done = [&](std::exception_ptr error, HttpResponse r) {
        request_at = ms_since(start);
        if (!error) res = std::move(r);
    };
    asio::co_spawn(io, client.request(make_request("GET", server.url("/slow"))), done);
    asio::steady_timer timer(io, 50ms);
    timer.async_wait([&](const error_code&) {
        timer_at = ms_since(start);
        in_flight_at_timer = client.in_flight();
    });
    io.run_for(30s);
    REQUIRE(res.has_value());
    CHECK(res->status == 200);
    CHECK(timer_at >= 50);
    CHECK(timer_at < 250);
    CHECK(in_flight_at_timer == 1);
    CHECK(request_at >= 480);
    CHECK(client.in_flight() == 0);
}

TEST_CASE("http_client: destroying the client completes in-flight requests with an error") {
    TestServer server;
    asio::io_context io;
    auto client = std::make_unique<HttpClient>(io);
    std::optional<HttpResponse> res;
    auto done = [&](std::exception_ptr error, HttpResponse r) {
        if (!error) res = std::move(r);
    };
    auto req = make_request("POST", server.url("/hang"));
    req.total_timeout = 10s;
    asio::co_spawn(io, client->request(req), done);
    asio::steady_timer timer(io, 100ms);
    timer.async_wait([&](const error_code&) { client.reset(); });
    auto start = steady::now();
    io.run_for(30s);
    CHECK(ms_since(start) < 2000);
    REQUIRE(res.has_value());
    CHECK(res->curl_code == 42);  // CURLE_ABORTED_BY_CALLBACK
    CHECK(res->error.find("destroyed") != std::string::npos);
}

TEST_CASE("http_client: header values are RFC 2047 encoded-words when not plain ASCII") {
    CHECK(encode_header_value("Plain subject") == "Plain subject");
    // A value can never smuggle in a second header.
    auto injected = encode_header_value("Hi\r\nBcc: victim@example.com");
    CHECK(injected.find_first_of("\r\n") == std::string::npos);

    const std::string finnish = "Kysely: miten onnistuimme? äöå €";
    const std::string long_text =
        finnish + " " + std::string(40, 'a') + "€€€€€€€€€€€€€€€€€€€€ äääääääää öööö ååå";
    for (const std::string& text : {finnish, long_text, std::string("a =?b?= c")}) {
        CAPTURE(text);
        auto encoded = encode_header_value(text, std::strlen("Subject: "));
        auto header = "Subject: " + encoded;
        for (const auto& line : lines_of(header)) CHECK(line.size() <= 77);  // 76 + the '\r'
        std::string unfolded;
        for (char c : encoded)
            if (c != '\r' && c != '\n') unfolded += c;
        for (const auto& word : encoded_words(unfolded)) {
            CHECK(word.size() <= 75);
            // Every word decodes on its own to whole UTF-8 characters.
            auto bytes = decode_rfc2047(word);
            REQUIRE_FALSE(bytes.empty());
            CHECK((static_cast<unsigned char>(bytes.front()) & 0xC0) != 0x80);
            size_t i = bytes.size() - 1;
            while (i > 0 && (static_cast<unsigned char>(bytes[i]) & 0xC0) == 0x80) --i;
            auto lead = static_cast<unsigned char>(bytes[i]);
            size_t length = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
            CHECK(bytes.size() - i == length);
        }
        CHECK(decode_rfc2047(unfolded) == text);
    }
    CHECK(encoded_words(encode_header_value(long_text)).size() > 2);

    CHECK(rfc5322_date(std::chrono::system_clock::from_time_t(1700000000)) ==
          "Tue, 14 Nov 2023 22:13:20 +0000");
}

TEST_CASE("http_client: invalid mail input fails before any connection") {
    asio::io_context io;
    HttpClient client(io);
    MailMessage m;
    m.url = "smtp://127.0.0.1:" + std::to_string(closed_port());
    m.from = "a@example.com";
    CHECK(send(io, client, m).curl_code == 43);  // no recipients
    m.to = {"b@example.com\r\nRCPT TO:<c@example.com>"};
    CHECK(send(io, client, m).curl_code == 43);
    m.to = {"b@example.com"};
    m.headers = {"X-Bad: a\nBcc: c@example.com"};
    CHECK(send(io, client, m).curl_code == 43);
    m.headers.clear();
    auto refused = send(io, client, m);
    CHECK(refused.curl_code == 7);  // CURLE_COULDNT_CONNECT: the input was fine
    m.url = "http://127.0.0.1:1/";
    CHECK(send(io, client, m).curl_code == 1);  // CURLE_UNSUPPORTED_PROTOCOL
}

TEST_CASE("http_client: SMTP mail is multipart/alternative, quoted-printable, RFC 2047 subject") {
    SmtpServer smtp;
    REQUIRE(smtp.wait_ready());
    asio::io_context io;
    HttpClient client(io);

    MailMessage m;
    m.url = smtp.url();
    m.from = "kysely@example.fi";
    m.from_name = "Asiakaspalvelu Öljy Oy";
    m.to = {"asiakas@example.com"};
    m.subject = "Kysely: miten onnistuimme? äöå €";
    m.text = "Hei!\nMiten onnistuimme? ä ö å €\n" + std::string(30, 'x') +
             " pitkä rivi, joka on yli seitsemänkymmentäkuusi merkkiä pitkä ääää öööö åååå €€€€\n"
             ".piste rivin alussa\nKiitos.\n";
    m.html = "<p>Hei! ä ö å €</p>\n<p><a href=\"https://cx.example.fi/s/abc?score=10\">10</a></p>";
    const std::string unsubscribe =
        "List-Unsubscribe: <https://cx.example.fi/u/abc123>, "
        "<mailto:unsubscribe@example.fi?subject=unsubscribe>";
    m.headers = {unsubscribe, "List-Unsubscribe-Post: List-Unsubscribe=One-Click",
                 "Message-ID: <abc123@cx.example.fi>"};

    auto result = send(io, client, m);
    CHECK(result.curl_code == 0);
    CHECK(result.error.empty());
    CHECK(result.smtp_code == 250);

    auto message = smtp.wait_message();
    INFO(smtp.log());
    REQUIRE_FALSE(message.empty());
    auto lines = lines_of(message);

    auto subject = header_value(lines, "Subject");
    CHECK(subject.starts_with("=?UTF-8?B?"));
    CHECK(decode_rfc2047(subject) == m.subject);
    auto from = header_value(lines, "From");
    CHECK(from.ends_with("<kysely@example.fi>"));
    CHECK(decode_rfc2047(from.substr(0, from.find('<'))) == m.from_name + " ");
    CHECK(header_value(lines, "To") == "asiakas@example.com");
    CHECK(header_value(lines, "MIME-Version") == "1.0");
    CHECK(header_value(lines, "Date").ends_with(" +0000"));
    CHECK(header_value(lines, "Message-ID") == "<abc123@cx.example.fi>");
    CHECK(std::find(lines.begin(), lines.end(), unsubscribe) != lines.end());
    CHECK(header_value(lines, "List-Unsubscribe-Post") == "List-Unsubscribe=One-Click");
    size_t mime_versions = 0;
    for (const auto& line : lines)
        mime_versions += line.starts_with("Mime-Version") || line.starts_with("MIME-Version");
    CHECK(mime_versions == 1);

    CHECK(message.find("Content-Type: multipart/alternative; boundary=") != std::string::npos);
    CHECK(message.find("=C3=A4") != std::string::npos);     // ä
    CHECK(message.find("=E2=82=AC") != std::string::npos);  // €
    CHECK(part_body(lines, "text/plain; charset=UTF-8") == m.text);
    CHECK(part_body(lines, "text/html; charset=UTF-8") == m.html);
}
