#include "cxgate/cli/config_reloader.hpp"

#include <memory>

#include "cxgate/foundation/thread_name.hpp"

namespace cxgate::cli {

ConfigReloader::ConfigReloader(asio::io_context& io, std::string config_file, Apply apply)
    : io_(io), config_file_(std::move(config_file)), apply_(std::move(apply)) {}

ConfigReloader::~ConfigReloader() {
    join();
}

void ConfigReloader::request() {
    if (loading_) {
        again_ = true;
        return;
    }
    loading_ = true;
    join();  // the previous one has posted its result already
    loader_ = std::thread([this] {
        name_this_thread("config-loader");
        auto next = std::make_shared<config::LoadResult>(config::load(config_file_));
        asio::post(io_, [this, next] { finished(std::move(*next)); });
    });
}

void ConfigReloader::join() {
    if (loader_.joinable()) loader_.join();
}

void ConfigReloader::finished(config::LoadResult result) {
    loading_ = false;
    apply_(std::move(result));
    if (again_) {
        again_ = false;
        request();
    }
}

}  // namespace cxgate::cli
