#include "cxgate/http/server.hpp"

#include <spdlog/spdlog.h>
#include <sys/resource.h>

#include <list>
#include <optional>
#include <unordered_map>

#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>

#include "cxgate/http/router.hpp"

namespace cxgate::http {

namespace beast = boost::beast;
using tcp = asio::ip::tcp;

namespace {

constexpr std::chrono::seconds kBodyTimeout{30};
constexpr std::chrono::seconds kWriteTimeout{30};
// After a final error (413, 414, 431, 400, a refused connection's 503) the connection is
// drained this long before it closes: closing with unread data resets it, and the reset
// can destroy the answer before the client has read it. At most kMaxLingering refused
// connections linger at once; beyond that they are just closed.
constexpr std::chrono::seconds kLinger{1};
constexpr size_t kMaxLingering = 64;
// Connections taken from the listen queue per turn of the event loop.
constexpr size_t kAcceptBatch = 64;
// The request head (request line and fields) and, within it, the request target.
constexpr size_t kMaxHeadBytes = 16 * 1024;
constexpr size_t kMaxTargetBytes = 8 * 1024;

// What the per-address bound counts by: an IPv4 address, or an IPv6 client's /64 (one
// subscriber usually has a whole /64, so counting single IPv6 addresses bounds nothing).
std::string address_key(const asio::ip::address& address) {
    if (address.is_v6()) {
        auto v6 = address.to_v6();
        if (v6.is_v4_mapped())
            return asio::ip::make_address_v4(asio::ip::v4_mapped, v6).to_string();
        auto bytes = v6.to_bytes();
        std::fill(bytes.begin() + 8, bytes.end(), 0);
        return asio::ip::address_v6(bytes).to_string() + "/64";
    }
    return address.to_string();
}

// Connections need file descriptors: a soft limit below the connection bound would make
// accept() fail (EMFILE) before the bound is reached. Raise it as far as allowed.
void raise_open_file_limit(size_t wanted) {
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur >= wanted) return;
    limit.rlim_cur =
        limit.rlim_max == RLIM_INFINITY ? wanted : std::min<rlim_t>(wanted, limit.rlim_max);
    setrlimit(RLIMIT_NOFILE, &limit);
    if (limit.rlim_cur < wanted)
        spdlog::warn(
            "open file limit {} is below what server.max_connections needs ({}); raise "
            "LimitNOFILE",
            limit.rlim_cur, wanted);
}

// Sends nothing more, reads (and drops) what the client still sends until it closes or
// kLinger has passed, then the caller closes.
asio::awaitable<void> linger(beast::tcp_stream& stream) {
    boost::system::error_code ec;
    stream.socket().shutdown(tcp::socket::shutdown_send, ec);
    stream.expires_after(kLinger);
    char sink[8192];
    while (!ec)
        co_await stream.async_read_some(asio::buffer(sink),
                                        asio::redirect_error(asio::use_awaitable, ec));
}

// Expect: 100-continue on an HTTP/1.1 request with a body still to come.
template <class Header>
bool expects_continue(const Header& head) {
    return head.version() >= 11 && beast::iequals(head[beast_http::field::expect], "100-continue");
}

}  // namespace

std::optional<ReadError> read_error_answer(const boost::system::error_code& ec,
                                           std::string_view target, size_t max_body_bytes) {
    using error = beast_http::error;
    if (ec == error::body_limit)
        return ReadError{beast_http::status::payload_too_large,
                         "body larger than " + std::to_string(max_body_bytes) + " bytes"};
    if (ec == error::header_limit) {
        // No request line within the limit means a target too long: the method and the
        // version are short.
        if (target.empty() || target.size() > kMaxTargetBytes)
            return ReadError{
                beast_http::status::uri_too_long,
                "request target longer than " + std::to_string(kMaxTargetBytes) + " bytes"};
        return ReadError{beast_http::status::request_header_fields_too_large,
                         "request head larger than " + std::to_string(kMaxHeadBytes) + " bytes"};
    }
    // The client went away, or stopped in the middle: nobody to answer.
    if (ec == error::end_of_stream || ec == error::partial_message || ec == error::need_more ||
        ec == error::need_buffer)
        return std::nullopt;
    if (ec.category() == beast_http::make_error_code(error::bad_method).category())
        return ReadError{beast_http::status::bad_request, "malformed request: " + ec.message()};
    return std::nullopt;
}

