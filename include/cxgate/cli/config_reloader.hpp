#pragma once
// SIGHUP re-reads everything: cxgate.yaml, flows, templates, sources. The files are read
// and validated on a helper thread, never on the event loop; the result is posted back
// and handed to `apply` on the loop, so no request ever sees half a configuration and
// requests in flight keep the one they started with. A request that arrives during a
// reload runs one more after it.
#include <functional>
#include <string>
#include <thread>

#include "cxgate/config/config.hpp"
#include "cxgate/net.hpp"

namespace cxgate::cli {

class ConfigReloader {
  public:
    using Apply = std::function<void(config::LoadResult)>;
    ConfigReloader(asio::io_context& io, std::string config_file, Apply apply);
    ~ConfigReloader();  // join()
    ConfigReloader(const ConfigReloader&) = delete;
    ConfigReloader& operator=(const ConfigReloader&) = delete;

    // On the loop: starts a reload, or asks for one more after the one under way.
    void request();
    // Waits for the helper thread. Its result is dropped if the loop has stopped.
    void join();

  private:
    void finished(config::LoadResult result);

    asio::io_context& io_;
    std::string config_file_;
    Apply apply_;
    std::thread loader_;
    bool loading_ = false, again_ = false;
};

}  // namespace cxgate::cli
