#include "cxgate/channels/dispatcher.hpp"

#include <spdlog/spdlog.h>

namespace cxgate::channels {

namespace {

store::Seconds seconds(const Clock& clock) {
    return clock.now().time_since_epoch().count();
}

// What a finished send means for the survey it belongs to.
void apply_result(SQLite::Database& db, const store::MessageRow& m, const SendResult& r,
                  store::Seconds now) {
    const bool ok = r.status == SendResult::Status::sent;
    store::set_message_state(db, m.id, ok ? "sent" : "failed", r.provider_id, r.error, now);
    if (!m.survey_id) return;
    auto survey = store::find_survey(db, *m.survey_id);
    if (!survey) return;
    auto& s = *survey;
    if (m.kind == "survey" && s.state == store::state::sending) {
        if (ok) {
            s.state = store::state::sent;
            s.sent_at = now;
        } else {
            s.state = store::state::failed;
            s.reason = "failed: " + r.error;
            s.next_reminder_at.reset();
        }
    } else if (m.kind == "thanks" && ok &&
               (s.state == store::state::answered || s.state == store::state::commented)) {
        s.state = store::state::closed;
        s.closed_at = now;
    } else {
        return;
    }
    s.updated_at = now;
    store::save_survey(db, s);
}

}  // namespace

Dispatcher::Dispatcher(asio::io_context& io, store::DbThread& writer, ConfigSource config,
                       const Clock& clock, size_t max_in_flight, size_t max_pending)
    : io_(io),
      writer_(writer),
      config_(std::move(config)),
      clock_(clock),
      max_in_flight_(max_in_flight),
      max_pending_(max_pending) {}

void Dispatcher::configure(const config::Config& config) {
    std::map<std::string, std::shared_ptr<Channel>> channels;
    for (const auto& [name, channel] : config.channels) channels[name] = make_channel(channel, io_);
    // Deliveries in flight keep their own shared_ptr to the old channel object.
    channels_ = std::move(channels);
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

asio::awaitable<void> Dispatcher::deliver(std::int64_t id) {
    auto now = seconds(clock_);
    auto claim = [id, now](SQLite::Database& db) -> std::optional<store::MessageRow> {
        auto m = store::find_message(db, id);
        if (!m || m->state != "queued") return std::nullopt;
        store::set_message_state(db, id, "sending", "", "", now);
        return m;
    };
    auto message = co_await writer_.execute(claim);
    if (!message) co_return;

    std::shared_ptr<Channel> channel;
    if (auto it = channels_.find(message->channel); it != channels_.end()) channel = it->second;
    SendResult result;
    if (!channel) {
        result = {SendResult::Status::permanent_failure, "",
                  "channel " + message->channel + " is not configured"};
    } else {
        result = co_await channel->send(*message);
    }
    auto done_at = seconds(clock_);
    auto record = [m = *message, result, done_at](SQLite::Database& db) {
        apply_result(db, m, result, done_at);
        return true;
    };
    co_await writer_.execute(record);
    if (result.status == SendResult::Status::sent) {
        ++stats_.sent;
        spdlog::info("message {} ({}) sent on {} to {}", id, message->kind, message->channel,
                     message->address);
    } else {
        ++stats_.failed;
        spdlog::warn("message {} ({}) failed on {}: {}", id, message->kind, message->channel,
                     result.error);
    }
}

asio::awaitable<void> Dispatcher::recover() {
    std::vector<std::string> replayable;
    for (const auto& [name, channel] : channels_)
        if (!channel->has_outside_effect()) replayable.push_back(name);
    auto now = seconds(clock_);
    auto job = [replayable, now](SQLite::Database& db) {
        int requeued = 0, unknown = 0;
        for (auto& m : store::messages_where(db, "state = 'sending'")) {
            bool replay =
                std::find(replayable.begin(), replayable.end(), m.channel) != replayable.end();
            store::set_message_state(db, m.id, replay ? "queued" : "unknown", "",
                                     replay ? "" : "in flight at a crash; not sent again", now);
            replay ? ++requeued : ++unknown;
        }
        return std::pair{requeued, unknown};
    };
    auto [requeued, unknown] = co_await writer_.execute(job);
    if (requeued || unknown)
        spdlog::warn("recovery: {} message(s) queued again, {} marked unknown", requeued, unknown);
}

Dispatcher::Stats Dispatcher::stats() const {
    Stats s = stats_;
    s.pending = pending_.size();
    s.in_flight = in_flight_;
    return s;
}

}  // namespace cxgate::channels
