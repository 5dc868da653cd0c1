#pragma once
// Clicks on the score links of an email, kept until they settle: a burst of clicks on one
// survey (a person, or a mail scanner following every link) is decided as a whole once no
// click came for a while (replies/clicks.hpp decides; this keeps the rows).
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// pending -> recorded (the survey's score), void (a scanner), closed (not needed).
struct ClickRow {
    std::int64_t id = 0;
    int score = 0;
    Seconds clicked_at = 0, last_clicked_at = 0;
    std::string state;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class ClickLog {
  public:
    // The survey's pending clicks, in the order they came.
    virtual std::vector<ClickRow> pending_clicks(std::int64_t survey_id) = 0;

    // Every click of the survey, in the order they came (the survey's API view).
    virtual std::vector<ClickRow> clicks_of_survey(std::int64_t survey_id) = 0;

    // The burst still open at `now`: pending clicks that settle after it.
    virtual std::vector<ClickRow> open_burst(std::int64_t survey_id, Seconds now) = 0;

    // A new click row, pending until `settle_at`.
    virtual void insert_click(std::int64_t survey_id, int score, Seconds now,
                              Seconds settle_at) = 0;

    // A repeat of a click of the open burst (a double click, a reload).
    virtual void touch_click(std::int64_t click_id, Seconds now) = 0;

    // Every pending click of the survey that settles after `now` settles at `settle_at`
    // instead (`now` unset: every pending click).
    virtual void move_burst_settling(std::int64_t survey_id, Seconds settle_at,
                                     std::optional<Seconds> now) = 0;

    // Pending clicks decided: `state` is recorded, void or closed. Only pending ones change.
    virtual void decide_clicks(const std::vector<std::int64_t>& ids, const std::string& state,
                               Seconds now) = 0;
    virtual void close_pending_clicks(std::int64_t survey_id, Seconds now) = 0;
    virtual void mark_click_recorded(std::int64_t click_id) = 0;
    virtual bool has_recorded_click(std::int64_t survey_id) = 0;

    // Surveys with a burst that settled by `now`, at most `limit`.
    virtual std::vector<std::int64_t> surveys_with_settled_clicks(Seconds now, size_t limit) = 0;

  protected:
    ~ClickLog() = default;
};

}  // namespace cxgate::store
