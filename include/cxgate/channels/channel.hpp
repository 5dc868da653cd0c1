#pragma once
// A channel is a named provider instance from cxgate.yaml. It turns one message into
// one provider request and reports what the provider said; retries, rates and state
// changes belong to the dispatcher, not to the channel.
#include <memory>
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/net.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::channels {

struct SendResult {
    enum class Status { sent, temporary_failure, permanent_failure };
    Status status = Status::sent;
    std::string provider_id;
    std::string error;
};

class Channel {
  public:
    virtual ~Channel() = default;
    virtual asio::awaitable<SendResult> send(const store::MessageRow& message) = 0;
    // Whether a request in flight at a crash may have reached the provider. The sandbox
    // has no outside effect, so its in-flight messages are simply sent again.
    virtual bool has_outside_effect() const = 0;
};

std::unique_ptr<Channel> make_channel(const config::ChannelConfig& config, asio::io_context& io);

}  // namespace cxgate::channels
