// The schedule_runs table.
#include "cxgate/store/schedule_runs.hpp"
#include "cxgate/store/sqlite_store.hpp"

#include <SQLiteCpp/Statement.h>

#include "statement_cache.hpp"

namespace cxgate::store {

void SqliteStore::open_schedule_run(const std::string& flow, const std::string& period,
                                    Seconds opens_at) {
    auto st = cached(db_,
                     "INSERT INTO schedule_runs (flow, period, opens_at) VALUES (?, ?, ?) "
                     "ON CONFLICT(flow, period) DO NOTHING");
    st->bind(1, flow);
    st->bind(2, period);
    st->bind(3, static_cast<std::int64_t>(opens_at));
    st->exec();
}

std::vector<ScheduleRun> SqliteStore::unfinished_schedule_runs(const std::string& flow) {
    auto st = cached(db_,
                     "SELECT period, opens_at, released, cursor FROM schedule_runs "
                     "WHERE flow = ? AND finished_at IS NULL ORDER BY opens_at");
    st->bind(1, flow);
    std::vector<ScheduleRun> runs;
    while (st->executeStep())
        runs.push_back({flow, st->getColumn(0).getString(), st->getColumn(1).getInt64(),
                        static_cast<long>(st->getColumn(2).getInt64()),
                        st->getColumn(3).getString()});
    return runs;
}

void SqliteStore::save_schedule_run(const ScheduleRun& run, std::optional<Seconds> finished_at) {
    auto st = cached(db_,
                     "UPDATE schedule_runs SET released = ?, cursor = ?, finished_at = ? "
                     "WHERE flow = ? AND period = ?");
    st->bind(1, static_cast<std::int64_t>(run.released));
    st->bind(2, run.cursor);
    if (finished_at)
        st->bind(3, static_cast<std::int64_t>(*finished_at));
    else
        st->bind(3);
    st->bind(4, run.flow);
    st->bind(5, run.period);
    st->exec();
}

}  // namespace cxgate::store
