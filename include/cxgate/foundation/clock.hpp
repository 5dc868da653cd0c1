#pragma once
// The daemon's notion of "now". Everything that schedules reads time through a Clock,
// so tests and operators can start the daemon at a chosen instant (serve --now) and
// move time forward by hand (serve --manual-clock, POST /v1/clock) instead of sleeping.
#include <atomic>
#include <chrono>

namespace cxgate {

class Clock {
  public:
    using time_point = std::chrono::sys_seconds;
    virtual ~Clock() = default;
    virtual time_point now() const = 0;
    // Only a manual clock can be moved; the others return false.
    virtual bool advance(std::chrono::seconds) { return false; }
    virtual bool set(time_point) { return false; }
    virtual bool is_manual() const { return false; }
};

// Wall-clock time, optionally shifted so that it reads `start` at construction and
// then runs at the normal rate.
class SystemClock final : public Clock {
  public:
    SystemClock() = default;
    explicit SystemClock(time_point start);
    time_point now() const override;

  private:
    std::chrono::seconds offset_{0};
};

// Time that stands still until advanced. Safe to read from any thread.
class ManualClock final : public Clock {
  public:
    explicit ManualClock(time_point start) : now_(start.time_since_epoch().count()) {}
    time_point now() const override { return time_point{std::chrono::seconds{now_.load()}}; }
    bool advance(std::chrono::seconds by) override {
        now_ += by.count();
        return true;
    }
    bool set(time_point t) override {
        now_ = t.time_since_epoch().count();
        return true;
    }
    bool is_manual() const override { return true; }

  private:
    std::atomic<long long> now_;
};

}  // namespace cxgate
