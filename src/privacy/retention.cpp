// The daily retention run (retention.hpp).
#include "cxgate/privacy/retention.hpp"

#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"

namespace cxgate::privacy {

namespace {

// When the next day's run is due; a run that is not finished keeps it where it is.
constexpr const char* kNextRun = "retention_next_at";
constexpr store::Seconds kDay = 86400;

std::optional<store::Seconds> cutoff(const std::optional<std::int64_t>& age, store::Seconds now) {
    if (!age) return std::nullopt;
    return now - *age;
}

std::string age_text(std::int64_t seconds) {
    if (seconds % kDay == 0) return std::to_string(seconds / kDay) + "d";
    if (seconds % 3600 == 0) return std::to_string(seconds / 3600) + "h";
    return std::to_string(seconds) + "s";
}

}  // namespace

std::string describe(const config::Retention& r) {
    std::string out;
    auto add = [&out](const char* name, const std::optional<std::int64_t>& age) {
        if (age) out += (out.empty() ? "" : ", ") + std::string(name) + " " + age_text(*age);
    };
    add("events", r.events);
    add("messages", r.messages);
    add("comments", r.comments);
    add("inbound", r.inbound);
    add("audit", r.audit);
    return out;
}

RetentionRun apply_retention(store::Store& db, const config::Retention& r, store::Seconds now,
                             size_t limit) {
    RetentionRun run;
    if (!r.any()) return run;
    const auto next = db.setting(kNextRun, [] { return std::string("0"); });
    store::Seconds next_at = 0;
    try {
        next_at = std::stoll(next);
    } catch (const std::exception&) {
    }
    if (now < next_at) return run;
    run.ran = true;
    store::RetentionCutoffs cutoffs;
    cutoffs.events = cutoff(r.events, now);
    cutoffs.messages = cutoff(r.messages, now);
    cutoffs.comments = cutoff(r.comments, now);
    cutoffs.inbound = cutoff(r.inbound, now);
    cutoffs.audit = cutoff(r.audit, now);
    run.removed = db.apply_retention(cutoffs, limit);
    const auto full = static_cast<long long>(limit);
    const auto& n = run.removed;
    run.more = n.events == full || n.messages == full || n.comments == full || n.inbound == full ||
               n.audit == full;
    if (!run.more) db.put_setting(kNextRun, std::to_string(now + kDay));
    if (n.total() > 0) {
        store::PrivacyAuditRow audit;
        audit.at = now;
        audit.action = "retention";
        audit.actor = "scheduler";
        audit.selector = describe(r);
        audit.counts = json_input::dump(nlohmann::json{{"events", n.events},
                                                       {"messages", n.messages},
                                                       {"comments", n.comments},
                                                       {"replies", n.inbound},
                                                       {"audit", n.audit}});
        db.add_privacy_audit(audit);
    }
    return run;
}

}  // namespace cxgate::privacy
