#include "cxgate/channels/dispatcher.hpp"
#include "cxgate/foundation/phone.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/channels/inflight_journal.hpp"

namespace cxgate::channels {

// Deliveries waiting for a gate queue in arrival order, each on its own timer, and only
// the head may pass: one release wakes one waiter, not all of them (with hundreds
// queued behind a busy channel a shared timer turned every release into a storm).
struct Dispatcher::Gate {
    int limit = 1;
    int used = 0;
    std::deque<std::shared_ptr<asio::steady_timer>> waiters;
};

struct Dispatcher::ChannelState {
    std::shared_ptr<Channel> channel;
    double rate = 10;
    double burst = 10;
    double tokens = 10;
    std::chrono::steady_clock::time_point refilled = std::chrono::steady_clock::now();
    // Claimed messages (claimed, in a request, or being recorded): the claim is
    // committed ahead of a free request slot, so commit latency is not paid inside one.
    Gate claims;
    // Requests in flight at the provider: max_concurrent.
    Gate requests;
};

namespace {
// How many claimed messages a request slot may have waiting: enough that a slot never
// waits for a commit; bounded, as every queue is.
constexpr int kClaimsPerSlot = 4;

store::Seconds seconds(const Clock& clock) {
    return clock.now().time_since_epoch().count();
}
}  // namespace

Dispatcher::Dispatcher(asio::io_context& io, store::DbThread& writer, store::DbThread& reader,
                       ConfigSource config, const Clock& clock, size_t max_in_flight,
                       size_t max_pending)
    : io_(io),
      writer_(writer),
      reader_(reader),
      config_(std::move(config)),
      clock_(clock),
      max_in_flight_(max_in_flight),
      max_pending_(max_pending),
      http_(std::make_unique<HttpClient>(io)) {}

Dispatcher::~Dispatcher() = default;

void Dispatcher::configure(const std::shared_ptr<const config::Config>& config,
                           const std::string& link_secret) {
    std::map<std::string, std::shared_ptr<ChannelState>> channels;
    ChannelContext context{io_, http_.get(), config, link_secret};
    for (const auto& [name, cfg] : config->channels) {
        auto state = std::make_shared<ChannelState>();
        state->channel = make_channel(cfg, context);
        state->rate = cfg.rate;
        state->burst = cfg.burst;
        state->tokens = cfg.burst;
        state->requests.limit = cfg.max_concurrent;
        state->claims.limit = cfg.max_concurrent * kClaimsPerSlot;
        // Keep the live counters of a channel that survives a reload.
        if (auto old = channels_.find(name); old != channels_.end()) {
            state->requests.used = old->second->requests.used;
            state->claims.used = old->second->claims.used;
        }
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

void Dispatcher::on_drained(std::function<void()> callback) {
    drained_ = std::move(callback);
}

void Dispatcher::enqueue(const std::vector<std::int64_t>& ids) {
    if (stopping_) return;  // they stay queued in the database for the next start
    std::vector<std::int64_t> fresh;
    for (auto id : ids) {
        if (known_.count(id)) continue;
        if (pending_.size() + looking_up_ >= max_pending_) {
            ++stats_.dropped;
            continue;
        }
        known_.insert(id);
        fresh.push_back(id);
    }
    // A batch (a scheduler pass) is looked up in one read; one id is looked at by its own
    // delivery, which costs the same.
    if (fresh.size() > 1)
        look_up(std::move(fresh));
    else
        admit(fresh);
}

void Dispatcher::look_up(std::vector<std::int64_t> ids) {
    looking_up_ += ids.size();
    auto now = seconds(clock_);
    auto task = [this, ids = std::move(ids), now]() -> asio::awaitable<void> {
        auto read = [ids, now](store::Store& db) { return db.queued_channels(ids, now); };
        std::optional<std::vector<std::pair<std::int64_t, std::string>>> found;
        try {
            found = co_await reader_.execute(read, store::Origin::internal);
        } catch (const std::exception& e) {
            // Its queue full, say: then each delivery looks for itself.
            spdlog::debug("dispatcher: the look at {} new messages failed: {}", ids.size(),
                          e.what());
        }
        looking_up_ -= ids.size();
        if (found) {
            for (const auto id : ids) routes_[id];  // not found: not queued or not due
            for (auto& [id, channel] : *found) routes_[id] = std::move(channel);
        }
        admit(ids);
    };
    asio::co_spawn(io_, std::move(task), asio::detached);
}

void Dispatcher::admit(const std::vector<std::int64_t>& ids) {
    for (const auto id : ids) {
        if (stopping_) {
            known_.erase(id);
            routes_.erase(id);
        } else {
            pending_.push_back(id);
        }
    }
    pump();
}

void Dispatcher::stop() {
    stopping_ = true;
    for (auto id : pending_) {
        known_.erase(id);
        routes_.erase(id);
    }
    pending_.clear();
    // Deliveries waiting for a claim wake up one after the other and leave (acquire).
    for (auto& [name, state] : channels_) wake_next(state->claims);
}

void Dispatcher::pump() {
    const bool had_pending = !pending_.empty();
    while (!stopping_ && in_flight_ < max_in_flight_ && !pending_.empty()) {
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
    if (had_pending && pending_.empty() && !stopping_ && drained_) drained_();
}

asio::awaitable<bool> Dispatcher::acquire(ChannelState& state, Gate& gate, bool take_token) {
    auto me = std::make_shared<asio::steady_timer>(io_);
    gate.waiters.push_back(me);
    while (true) {
        // Stopping: a delivery that has not claimed its message gives up its place (the
        // message stays queued for the next start); a claimed one goes on to the provider.
        if (stopping_ && &gate == &state.claims) {
            gate.waiters.erase(std::find(gate.waiters.begin(), gate.waiters.end(), me));
            wake_next(gate);
            co_return false;
        }
        if (take_token) {
            auto now = std::chrono::steady_clock::now();
            std::chrono::duration<double> elapsed = now - state.refilled;
            state.tokens = std::min(state.burst, state.tokens + elapsed.count() * state.rate);
            state.refilled = now;
        }
        const bool at_head = gate.waiters.front() == me;
        const bool token_ok = !take_token || state.tokens >= 1;
        if (at_head && token_ok && gate.used < gate.limit) {
            if (take_token) state.tokens -= 1;
            ++gate.used;
            gate.waiters.pop_front();
            wake_next(gate);  // there may be room for the next one as well
            co_return true;
        }
        // The head waits for a token (a known time) or a free place (a release); the
        // others wait until they reach the head.
        if (at_head && !token_ok)
            me->expires_after(std::chrono::milliseconds(
                static_cast<long>(std::ceil((1 - state.tokens) / state.rate * 1000))));
        else
            me->expires_at(asio::steady_timer::time_point::max());
        boost::system::error_code ec;
        co_await me->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

void Dispatcher::wake_next(Gate& gate) {
    if (!gate.waiters.empty()) gate.waiters.front()->cancel();
}

void Dispatcher::release(Gate& gate) {
    --gate.used;
    wake_next(gate);
}

asio::awaitable<void> Dispatcher::deliver(std::int64_t id) {
    // Look without claiming, on the read connection (no commit), to learn the channel:
    // the token and the slot come first and the claim second, so a crash while waiting
    // for the rate limit leaves the message queued (sent later), not 'sending' (never
    // sent). The claim re-checks the state in the write transaction. A message of a
    // batch was looked at with its batch (look_up).
    std::string channel_name;
    if (auto route = routes_.find(id); route != routes_.end()) {
        channel_name = std::move(route->second);
        routes_.erase(route);
        if (channel_name.empty() || stopping_) co_return;
    } else {
        // The same question as a batch's, for this one message.
        auto peek = [id, now = seconds(clock_)](store::Store& db) {
            return db.queued_channels({id}, now);
        };
        auto found = co_await reader_.execute(peek, store::Origin::internal);
        if (found.empty() || stopping_) co_return;
        channel_name = std::move(found.front().second);
    }

    auto found = channels_.find(channel_name);
    std::shared_ptr<ChannelState> state = found == channels_.end() ? nullptr : found->second;
    if (state && !co_await acquire(*state, state->claims, true)) co_return;

    auto now = seconds(clock_);
    auto claim = [id, now](store::Store& db) { return claim_message(db, id, now); };
    std::optional<store::MessageRow> claimed;
    try {
        claimed = co_await writer_.execute(claim, store::Origin::internal);
    } catch (...) {
        if (state) release(state->claims);
        throw;
    }
    if (!claimed) {
        if (state) release(state->claims);
        co_return;
    }

    SendResult result;
    if (!state) {
        result = {SendResult::Status::permanent_failure,
                  "",
                  "channel " + claimed->channel + " is not configured",
                  "config",
                  {},
                  false,
                  {}};
    } else {
        co_await acquire(*state, state->requests, false);
        journal_.started(id);
        try {
            result = co_await state->channel->send(*claimed);
        } catch (const std::exception& e) {
            result = {
                SendResult::Status::temporary_failure, "", e.what(), "exception", {}, false, {}};
        }
        release(state->requests);
    }
    auto config = config_();
    auto done_at = seconds(clock_);
    double jitter = std::uniform_real_distribution<double>(0, 1)(random_);
    auto record = [config, m = *claimed, result, done_at, jitter](store::Store& db) {
        return record_send_result(db, *config, m, result, done_at, jitter);
    };
    DeliveryOutcome outcome;
    try {
        // The result must be recorded: a full writer queue is waited out, not given up.
        for (;;) {
            // A full queue is waited out briefly; a full database until space returns (the
            // provider has the message: recording it is what keeps it from going twice).
            std::chrono::milliseconds wait{0};
            try {
                outcome = co_await writer_.execute(record, store::Origin::internal);
            } catch (const store::QueueFull&) {
                wait = std::chrono::milliseconds(20);
            } catch (const store::StorageFull&) {
                if (stopping_) throw;  // left 'sending': recovery marks it unknown, never resent
                wait = std::chrono::milliseconds(1000);
            }
            if (wait.count() == 0) break;
            asio::steady_timer pause(io_, wait);
            co_await pause.async_wait(asio::use_awaitable);
        }
    } catch (...) {
        // Not recorded: the message stays 'sending' and its journal line stays, so
        // recovery after a restart treats it as possibly sent.
        if (state) release(state->claims);
        throw;
    }
    journal_.finished(id);
    if (state) release(state->claims);
    if (result.status == SendResult::Status::sent) {
        ++stats_.sent;
        spdlog::info("message {} ({}) sent on {} to {} [{}]", id, claimed->kind, claimed->channel,
                     phone::redact(claimed->address), result.provider_id);
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
    // The crashed run's journal is trusted only on the same boot of the machine (an OS
    // crash may have lost its unsynced lines) and for this database.
    const std::string journal_path = config_()->store.path + "-inflight";
    auto started = InFlightJournal::read(journal_path);
    const std::string boot = InFlightJournal::boot_id();
    auto job = [replayable, now, started, boot](store::Store& db) {
        const auto previous_boot = db.setting("boot_id", [&] { return std::string(); });
        const bool trusted = started && !boot.empty() && previous_boot == boot;
        db.put_setting("boot_id", boot);
        return recover_in_flight(db, replayable, now, trusted ? &*started : nullptr);
    };
    auto [requeued, unknown] = co_await writer_.execute(job, store::Origin::internal);
    journal_.open(journal_path);
    if (requeued || unknown)
        spdlog::warn(
            "recovery: {} message(s) queued again, {} in flight at the crash marked unknown (not "
            "resent)",
            requeued, unknown);
}

Dispatcher::Stats Dispatcher::stats() const {
    Stats s = stats_;
    s.pending = pending_.size() + looking_up_;
    s.in_flight = in_flight_;
    return s;
}

}  // namespace cxgate::channels
