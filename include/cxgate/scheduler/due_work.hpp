#pragma once
// One scheduler pass: everything that has come due by `now`, done in one writer
// transaction. Surveys are claimed (scheduled -> sending) together with the message
// that carries them, so a crash can never leave a claimed survey without its message
// or send one survey twice.
#include <cstdint>
#include <optional>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::scheduler {

struct PassResult {
    std::vector<std::int64_t> queued_messages;
    // More messages were queued and due than one pass offers (`limit`): the next pass
    // should come as soon as the dispatcher has room, not at next_due.
    bool more_queued = false;
    std::optional<store::Seconds> next_due;  // the earliest future instant with work
    int claimed = 0, reminded = 0, expired = 0, closed = 0, alerted = 0;
    int escalated = 0;  // alert messages queued because nobody acknowledged an alert
    // Due surveys that started waiting in this pass for another survey on their address,
    // older surveys superseded by a newer one on their address, and due surveys skipped
    // because an older one still awaited its answer (on_waiting: skip).
    int held = 0, superseded = 0, skipped = 0;
    // Email score-link clicks that settled into a score, and clicks voided as a burst.
    int clicks_recorded = 0, clicks_voided = 0;
    // Weekly target checks made, and of them those that missed or dropped (alerted).
    int targets_checked = 0, target_alerts = 0;
    // Answers shared with their staff member (share_answers: immediately), and digests
    // made (queued, or recorded with nothing to tell) and of them queued.
    int answers_shared = 0, digests_made = 0, digests_sent = 0;
    // Recurring surveys: the events made for people released in this pass (what each
    // planned), and people whose event was refused, with the reason.
    std::vector<engine::EventOutcome> schedule_events;
    std::vector<std::string> schedule_rejected;
    // Retention: what this pass removed for being older than allowed.
    store::RetentionCounts retention;
};

PassResult run_due_work(store::Store& db, const config::Config& config, store::Seconds now,
                        size_t limit = 500);

}  // namespace cxgate::scheduler
