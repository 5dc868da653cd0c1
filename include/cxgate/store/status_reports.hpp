#pragma once
// Providers' delivery reports, kept on (channel, provider id, status): a replay changes
// nothing, and a report that arrives before the send's answer (the provider's id is not
// known yet) is kept and applied once it is.
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct StatusReportRow {
    std::string channel, provider_id, status, error;
    Seconds received_at = 0;
};

// Keeps the report; false when it was kept before.
bool keep_status_report(SQLite::Database& db, const StatusReportRow& report);
bool status_report_applied(SQLite::Database& db, const StatusReportRow& report);
void mark_status_report_applied(SQLite::Database& db, const StatusReportRow& report);
// Reports kept for a provider id before it was known, not applied yet, in arrival order.
std::vector<StatusReportRow> unapplied_status_reports(SQLite::Database& db,
                                                      const std::string& channel,
                                                      const std::string& provider_id);

}  // namespace cxgate::store
