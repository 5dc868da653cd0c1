// The provider stand-in for bench/dispatch: a Beast server on one io_context thread that
// answers every request as Twilio's Messages API answers a send (201 with a JSON message
// resource carrying a fresh sid). cxgate's twilio channel and the bare libcurl client
// post to it in turn, so both pay the same server-side cost.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <cstdio>
#include <iostream>

#include "cxgate/net.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;

namespace {

unsigned long long sent_count = 0;

std::string message_resource() {
    char sid[40];
    std::snprintf(sid, sizeof sid, "SM%032llx", ++sent_count);
    return std::string(R"({"sid":")") + sid +
           R"(","status":"queued","error_code":null,"num_segments":"1"})";
}

asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        http::request<http::string_body> req;
        stream.expires_after(std::chrono::seconds(60));
        co_await http::async_read(stream, buffer, req,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        http::response<http::string_body> res{http::status::created, req.version()};
        res.set(http::field::content_type, "application/json");
        res.body() = message_resource();
        res.prepare_payload();
        res.keep_alive(req.keep_alive());
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

asio::awaitable<void> listen(tcp::acceptor& acceptor) {
    for (;;) {
        auto socket = co_await acceptor.async_accept(asio::use_awaitable);
        auto run = [s = std::move(socket)]() mutable -> asio::awaitable<void> {
            co_await session(std::move(s));
        };
        asio::co_spawn(acceptor.get_executor(), std::move(run), asio::detached);
    }
}

}  // namespace

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: bench_provider_sink PORT\n";
        return 2;
    }
    asio::io_context io(1);
    tcp::acceptor acceptor(
        io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(argv[1]))});
    auto accept = [&acceptor]() -> asio::awaitable<void> { co_await listen(acceptor); };
    asio::co_spawn(io, accept, asio::detached);
    std::cout << "ready" << std::endl;
    io.run();
}