struct Server::Impl {
    // One open connection, as the bounds see it. Lives as long as its session.
    struct Connection {
        beast::tcp_stream* stream = nullptr;
        std::string address;
        bool counted = false;  // still in the counts (an evicted one leaves them at once)
        bool started = false;  // its session has run to its first read
        bool idle = false;     // no request under way: may be closed to make room
        std::list<Connection*>::iterator idle_at;
    };
    // The connections of one client address: how many, how many of them have not started
    // (taken in this turn of the accept loop: not idle yet, whatever they will send), and
    // its idle ones, longest idle first.
    struct Address {
        size_t open = 0;
        size_t starting = 0;
        std::list<Connection*> idle;
    };
    // What making room for a new connection came to. `wait`: the connections that should
    // make room (the address's own, or the largest address's) have nothing idle but some
    // not yet started; a turn later one of those may be closed.
    enum class Room { made, wait, none };

    asio::io_context& io;
    Services& services;
    tcp::acceptor acceptor;
    size_t open_connections = 0;
    std::unordered_map<std::string, Address> addresses;
    size_t lingering = 0;
    bool stopping = false;

    Impl(asio::io_context& io_, Services& s) : io(io_), services(s), acceptor(io_) {}

    void set_idle(Connection& c, bool now_idle) {
        if (c.idle == now_idle || !c.counted) return;
        c.idle = now_idle;
        auto& list = addresses[c.address].idle;
        if (now_idle)
            c.idle_at = list.insert(list.end(), &c);
        else
            list.erase(c.idle_at);
    }

    void set_started(Connection& c) {
        if (c.started) return;
        c.started = true;
        if (c.counted) --addresses[c.address].starting;
    }

    void forget(Connection& c) {
        if (!c.counted) return;
        set_idle(c, false);
        set_started(c);
        c.counted = false;
        --open_connections;
        services.counters.connections_open = open_connections;
        auto it = addresses.find(c.address);
        if (--it->second.open == 0) addresses.erase(it);
    }

    // Closes the longest-idle connection of `address` to make room for a new one. Its
    // session sees the cancelled read and ends.
    bool evict_idle(Address& address) {
        if (address.idle.empty()) return false;
        Connection& c = *address.idle.front();
        forget(c);
        boost::system::error_code ec;
        c.stream->socket().shutdown(tcp::socket::shutdown_both, ec);
        c.stream->cancel();
        services.counters.connections_evicted++;
        return true;
    }

    // At the global bound, room is taken from the address that holds the most
    // connections: a flood from a few addresses pays for itself, and a client with one
    // connection that has not yet sent its request keeps it. Only when that address has
    // nothing idle, and nothing about to be, is room taken from the next largest.
    Room evict_from_largest(bool may_wait) {
        Address* largest = nullptr;
        Address* largest_idle = nullptr;
        for (auto& [key, a] : addresses) {
            if (!largest || a.open > largest->open) largest = &a;
            if (!a.idle.empty() && (!largest_idle || a.open > largest_idle->open))
                largest_idle = &a;
        }
        if (may_wait && largest && largest->idle.empty() && largest->starting > 0)
            return Room::wait;
        return largest_idle && evict_idle(*largest_idle) ? Room::made : Room::none;
    }

    // Whether a new connection from `address` fits, after closing an idle one if need be.
    Room make_room(const std::string& address, const config::ServerConfig& limits, bool may_wait) {
        if (limits.max_connections_per_address > 0) {
            auto it = addresses.find(address);
            if (it != addresses.end() && it->second.open >= limits.max_connections_per_address &&
                !evict_idle(it->second))
                return may_wait && it->second.starting > 0 ? Room::wait : Room::none;
        }
        if (open_connections >= limits.max_connections) return evict_from_largest(may_wait);
        return Room::made;
    }

