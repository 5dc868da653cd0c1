#include "cxgate/channels/outbound_sender.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>

#include "cxgate/channels/adapters.hpp"
#include "cxgate/channels/chat.hpp"

namespace cxgate::channels {

namespace {

// With nothing to post the outbox is read again after this long: an event recorded by a
// request, the scheduler or the alert page waits at most this for its first attempt, and
// the question costs one lookup in the index of pending rows.
constexpr std::chrono::milliseconds kIdle{500};
constexpr store::Seconds kMaxBackoff = 3600;
constexpr auto kPruneEvery = std::chrono::hours(1);
constexpr size_t kPruneLimit = 1000;

void log_failure(const char* what, std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::error("{}: {}", what, e.what());
    }
}

std::string failure_text(const HttpResponse& response) {
    if (response.curl_code != 0 || response.status == 0)
        return (response.timed_out ? "timeout: " : "network: ") + response.error;
    // A receiver's error body can be long HTML; the first line or so says enough.
    std::string body = response.body.substr(0, 200);
    std::replace(body.begin(), body.end(), '\n', ' ');
    return "HTTP " + std::to_string(response.status) + (body.empty() ? "" : ": " + body);
}

}  // namespace

store::Seconds outbound_backoff(int attempts) {
    store::Seconds wait = 10;
    for (int i = 1; i < attempts && wait < kMaxBackoff; ++i) wait *= 2;
    return std::min(wait, kMaxBackoff);
}

OutboundDecision decide_outbound(const HttpResponse& response, int attempts,
                                 store::Seconds created_at, store::Seconds now) {
    using Kind = OutboundDecision::Kind;
    const bool answered = response.curl_code == 0 && response.status != 0;
    if (answered && response.status >= 200 && response.status < 300)
        return {Kind::delivered, 0, {}};
    const auto error = failure_text(response);
    // 3xx is not followed: a receiver that moved says so once, and an operator fixes the URL.
    const bool temporary =
        !answered || response.status == 408 || response.status == 429 || response.status >= 500;
    if (!temporary) return {Kind::give_up, 0, error};
    store::Seconds wait = outbound_backoff(attempts);
    if (auto after = retry_after_seconds(response))
        wait = std::clamp<store::Seconds>(*after, wait, kMaxBackoff);
    if (now + wait > created_at + kOutboundGiveUpAfter)
        return {Kind::give_up, 0,
                "not delivered within " + std::to_string(kOutboundGiveUpAfter / 3600) +
                    " h; last: " + error};
    return {Kind::retry, now + wait, error};
}

OutboundSender::OutboundSender(asio::io_context& io, store::DbThread& writer,
                               store::DbThread& reader, ConfigSource config, const Clock& clock,
                               size_t per_pass)
    : io_(io),
      writer_(writer),
      reader_(reader),
      config_(std::move(config)),
      clock_(clock),
      per_pass_(per_pass),
      http_(std::make_unique<HttpClient>(io, static_cast<long>(per_pass))),
      sleep_(io) {}

OutboundSender::~OutboundSender() = default;

void OutboundSender::start() {
    auto task = [this]() -> asio::awaitable<void> { co_await loop(); };
    asio::co_spawn(io_, std::move(task),
                   [](std::exception_ptr error) { log_failure("outbound events stopped", error); });
}

void OutboundSender::stop() {
    stopping_ = true;
    sleep_.cancel();
}

