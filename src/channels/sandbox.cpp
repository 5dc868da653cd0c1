// The sandbox channel: the message row in the database is the delivery. Operators read
// it with `cxgate outbox`; replies come in through the same webhook route as a real
// provider's (see `cxgate reply`).
#include "cxgate/channels/channel.hpp"

namespace cxgate::channels {

namespace {

class SandboxChannel final : public Channel {
  public:
    asio::awaitable<SendResult> send(const store::MessageRow& message) override {
        co_return SendResult{SendResult::Status::sent, "sandbox-" + std::to_string(message.id), ""};
    }
    bool has_outside_effect() const override { return false; }
};

}  // namespace

std::unique_ptr<Channel> make_channel(const config::ChannelConfig& config, asio::io_context& io) {
    (void)io;
    if (config.type == "sandbox") return std::make_unique<SandboxChannel>();
    throw std::runtime_error("channel " + config.name + ": unsupported type " + config.type);
}

}  // namespace cxgate::channels
