// The digest_runs and digest_answers tables (digests.hpp).
#include "cxgate/store/digests.hpp"

#include <SQLiteCpp/Statement.h>

#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

std::set<std::string> SqliteStore::digests_made(const std::string& digest,
                                                const std::string& period) {
    auto st = cached(db_, "SELECT recipient FROM digest_runs WHERE digest = ? AND period = ?");
    st->bind(1, digest);
    st->bind(2, period);
    std::set<std::string> out;
    while (st->executeStep()) out.insert(st->getColumn(0).getString());
    return out;
}

void SqliteStore::record_digest(const DigestRun& run) {
    auto st = cached(db_,
                     "INSERT INTO digest_runs (digest, recipient, period, made_at, message_id) "
                     "VALUES (?,?,?,?,?) ON CONFLICT(digest, recipient, period) DO NOTHING");
    st->bind(1, run.digest);
    st->bind(2, run.recipient);
    st->bind(3, run.period);
    st->bind(4, static_cast<std::int64_t>(run.made_at));
    if (run.message_id)
        st->bind(5, *run.message_id);
    else
        st->bind(5);
    st->exec();
    if (!run.message_id) return;
    auto quoted = cached(db_,
                         "INSERT INTO digest_answers (message_id, survey_id) VALUES (?, ?) "
                         "ON CONFLICT DO NOTHING");
    for (const auto survey : run.surveys) {
        quoted->reset();
        quoted->bind(1, *run.message_id);
        quoted->bind(2, survey);
        quoted->exec();
    }
}

long long SqliteStore::digests_sent() {
    auto st = cached(db_, "SELECT COUNT(*) FROM digest_runs WHERE message_id IS NOT NULL");
    st->executeStep();
    return st->getColumn(0).getInt64();
}

}  // namespace cxgate::store
