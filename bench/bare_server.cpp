// The baseline for bench/ingest: a bare Beast server on one io_context thread that
// reads each request (body included) and answers 204, doing nothing else. cxgate's
// webhook route is measured against it with the same client and the same requests.
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include <iostream>

#include "cxgate/net.hpp"

namespace beast = boost::beast;
namespace http = beast::http;
using tcp = boost::asio::ip::tcp;
namespace asio = boost::asio;

asio::awaitable<void> session(tcp::socket socket) {
    beast::tcp_stream stream(std::move(socket));
    beast::flat_buffer buffer;
    boost::system::error_code ec;
    for (;;) {
        http::request<http::string_body> req;
        stream.expires_after(std::chrono::seconds(30));
        co_await http::async_read(stream, buffer, req,
                                  asio::redirect_error(asio::use_awaitable, ec));
        if (ec) break;
        http::response<http::empty_body> res{http::status::no_content, req.version()};
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

int main(int argc, char** argv) {
    if (argc != 2) {
        std::cerr << "usage: bench_bare_server PORT\n";
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