    // Over a bound with nobody idle: a 503 the client can act on instead of a reset.
    asio::awaitable<void> refuse(tcp::socket socket) {
        beast::tcp_stream stream(std::move(socket));
        // The length is counted, not written by hand: it once said 53 for a 52-byte body,
        // and clients that trust Content-Length waited for the missing byte.
        static const std::string body = "{\"error\":\"too many connections; retry in a second\"}\n";
        static const std::string answer =
            "HTTP/1.1 503 Service Unavailable\r\nServer: cxgate\r\nContent-Type: "
            "application/json\r\nRetry-After: 1\r\nConnection: close\r\nContent-Length: " +
            std::to_string(body.size()) + "\r\n\r\n" + body;
        boost::system::error_code ec;
        stream.expires_after(kLinger);
        co_await asio::async_write(stream, asio::buffer(answer),
                                   asio::redirect_error(asio::use_awaitable, ec));
        if (!ec) co_await linger(stream);
    }

    asio::awaitable<void> session(tcp::socket socket, Connection& conn) {
        set_started(conn);  // runs on to its first read before anything else does
        beast::tcp_stream stream(std::move(socket));
        conn.stream = &stream;
        beast::flat_buffer buffer;
        boost::system::error_code ec;
        const auto config = services.config();
        const auto& limits = config->server;
        while (!stopping && conn.counted) {
            // Idle: no request under way. A new connection is idle too until its first
            // byte; both may be closed to make room (evict_idle).
            if (buffer.size() == 0) {
                // Bytes already waiting mean a request is under way: not idle.
                if (stream.socket().available(ec) == 0) set_idle(conn, true);
                stream.expires_after(limits.idle_timeout);
                auto n = co_await stream.async_read_some(
                    buffer.prepare(4096), asio::redirect_error(asio::use_awaitable, ec));
                set_idle(conn, false);
                if (ec) break;
                buffer.commit(n);
            }
            beast_http::request_parser<beast_http::string_body> parser;
            parser.body_limit(limits.max_body_bytes);
            parser.header_limit(kMaxHeadBytes);
            // The whole head within header_timeout of its first byte (slow senders that
            // trickle a byte at a time hold a connection no longer than that).
            stream.expires_after(limits.header_timeout);
            co_await beast_http::async_read_header(stream, buffer, parser,
                                                   asio::redirect_error(asio::use_awaitable, ec));
            std::optional<ReadError> refused;
            if (!ec && parser.get().target().size() > kMaxTargetBytes)
                refused = ReadError{
                    beast_http::status::uri_too_long,
                    "request target longer than " + std::to_string(kMaxTargetBytes) + " bytes"};
            if (!ec && !refused && !parser.is_done() && expects_continue(parser.get())) {
                // The client waits for this before it sends the body (RFC 9110 10.1.1);
                // errors known from the head (413, 414, 431) were answered instead.
                beast_http::response<beast_http::empty_body> go_on{beast_http::status::continue_,
                                                                   11};
                stream.expires_after(kWriteTimeout);
                co_await beast_http::async_write(stream, go_on,
                                                 asio::redirect_error(asio::use_awaitable, ec));
                if (ec) break;
            }
            if (!ec && !refused) {
                stream.expires_after(kBodyTimeout);
                co_await beast_http::async_read(stream, buffer, parser,
                                                asio::redirect_error(asio::use_awaitable, ec));
            }
            // The parser has the target once it has read the request line.
            if (ec) refused = read_error_answer(ec, parser.get().target(), limits.max_body_bytes);
            if (refused) {
                // A final answer, then close: what follows in the stream cannot be trusted
                // to be the next request.
                Request shell;
                shell.version(11);
                auto res = to_response(shell, ApiError{refused->status, refused->message});
                res.keep_alive(false);
                res.prepare_payload();
                stream.expires_after(kWriteTimeout);
                co_await beast_http::async_write(stream, res,
                                                 asio::redirect_error(asio::use_awaitable, ec));
                if (!ec) co_await linger(stream);
                break;
            }
            if (ec) {
                if (ec != beast::error::timeout && ec != asio::error::connection_reset &&
                    ec != asio::error::eof && ec != asio::error::operation_aborted)
                    spdlog::debug("http read: {}", ec.message());
                break;
            }
            Request request = parser.release();
            const bool keep_alive = request.keep_alive();
            services.counters.requests++;
            auto response = co_await handle_request(std::move(request), services, conn.address);
            response.keep_alive(keep_alive && !stopping);
            stream.expires_after(kWriteTimeout);
            co_await beast_http::async_write(stream, response,
                                             asio::redirect_error(asio::use_awaitable, ec));
            if (ec || !response.keep_alive()) break;
        }
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
        conn.stream = nullptr;
    }

