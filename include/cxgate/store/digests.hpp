#pragma once
// Digests (scheduler/digests.hpp): one row per digest, recipient and period, written in the
// transaction that queues the digest's message, so a period's digest goes to each person
// exactly once whatever restarts happen; and which answers each digest message showed, so
// that erasing a person (or their comment's retention) wipes the digests that quoted them.
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct DigestRun {
    std::string digest;     // its name under digests:
    std::string recipient;  // staff id
    std::string period;     // the local date it is for: "2026-11-30"
    Seconds made_at = 0;
    // The queued message; none when there was nothing to tell (no answers in either period,
    // no open alerts), which is recorded too so the period is not looked at again.
    std::optional<std::int64_t> message_id;
    std::vector<std::int64_t> surveys;  // the answers it quotes (comments, customers' names)
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class DigestLog {
  public:
    // The recipients whose digest of `period` was made.
    virtual std::set<std::string> digests_made(const std::string& digest,
                                               const std::string& period) = 0;
    // Kept once (the same digest, recipient and period again changes nothing).
    virtual void record_digest(const DigestRun& run) = 0;
    // Digest messages queued so far, for /metrics.
    virtual long long digests_sent() = 0;

  protected:
    ~DigestLog() = default;
};

}  // namespace cxgate::store
