#pragma once
// Retention (`retention:` in cxgate.yaml): once a day the scheduler's pass removes each kind
// of personal data older than its age (store/personal_data.hpp says what each removes), in
// batches so the writer is never held long, and writes what it removed to the audit.
#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::privacy {

struct RetentionRun {
    bool ran = false;   // this pass was the day's run (or a batch of it)
    bool more = false;  // a batch was full: the next pass goes on at once
    store::RetentionCounts removed;
};

RetentionRun apply_retention(store::Store& db, const config::Retention& retention,
                             store::Seconds now, size_t limit);

// "events 400d, comments 730d": the rule, for the audit and the logs.
std::string describe(const config::Retention& retention);

}  // namespace cxgate::privacy