    void start_session(tcp::socket socket, std::string address) {
        auto conn = std::make_shared<Connection>();
        conn->address = std::move(address);
        conn->counted = true;
        ++open_connections;
        services.counters.connections_open = open_connections;
        auto& counts = addresses[conn->address];
        ++counts.open;
        ++counts.starting;
        auto run = [this, conn, s = std::move(socket)]() mutable -> asio::awaitable<void> {
            co_await session(std::move(s), *conn);
        };
        asio::co_spawn(io, std::move(run), [this, conn](std::exception_ptr error) {
            forget(*conn);
            if (!error) return;
            try {
                std::rethrow_exception(error);
            } catch (const std::exception& e) {
                spdlog::warn("session ended: {}", e.what());
            }
        });
    }

    void start_refusal(tcp::socket socket) {
        services.counters.connections_refused++;
        if (lingering >= kMaxLingering) return;  // the socket closes here
        ++lingering;
        auto run = [this, s = std::move(socket)]() mutable -> asio::awaitable<void> {
            co_await refuse(std::move(s));
        };
        asio::co_spawn(io, std::move(run), [this](std::exception_ptr) { --lingering; });
    }

    // Admits or refuses one accepted connection. With `may_hold`, a connection that
    // could get in only by closing one taken in this same turn is given back instead
    // (Room::wait): those have not looked for bytes yet, so none counts as idle, and
    // refusing now, or closing another client's connection, would be wrong a turn later.
    std::optional<tcp::socket> take(tcp::socket socket, bool may_hold) {
        boost::system::error_code ec;
        auto peer = socket.remote_endpoint(ec);
        if (ec) return std::nullopt;  // already gone
        auto address = address_key(peer.address());
        const auto config = services.config();
        switch (make_room(address, config->server, may_hold)) {
            case Room::made:
                start_session(std::move(socket), std::move(address));
                return std::nullopt;
            case Room::wait:
                return socket;
            case Room::none:
                start_refusal(std::move(socket));
                return std::nullopt;
        }
        return std::nullopt;
    }

    asio::awaitable<void> accept_loop() {
        asio::steady_timer pause(io);
        // Connections already waiting are taken without a trip through the event loop
        // each: under a flood the listen queue drains several times faster, and a client
        // queued behind the flood is answered sooner.
        acceptor.non_blocking(true);
        while (!stopping) {
            boost::system::error_code ec;
            tcp::socket socket =
                co_await acceptor.async_accept(asio::redirect_error(asio::use_awaitable, ec));
            if (ec) {
                if (ec == asio::error::operation_aborted || stopping) break;
                // Out of file descriptors (or memory): retrying at once would spin.
                spdlog::warn("accept: {}", ec.message());
                pause.expires_after(std::chrono::milliseconds(100));
                co_await pause.async_wait(asio::redirect_error(asio::use_awaitable, ec));
                continue;
            }
            auto held = take(std::move(socket), true);
            // An error here (nothing waiting, or out of descriptors) ends the batch; the
            // next async_accept waits for, or reports, it.
            for (size_t n = 1; n < kAcceptBatch && !held && !stopping; ++n) {
                tcp::socket next = acceptor.accept(ec);
                if (ec) break;
                held = take(std::move(next), true);
            }
            // Let the sessions run before the next batch: a new connection counts as idle,
            // and may be closed to make room, only once its session has looked for bytes.
            co_await asio::post(io, asio::use_awaitable);
            if (held && !stopping) take(std::move(*held), false);
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
    // Room for every connection, the refusals being answered, the database and the
    // provider requests.
    raise_open_file_limit(impl_->services.config()->server.max_connections + kMaxLingering + 256);
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

size_t Server::open_connections() const {
    return impl_->open_connections;
}

unsigned short Server::port() const {
    return impl_->acceptor.local_endpoint().port();
}

void Server::stop() {
    impl_->stopping = true;
    boost::system::error_code ec;
    impl_->acceptor.close(ec);
    // Idle connections have nothing to finish; requests under way finish and then close.
    while (impl_->evict_from_largest(false) == Impl::Room::made) {
    }
}

}  // namespace cxgate::http
