// Weekly target checks (target_checks.hpp).
#include "cxgate/store/target_checks.hpp"

#include <SQLiteCpp/Statement.h>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

bool SqliteStore::target_checked(const std::string& flow, const std::string& step,
                                 const std::string& metric, const std::string& week) {
    auto st = cached(db_,
                     "SELECT 1 FROM target_checks WHERE flow = ? AND step = ? AND metric = ? "
                     "AND week = ?");
    st->bind(1, flow);
    st->bind(2, step);
    st->bind(3, metric);
    st->bind(4, week);
    return st->executeStep();
}

void SqliteStore::record_target_check(const TargetCheckRow& row) {
    auto st = cached(db_,
                     "INSERT INTO target_checks (flow, step, metric, week, checked_at, n, figure, "
                     "target, outcome) VALUES (?,?,?,?,?,?,?,?,?) "
                     "ON CONFLICT(flow, step, metric, week) DO NOTHING");
    st->bind(1, row.flow);
    st->bind(2, row.step);
    st->bind(3, row.metric);
    st->bind(4, row.week);
    st->bind(5, static_cast<std::int64_t>(row.checked_at));
    st->bind(6, row.n);
    if (row.figure)
        st->bind(7, *row.figure);
    else
        st->bind(7);
    st->bind(8, row.target);
    st->bind(9, row.outcome);
    st->exec();
}

}  // namespace cxgate::store
