#pragma once
// The Beast HTTP listener: one coroutine per connection, bounded in number, each read
// bounded in time and size.
//
// Nobody can lock everyone else out (server: in cxgate.yaml, config::ServerConfig):
//   - at most max_connections in all and max_connections_per_address from one address;
//   - a connection with no request under way (new, or kept alive) is idle: it is closed
//     after idle_timeout, or at once, longest idle first, when a new connection arrives
//     at a bound (idle keep-alive connections are cheap to reopen; a refused client is not
//     served at all);
//   - at a bound with nobody idle, the new connection gets 503 with Retry-After and is
//     closed, instead of a reset;
//   - a request head must be complete within header_timeout of its first byte, a body
//     within 30 s, an answer written within 30 s;
//   - a request that is too large or malformed gets its final status (read_error_answer)
//     and the connection closes after draining what the client still sends for 1 s, so
//     the answer is read rather than lost to a reset.
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include <boost/beast/http/status.hpp>
#include <boost/system/error_code.hpp>

#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

// The answer to a request that could not be read: 413 for a body over max_body_bytes,
// 414 for a request target over 8 KiB, 431 for a head over 16 KiB, 400 for anything
// malformed; nullopt when there is nobody to answer (the client closed or went quiet).
// `target` is the request target if the request line was read (empty otherwise), to
// tell 414 from 431.
struct ReadError {
    boost::beast::http::status status;
    std::string message;
};
std::optional<ReadError> read_error_answer(const boost::system::error_code& ec,
                                           std::string_view target, size_t max_body_bytes);

class Server {
  public:
    Server(asio::io_context& io, Services& services);
    ~Server();
    // "127.0.0.1:8080"; port 0 picks a free port. Throws on a bad address or bind error.
    void listen(const std::string& host_port);
    unsigned short port() const;
    // Stops accepting and closes idle connections; the others finish the request they
    // are reading or answering, answer it with Connection: close, and end.
    void stop();
    // Connections still open; after stop(), those with a request still under way.
    size_t open_connections() const;

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cxgate::http
