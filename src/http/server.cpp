#include "cxgate/http/server.hpp"

#include <spdlog/spdlog.h>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cxgate/http/router.hpp"

namespace cxgate::http {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {
constexpr std::chrono::seconds kReadTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{30};
}  // namespace

struct Server::Impl {
    asio::io_context& io;
    Services& services;
    tcp::acceptor acceptor;
    size_t open_sessions = 0;
    bool stopping = false;

    Impl(asio::io_context& io_, Services& s) : io(io_), services(s), acceptor(io_) {}

    asio::awaitable<void> session(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        beast::flat_buffer buffer;
        boost::system::error_code ec;
        const auto config = services.config();
        while (!stopping) {
            beast_http::request_parser<beast_http::string_body> parser;
            parser.body_limit(config->server.max_body_bytes);
            parser.header_limit(16 * 1024);
            stream.expires_after(kReadTimeout);
            co_await beast_http::async_read(stream, buffer, parser,
                                            asio::redirect_error(asio::use_awaitable, ec));
            if (ec == beast_http::error::end_of_stream) break;
            if (ec == beast_http::error::body_limit) {
                Request shell;
                shell.version(11);
                auto res = error_response(
                    shell, beast_http::status::payload_too_large,
                    "body larger than " + std::to_string(config->server.max_body_bytes) + " bytes");
                res.keep_alive(false);
                stream.expires_after(kWriteTimeout);
                co_await beast_http::async_write(stream, res,
                                                 asio::redirect_error(asio::use_awaitable, ec));
                break;
            }
            if (ec) {
                if (ec != beast::error::timeout && ec != asio::error::connection_reset &&
                    ec != asio::error::eof)
                    spdlog::debug("http read: {}", ec.message());
                break;
            }
            Request request = parser.release();
            const bool keep_alive = request.keep_alive();
            services.counters.requests++;
            Response response;
            try {
                response = co_await handle_request(std::move(request), services);
            } catch (const store::QueueFull&) {
                // A read queue at its bound: same answer as a full write queue.
                Request shell;
                shell.version(11);
                response = busy(shell, services);
            } catch (const std::exception& e) {
                spdlog::error("request failed: {}", e.what());
                Request shell;
                shell.version(11);
                response = error_response(shell, beast_http::status::internal_server_error,
                                          "internal error");
            }
            response.keep_alive(keep_alive && !stopping);
            response.prepare_payload();
            stream.expires_after(kWriteTimeout);
            co_await beast_http::async_write(stream, response,
                                             asio::redirect_error(asio::use_awaitable, ec));
            if (ec || !response.keep_alive()) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    }

    asio::awaitable<void> accept_loop() {
        while (!stopping) {
            boost::system::error_code ec;
            tcp::socket socket =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted) break;
                spdlog::warn("accept: {}", ec.message());
                continue;
            }
            if (open_sessions >= services.config()->server.max_connections) {
                // Over the bound: refuse at once rather than queueing without limit.
                socket.close(ec);
                continue;
            }
            ++open_sessions;
            auto run = [this, s = std::move(socket)]() mutable -> asio::awaitable<void> {
                co_await session(std::move(s));
            };
            asio::co_spawn(io, std::move(run), [this](std::exception_ptr error) {
                --open_sessions;
                if (!error) return;
                try {
                    std::rethrow_exception(error);
                } catch (const std::exception& e) {
                    spdlog::warn("session ended: {}", e.what());
                }
            });
        }
    }
};

Server::Server(asio::io_context& io, Services& services)
    : impl_(std::make_unique<Impl>(io, services)) {}
Server::~Server() = default;

void Server::listen(const std::string& host_port) {
    auto colon = host_port.rfind(':');
    if (colon == std::string::npos)
        throw std::runtime_error("listen address must be HOST:PORT, got " + host_port);
    auto host = host_port.substr(0, colon);
    if (host.size() > 1 && host.front() == '[') host = host.substr(1, host.size() - 2);
    auto port = static_cast<unsigned short>(std::stoi(host_port.substr(colon + 1)));
    tcp::endpoint endpoint(asio::ip::make_address(host.empty() ? "0.0.0.0" : host), port);
    impl_->acceptor.open(endpoint.protocol());
    impl_->acceptor.set_option(asio::socket_base::reuse_address(true));
    impl_->acceptor.bind(endpoint);
    impl_->acceptor.listen(asio::socket_base::max_listen_connections);
    auto loop = [impl = impl_.get()]() -> asio::awaitable<void> { co_await impl->accept_loop(); };
    asio::co_spawn(impl_->io, std::move(loop), [](std::exception_ptr error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            spdlog::critical("listener stopped: {}", e.what());
        }
    });
}

unsigned short Server::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void Server::stop() {
    impl_->stopping = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
}

}  // namespace cxgate::http
