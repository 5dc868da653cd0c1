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
//     within 30 s, an answer written within 30 s.
#include <memory>
#include <string>

#include "cxgate/http/services.hpp"
#include "cxgate/net.hpp"

namespace cxgate::http {

class Server {
  public:
    Server(asio::io_context& io, Services& services);
    ~Server();
    // "127.0.0.1:8080"; port 0 picks a free port. Throws on a bad address or bind error.
    void listen(const std::string& host_port);
    unsigned short port() const;
    // Stops accepting; open sessions finish their current request.
    void stop();

  private:
    struct Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace cxgate::http
