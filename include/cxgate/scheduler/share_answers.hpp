#pragma once
// Every answer to the staff member it concerns (`share_answers: immediately` on a flow or a
// step): from the scheduler's pass, each answer of such a step, once its comment came or
// defaults.alert_comment_wait passed without one, queues a short message (score, step,
// the customer's first name and the comment) to the survey's staff member on the alert
// channel, low scores or not. Answers are taken in the order they were answered after a
// cursor kept in the database and moved in the same transaction as the messages, so each
// is shared once. The cursor starts at the first pass that finds a step sharing at once
// (answers before it are not shared), and answers older than a day are never shared (a step
// switched to sharing again does not flood anyone with its past).
#include <cstdint>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::scheduler {

struct ShareResult {
    int shared = 0;
    bool more = false;  // the page was full: more may be ready
    std::vector<std::int64_t> queued_messages;
};

ShareResult share_answers(store::Store& db, const config::Config& config, store::Seconds now,
                          size_t limit);

}  // namespace cxgate::scheduler
