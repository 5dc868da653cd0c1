#pragma once
// When a click on an email's score link counts (the settle rule of http/answer_page.hpp),
// as a pure function of one survey's pending clicks and the time.
//
// Clicks form bursts: a click less than `window` after the latest click of a burst joins
// it; a click `window` or more after it starts a new burst. A burst is decided once
// `window` has passed after its latest click (it can grow no more):
//   - clicks of two or more different scores (a scanner opening every link): every click
//     of the burst is void;
//   - clicks of one score (a person, perhaps clicking twice): its first click is the
//     survey's score, and every later click is closed (the survey has its answer).
// Bursts are decided in time order; the first one that is not void wins.
#include <cstdint>
#include <optional>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::replies {

struct Click {
    std::int64_t id = 0;
    int score = 0;
    store::Seconds first_at = 0;  // the first click of this score in its burst
    store::Seconds last_at = 0;   // the latest repeat of it (first_at when none)
};

struct ClickDecision {
    std::optional<Click> winner;           // becomes the survey's score
    store::Seconds winner_settled_at = 0;  // when its burst settled
    std::vector<std::int64_t> void_ids;    // in bursts of different scores
    std::vector<std::int64_t> closed_ids;  // after the winner: not needed any more
    // The burst still open at `now`, if any: when it settles, unless it grows.
    std::optional<store::Seconds> settles_at;
};

ClickDecision decide_clicks(std::vector<Click> clicks, store::Seconds now, store::Seconds window);

}  // namespace cxgate::replies
