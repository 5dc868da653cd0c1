#include "cxgate/foundation/clock.hpp"

namespace cxgate {

namespace {
Clock::time_point wall_now() {
    return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}
}  // namespace

SystemClock::SystemClock(time_point start) : offset_(start - wall_now()) {}

Clock::time_point SystemClock::now() const {
    return wall_now() + offset_;
}

}  // namespace cxgate
