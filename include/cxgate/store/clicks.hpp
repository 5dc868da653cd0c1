#pragma once
// Clicks on the score links of an email, kept until they settle: a burst of clicks on one
// survey (a person, or a mail scanner following every link) is decided as a whole once no
// click came for a while (replies/clicks.hpp decides; this keeps the rows).
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// pending -> recorded (the survey's score), void (a scanner), closed (not needed).
struct ClickRow {
    std::int64_t id = 0;
    int score = 0;
    Seconds clicked_at = 0, last_clicked_at = 0;
    std::string state;
};

// The survey's pending clicks, in the order they came.
std::vector<ClickRow> pending_clicks(SQLite::Database& db, std::int64_t survey_id);
// Every click of the survey, in the order they came (the survey's API view).
std::vector<ClickRow> clicks_of_survey(SQLite::Database& db, std::int64_t survey_id);
// The burst still open at `now`: pending clicks that settle after it.
std::vector<ClickRow> open_burst(SQLite::Database& db, std::int64_t survey_id, Seconds now);

// A new click row, pending until `settle_at`.
void insert_click(SQLite::Database& db, std::int64_t survey_id, int score, Seconds now,
                  Seconds settle_at);
// A repeat of a click of the open burst (a double click, a reload).
void touch_click(SQLite::Database& db, std::int64_t click_id, Seconds now);
// Every pending click of the survey that settles after `now` settles at `settle_at`
// instead (`now` unset: every pending click).
void move_burst_settling(SQLite::Database& db, std::int64_t survey_id, Seconds settle_at,
                         std::optional<Seconds> now);

// Pending clicks decided: `state` is recorded, void or closed. Only pending ones change.
void decide_clicks(SQLite::Database& db, const std::vector<std::int64_t>& ids,
                   const std::string& state, Seconds now);
void close_pending_clicks(SQLite::Database& db, std::int64_t survey_id, Seconds now);
void mark_click_recorded(SQLite::Database& db, std::int64_t click_id);
bool has_recorded_click(SQLite::Database& db, std::int64_t survey_id);

// Surveys with a burst that settled by `now`, at most `limit`.
std::vector<std::int64_t> surveys_with_settled_clicks(SQLite::Database& db, Seconds now,
                                                      size_t limit);

}  // namespace cxgate::store