asio::awaitable<void> OutboundSender::loop() {
    while (!stopping_) {
        size_t taken = 0;
        try {
            taken = co_await pass();
        } catch (const std::exception& e) {
            // QueueFull, StorageFull, a reader error: the rows stay pending; look again soon.
            spdlog::warn("outbound events: {}", e.what());
        }
        if (stopping_) break;
        // A full pass means more may be due: the next goes at once.
        if (taken >= per_pass_) continue;
        sleep_.expires_after(kIdle);
        boost::system::error_code ec;
        co_await sleep_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<size_t> OutboundSender::pass() {
    auto config = config_();
    const auto now = clock_.now().time_since_epoch().count();
    if (std::chrono::steady_clock::now() - pruned_ > kPruneEvery) {
        pruned_ = std::chrono::steady_clock::now();
        auto prune = [before = now - kOutboundKeepFinished](store::Store& db) {
            db.prune_outbound_events(before, kPruneLimit);
        };
        co_await record(std::move(prune));
    }
    auto read = [now, limit = per_pass_](store::Store& db) {
        return db.outbound_events_due(now, limit);
    };
    auto rows = co_await reader_.execute(std::move(read), store::Origin::internal);
    // Stopping while the outbox was read: nothing new starts; the rows stay pending.
    if (rows.empty() || stopping_) co_return 0;

    // Every post of the pass runs at once; the pass ends when the last one's outcome is
    // written, so the next read sees them all.
    auto remaining = std::make_shared<size_t>(0);
    auto all_done =
        std::make_shared<asio::steady_timer>(io_, asio::steady_timer::time_point::max());
    const size_t taken = rows.size();
    for (auto& row : rows) {
        const auto receiver = config->outbound_receivers.find(row.receiver);
        if (receiver == config->outbound_receivers.end()) {
            // Renamed or removed by a reload: nobody to post to. Given up rather than kept,
            // so the outbox cannot grow without bound behind a receiver that is gone.
            spdlog::warn(
                "outbound event {} ({}, survey {}): receiver \"{}\" is no longer in "
                "outbound_events; given up",
                row.event_id, row.type, row.survey_id, row.receiver);
            auto give_up = [id = row.id, attempts = row.attempts, now,
                            name = row.receiver](store::Store& db) {
                db.outbound_failed(id, attempts, now,
                                   "receiver \"" + name + "\" is no longer in outbound_events");
            };
            co_await record(std::move(give_up));
            ++stats_.failed;
            continue;
        }
        ++*remaining;
        ++stats_.in_flight;
        auto task = post(std::move(row), receiver->second.url, receiver->second.secret);
        asio::co_spawn(io_, std::move(task), [this, remaining, all_done](std::exception_ptr e) {
            --stats_.in_flight;
            log_failure("outbound event", e);
            if (--*remaining == 0) all_done->cancel();
        });
    }
    if (*remaining > 0) {
        boost::system::error_code ec;
        co_await all_done->async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
    co_return taken;
}

asio::awaitable<void> OutboundSender::post(store::OutboundEventRow row, std::string url,
                                           std::string secret) {
    // The receiver checks the timestamp against its own clock: the real time of this
    // attempt, never the daemon's (a manual clock in tests and demos).
    const long long timestamp = std::chrono::duration_cast<std::chrono::seconds>(
                                    std::chrono::system_clock::now().time_since_epoch())
                                    .count();
    // The `webhook` channel's request, headers and signature: one contract for receivers.
    auto request = chat::webhook_request(url, secret, row.payload, row.event_id, timestamp);
    request.total_timeout = std::chrono::seconds(10);
    auto response = co_await http_->request(std::move(request));
    const auto now = clock_.now().time_since_epoch().count();
    const int attempts = row.attempts + 1;
    const auto decision = decide_outbound(response, attempts, row.created_at, now);
    using Kind = OutboundDecision::Kind;
    std::function<void(store::Store&)> change;
    if (decision.kind == Kind::delivered) {
        change = [id = row.id, attempts, now](store::Store& db) {
            db.outbound_delivered(id, attempts, now);
        };
    } else if (decision.kind == Kind::retry) {
        change = [id = row.id, attempts, decision](store::Store& db) {
            db.outbound_retry(id, attempts, decision.next_attempt_at, decision.error);
        };
    } else {
        change = [id = row.id, attempts, now, decision](store::Store& db) {
            db.outbound_failed(id, attempts, now, decision.error);
        };
    }
    co_await record(std::move(change));
    if (decision.kind == Kind::delivered) {
        ++stats_.posted;
        spdlog::debug("outbound event {} ({}, survey {}) delivered to {}", row.event_id, row.type,
                      row.survey_id, row.receiver);
    } else if (decision.kind == Kind::retry) {
        ++stats_.retried;
        spdlog::warn("outbound event {} ({}, survey {}) to {}: {}; attempt {} in {} s",
                     row.event_id, row.type, row.survey_id, row.receiver, decision.error,
                     attempts + 1, decision.next_attempt_at - now);
    } else {
        ++stats_.failed;
        spdlog::error("outbound event {} ({}, survey {}) to {} given up: {}", row.event_id,
                      row.type, row.survey_id, row.receiver, decision.error);
    }
}

asio::awaitable<void> OutboundSender::record(std::function<void(store::Store&)> change) {
    auto job = [change = std::move(change)](store::Store& db) {
        change(db);
        return true;
    };
    co_await writer_.execute(std::move(job), store::Origin::internal);
}

}  // namespace cxgate::channels
