#include "cxgate/channels/dispatcher.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "cxgate/channels/delivery.hpp"

namespace cxgate::channels {

struct Dispatcher::ChannelState {
    std::shared_ptr<Channel> channel;
    double rate = 10;
    double burst = 10;
    double tokens = 10;
    std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
    int max_concurrent = 8;
    int in_flight = 0;
    // Waiters sleep on this timer; a release or a refill time wakes them.
    std::unique_ptr<asio::steady_timer> wake;
};

namespace {
store::Seconds seconds(const Clock& clock) {
    return clock.now().time_since_epoch().count();
}
}  // namespace

Dispatcher::Dispatcher(asio::io_context& io, store::DbThread& writer, ConfigSource config,
                       const Clock& clock, size_t max_in_flight, size_t max_pending)
    : io_(io),
      writer_(writer),
      config_(std::move(config)),
      clock_(clock),
      max_in_flight_(max_in_flight),
      max_pending_(max_pending),
      http_(std::make_unique<HttpClient>(io)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::configure(std::shared_ptr<const config::Config> config,
                           const std::string& link_secret) {
    std::map<std::string, std::shared_ptr<ChannelState>> channels;
    ChannelContext context{io_, http_.get(), config, link_secret};
    for (const auto& [name, cfg] : config->channels) {
        auto state = std::make_shared<ChannelState>();
        state->channel = make_channel(cfg, context);
        state->rate = cfg.rate;
        state->burst = cfg.burst;
        state->tokens = cfg.burst;
        state->max_concurrent = cfg.max_concurrent;
        state->wake = std::make_unique<asio::steady_timer>(io_);
        // Keep the live counters of a channel that survives a reload.
        if (auto old = channels_.find(name); old != channels_.end())
            state->in_flight = old->second->in_flight;
        channels[name] = state;
    }
    // Deliveries in flight keep their own shared_ptr to the old state.
    channels_ = std::move(channels);
}

std::shared_ptr<Channel> Dispatcher::channel(const std::string& name) const {
    auto it = channels_.find(name);
    return it == channels_.end() ? nullptr : it->second->channel;
}

void Dispatcher::on_new_messages(std::function<void(const std::vector<std::int64_t>&)> callback) {
    new_messages_ = std::move(callback);
}

void Dispatcher::enqueue(const std::vector<std::int64_t>& ids) {
    for (auto id : ids) {
        if (known_.count(id)) continue;
        if (pending_.size() >= max_pending_) {
            ++stats_.dropped;
            continue;
        }
        known_.insert(id);
        pending_.push_back(id);
    }
    pump();
}

void Dispatcher::pump() {
    while (in_flight_ < max_in_flight_ && !pending_.empty()) {
        auto id = pending_.front();
        pending_.pop_front();
        ++in_flight_;
        auto task = [this, id]() -> asio::awaitable<void> { co_await deliver(id); };
        asio::co_spawn(io_, std::move(task), [this, id](std::exception_ptr error) {
            if (error) {
                try {
                    std::rethrow_exception(error);
                } catch (const store::QueueFull&) {
                    // Still queued in the database; the scheduler offers it again.
                } catch (const std::exception& e) {
                    spdlog::error("message {}: delivery failed: {}", id, e.what());
                }
            }
            --in_flight_;
            known_.erase(id);
            pump();
        });
    }
}

asio::awaitable<void> Dispatcher::acquire(ChannelState& state) {
    while (true) {
        auto now = std::chrono::steady_clock::now();
        std::chrono::duration<double> elapsed = now - state.refilled;
        state.tokens = std::min(state.burst, state.tokens + elapsed.count() * state.rate);
        state.refilled = now;
        if (state.tokens >= 1 && state.in_flight < state.max_concurrent) {
            state.tokens -= 1;
            ++state.in_flight;
            co_return;
        }
        auto wait = state.tokens >= 1 ? std::chrono::milliseconds(50)
                                      : std::chrono::milliseconds(static_cast<long>(
                                            std::ceil((1 - state.tokens) / state.rate * 1000)));
        state.wake->expires_after(wait);
        boost::system::error_code ec;
        co_await state.wake->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Dispatcher::release(ChannelState& state) {
    --state.in_flight;
    state.wake->cancel();  // let a waiter try again
}

asio::awaitable<void> Dispatcher::deliver(std::int64_t id) {
    // Peek without claiming, so a crash while waiting for the rate limit leaves the
    // message queued (sent later), not 'sending' (never sent).
    auto peek = [id](SQLite::Database& db) { return store::find_message(db, id); };
    auto message = co_await writer_.execute(peek);
    if (!message || message->state != "queued") co_return;
    if (message->next_attempt_at && *message->next_attempt_at > seconds(clock_)) co_return;

    auto found = channels_.find(message->channel);
    std::shared_ptr<ChannelState> state = found == channels_.end() ? nullptr : found->second;
    if (state) co_await acquire(*state);

    auto now = seconds(clock_);
    auto claim = [id, now](SQLite::Database& db) { return claim_message(db, id, now); };
    auto claimed = co_await writer_.execute(claim);
    if (!claimed) {
        if (state) release(*state);
        co_return;
    }

    SendResult result;
    if (!state) {
        result = {SendResult::Status::permanent_failure,
                  "",
                  "channel " + claimed->channel + " is not configured",
                  "config",
                  {},
                  false};
    } else {
        try {
            result = co_await state->channel->send(*claimed);
        } catch (const std::exception& e) {
            result = {SendResult::Status::temporary_failure, "", e.what(), "exception", {}, false};
        }
        release(*state);
    }
    auto config = config_();
    auto done_at = seconds(clock_);
    double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
    auto record = [config, m = *claimed, result, done_at, jitter](SQLite::Database& db) {
        return record_send_result(db, *config, m, result, done_at, jitter);
    };
    auto outcome = co_await writer_.execute(record);
    if (result.status == SendResult::Status::sent) {
        ++stats_.sent;
        spdlog::info("message {} ({}) sent on {} to {} [{}]", id, claimed->kind, claimed->channel,
                     claimed->address, result.provider_id);
    } else if (outcome.retry_at) {
        ++stats_.retried;
        spdlog::warn("message {} on {}: {} {}; {}", id, claimed->channel, result.error_code,
                     result.error, outcome.note);
    } else {
        ++stats_.failed;
        spdlog::warn("message {} ({}) failed on {}: {} {} {}", id, claimed->kind, claimed->channel,
                     result.error_code, result.error, outcome.note);
    }
    if (!outcome.queued_messages.empty()) enqueue(outcome.queued_messages);
    // The scheduler sleeps until the earliest due work it knew of; a retry time or a new
    // message may be earlier, so it must look again.
    if ((!outcome.queued_messages.empty() || outcome.retry_at) && new_messages_)
        new_messages_(outcome.queued_messages);
}

asio::awaitable<void> Dispatcher::recover() {
    std::vector<std::string> replayable;
    for (const auto& [name, state] : channels_)
        if (!state->channel->has_outside_effect()) replayable.push_back(name);
    auto now = seconds(clock_);
    auto job = [replayable, now](SQLite::Database& db) {
        return recover_in_flight(db, replayable, now);
    };
    auto [requeued, unknown] = co_await writer_.execute(job);
    if (requeued || unknown)
        spdlog::warn(
            "recovery: {} message(s) queued again, {} in flight at the crash marked unknown (not "
            "resent)",
            requeued, unknown);
}

Dispatcher::Stats Dispatcher::stats() const {
    Stats s = stats_;
    s.pending = pending_.size();
    s.in_flight = in_flight_;
    return s;
}

}  // namespace cxgate::channels
