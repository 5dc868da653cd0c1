#pragma once
// The HTTP server both bench baselines are made of: one io_context thread, keep-alive
// sessions on 127.0.0.1:PORT, each request read whole and answered by `respond`. Prints
// "ready" once listening.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <iostream>
#include <string>

#include "cxgate/net.hpp"

namespace bench {

namespace beast = boost::beast;
namespace http = beast::http;
namespace asio = boost::asio;
using tcp = asio::ip::tcp;
using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

template <class Respond>
asio::awaitable<void> session(tcp::socket socket, Respond& respond) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        Request req;
        stream.expires_after(std::chrono::seconds(60));
        co_await http::async_read(stream, buffer, req,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        Response res = respond(req);
        res.keep_alive(req.keep_alive());
        co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
        if (ec || !res.keep_alive()) break;
    }
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
}

template <class Respond>
int serve(int argc, char** argv, const char* name, Respond respond) {
    if (argc != 2) {
        std::cerr << "usage: " << name << " PORT\n";
        return 2;
    }
    asio::io_context io(1);
    tcp::acceptor acceptor(
        io, {asio::ip::make_address("127.0.0.1"), static_cast<unsigned short>(std::stoi(argv[1]))});
    auto accept = [&]() -> asio::awaitable<void> {
        for (;;) {
            auto socket = co_await acceptor.async_accept(asio::use_awaitable);
            auto run = [s = std::move(socket), &respond]() mutable -> asio::awaitable<void> {
                co_await session(std::move(s), respond);
            };
            asio::co_spawn(io, std::move(run), asio::detached);
        }
    };
    asio::co_spawn(io, accept, asio::detached);
    std::cout << "ready" << std::endl;
    io.run();
    return 0;
}

}  // namespace bench
