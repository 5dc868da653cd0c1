#pragma once
// The Beast HTTP listener: one coroutine per connection, bounded in number, each read
// bounded in time and size.
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
