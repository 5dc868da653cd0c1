#pragma once
// Weekly target checks: each step's figure of a closed week judged against its target and
// the four weeks before (report/targets.hpp). One row per flow, step, metric and week,
// written in the same transaction as the alert it caused, so a week is judged and its
// alert queued exactly once, however often the scheduler looks or the daemon restarts.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct TargetCheckRow {
    std::string flow, step, metric;
    std::string week;  // ISO 8601 week in the flow's zone: 2026-W48
    Seconds checked_at = 0;
    int n = 0;
    std::optional<double> figure;
    double target = 0;
    std::string outcome;  // met, missed, dropped, missed+dropped, too few answers
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class TargetChecks {
  public:
    virtual bool target_checked(const std::string& flow, const std::string& step,
                                const std::string& metric, const std::string& week) = 0;
    // Kept once (a check of the same week again changes nothing).
    virtual void record_target_check(const TargetCheckRow& row) = 0;

  protected:
    ~TargetChecks() = default;
};

}  // namespace cxgate::store
