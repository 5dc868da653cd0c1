#pragma once
// Change markers: "new booking script" on a flow at an instant, so results can be read
// before and after the change (report/compare.hpp).
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct MarkRow {
    std::int64_t id = 0;
    std::string flow;   // empty: the change concerns every flow
    std::string label;  // what changed, as the person who marked it wrote it
    Seconds at = 0;     // when the change took effect
    Seconds created_at = 0;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class ChangeMarks {
  public:
    // Keeps the marker; returns its id.
    virtual std::int64_t add_mark(const MarkRow& mark) = 0;
    // Markers of `flow` and those of every flow (empty: all), oldest change first.
    virtual std::vector<MarkRow> marks(const std::string& flow) = 0;
    virtual std::optional<MarkRow> find_mark(std::int64_t id) = 0;

  protected:
    ~ChangeMarks() = default;
};

}  // namespace cxgate::store
