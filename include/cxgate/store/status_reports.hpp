#pragma once
// Providers' delivery reports, kept on (channel, provider id, status): a replay changes
// nothing, and a report that arrives before the send's answer (the provider's id is not
// known yet) is kept and applied once it is.
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct StatusReportRow {
    std::string channel, provider_id, status, error;
    Seconds received_at = 0;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class StatusReportLog {
  public:
    // Keeps the report; false when it was kept before.
    virtual bool keep_status_report(const StatusReportRow& report) = 0;
    virtual bool status_report_applied(const StatusReportRow& report) = 0;
    virtual void mark_status_report_applied(const StatusReportRow& report) = 0;

    // Reports kept for a provider id before it was known, not applied yet, in arrival order.
    virtual std::vector<StatusReportRow> unapplied_status_reports(
        const std::string& channel, const std::string& provider_id) = 0;

  protected:
    ~StatusReportLog() = default;
};

}  // namespace cxgate::store
