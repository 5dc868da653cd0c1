#include "cxgate/scheduler/scheduler.hpp"

#include <spdlog/spdlog.h>

namespace cxgate::scheduler {

namespace {
// Even with nothing due the scheduler looks again this often, so work written to the
// database by another route (or a clock that was set) is never missed for long.
constexpr std::chrono::seconds kMaxSleep{30};
}  // namespace

Scheduler::Scheduler(asio::io_context& io, store::DbThread& writer, ConfigSource config,
                     const Clock& clock, channels::Dispatcher& dispatcher)
    : io_(io),
      writer_(writer),
      config_(std::move(config)),
      clock_(clock),
      dispatcher_(dispatcher),
      timer_(io) {
    dispatcher_.on_drained([this] {
        if (more_queued_ || more_due_) poke();
    });
}

void Scheduler::start() {
    auto task = [this]() -> asio::awaitable<void> { co_await loop(); };
    asio::co_spawn(io_, std::move(task), [](std::exception_ptr error) {
        if (!error) return;
        try {
            std::rethrow_exception(error);
        } catch (const std::exception& e) {
            spdlog::critical("scheduler stopped: {}", e.what());
        }
    });
}

void Scheduler::poke() {
    poked_ = true;
    timer_.cancel();
}

void Scheduler::due_at(store::Seconds at) {
    if (!sleeping_until_ || at < *sleeping_until_) poke();
}

void Scheduler::stop() {
    stopping_ = true;
    timer_.cancel();
}

asio::awaitable<void> Scheduler::loop() {
    constexpr size_t kLimit = 500;
    while (!stopping_) {
        poked_ = false;
        auto config = config_();
        auto now = clock_.now().time_since_epoch().count();
        PassResult result;
        try {
            auto pass = [config, now](store::Store& db) {
                return run_due_work(db, *config, now, kLimit);
            };
            result = co_await writer_.execute(pass, store::Origin::internal);
            ++passes_;
        } catch (const store::StorageFull&) {
            // The writer logs it; passes resume when space returns.
            result.next_due = now + 5;
        } catch (const std::exception& e) {
            spdlog::error("scheduler pass failed: {}", e.what());
            result.next_due = now + 1;
        }
        if (result.claimed || result.reminded || result.expired || result.closed ||
            result.alerted || result.held || result.superseded || result.skipped ||
            result.clicks_recorded || result.clicks_voided)
            spdlog::info(
                "scheduler: {} sent, {} reminders, {} expired, {} closed, {} alerts, {} waiting "
                "for another survey on their address, {} superseded by a newer one, {} skipped, "
                "{} scores from link clicks, {} clicks voided",
                result.claimed, result.reminded, result.expired, result.closed, result.alerted,
                result.held, result.superseded, result.skipped, result.clicks_recorded,
                result.clicks_voided);
        if (result.targets_checked)
            spdlog::info("weekly targets: {} judged, {} missed or dropped", result.targets_checked,
                         result.target_alerts);
        if (result.digests_made)
            spdlog::info("digests: {} made, {} sent", result.digests_made, result.digests_sent);
        if (result.answers_shared)
            spdlog::info("share_answers: {} answers shared with their staff member",
                         result.answers_shared);
        if (const auto& n = result.retention; n.total() > 0)
            spdlog::info(
                "retention: removed {} events, {} messages, {} comments, {} replies, {} audit "
                "rows past their age",
                n.events, n.messages, n.comments, n.inbound, n.audit);
        if (!result.schedule_events.empty() || !result.schedule_rejected.empty()) {
            int scheduled = 0, suppressed = 0;
            for (const auto& outcome : result.schedule_events)
                for (const auto& s : outcome.surveys)
                    (s.state == store::SurveyState::suppressed ? suppressed : scheduled)++;
            spdlog::info(
                "recurring surveys: {} people released, {} surveys scheduled, {} "
                "suppressed, {} refused",
                result.schedule_events.size(), scheduled, suppressed,
                result.schedule_rejected.size());
            for (const auto& why : result.schedule_rejected)
                spdlog::warn("recurring survey refused: {}", why);
        }
        more_queued_ = result.more_queued;
        dispatcher_.enqueue(result.queued_messages);
        if (stopping_) break;
        if (poked_) continue;
        // A full pass: more may be due now. Claiming it while the dispatcher still has
        // messages waiting only lengthens its queue, and the writer thread spent on the
        // pass delays the claims and results of the messages being sent (a pass of 500
        // surveys takes tens of milliseconds): the next pass waits for the drain.
        more_due_ = static_cast<size_t>(result.claimed) >= kLimit;
        if (more_due_ && dispatcher_.stats().pending == 0) continue;

        auto wait = kMaxSleep;
        if (more_due_) {
            wait = std::chrono::seconds(1);
        } else if (result.next_due) {
            auto until =
                std::chrono::seconds(*result.next_due - clock_.now().time_since_epoch().count());
            wait = std::clamp(until, std::chrono::seconds(0), kMaxSleep);
        }
        if (wait.count() == 0 && result.next_due)
            wait = std::chrono::seconds(1);  // due now but not claimable yet
        timer_.expires_after(wait);
        sleeping_until_ = clock_.now().time_since_epoch().count() + wait.count();
        boost::system::error_code ec;
        co_await timer_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
        sleeping_until_.reset();
    }
}

}  // namespace cxgate::scheduler
