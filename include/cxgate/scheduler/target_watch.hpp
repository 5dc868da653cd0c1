#pragma once
// The weekly target check, from the scheduler's pass (report/targets.hpp): from Monday
// 08:00 in a flow's zone, the week before is judged once per targeted step and metric,
// and a figure that missed its target or dropped against the four weeks before queues a
// message (templates/<locale>/target.txt) to the target's `notify` list, else to
// alerts.managers. The check's record and its messages commit in one transaction, so a
// week is judged and alerted exactly once, however often the scheduler looks.
#include <cstdint>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::scheduler {

struct TargetWatchResult {
    int checked = 0;  // targets judged in this pass
    int alerts = 0;   // of them, missed or dropped
    std::vector<std::int64_t> queued_messages;
};

TargetWatchResult watch_targets(store::Store& db, const config::Config& config, store::Seconds now);

}  // namespace cxgate::scheduler
