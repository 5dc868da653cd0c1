// The status_reports table.
#include "cxgate/store/status_reports.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "statement_cache.hpp"

namespace cxgate::store {

bool SqliteStore::keep_status_report(const StatusReportRow& r) {
    auto st = cached(db_,
                     "INSERT INTO status_reports (channel, provider_id, status, error, "
                     "received_at) VALUES (?,?,?,?,?) "
                     "ON CONFLICT(channel, provider_id, status) DO NOTHING");
    st->bind(1, r.channel);
    st->bind(2, r.provider_id);
    st->bind(3, r.status);
    if (r.error.empty())
        st->bind(4);
    else
        st->bind(4, r.error);
    st->bind(5, static_cast<std::int64_t>(r.received_at));
    return st->exec() > 0;
}

bool SqliteStore::status_report_applied(const StatusReportRow& r) {
    auto st = cached(db_,
                     "SELECT applied FROM status_reports WHERE channel = ? AND provider_id = ? "
                     "AND status = ?");
    st->bind(1, r.channel);
    st->bind(2, r.provider_id);
    st->bind(3, r.status);
    return st->executeStep() && st->getColumn(0).getInt() == 1;
}

void SqliteStore::mark_status_report_applied(const StatusReportRow& r) {
    auto st = cached(db_,
                     "UPDATE status_reports SET applied = 1 WHERE channel = ? AND provider_id = ? "
                     "AND status = ?");
    st->bind(1, r.channel);
    st->bind(2, r.provider_id);
    st->bind(3, r.status);
    st->exec();
}

std::vector<StatusReportRow> SqliteStore::unapplied_status_reports(const std::string& channel,
                                                                   const std::string& provider_id) {
    auto st = cached(db_,
                     "SELECT status, error, received_at FROM status_reports WHERE channel = ? "
                     "AND provider_id = ? AND applied = 0 ORDER BY id");
    st->bind(1, channel);
    st->bind(2, provider_id);
    std::vector<StatusReportRow> out;
    while (st->executeStep())
        out.push_back({channel, provider_id, st->getColumn(0).getString(),
                       st->getColumn(1).isNull() ? "" : st->getColumn(1).getString(),
                       st->getColumn(2).getInt64()});
    return out;
}

}  // namespace cxgate::store
