#pragma once
// Private to src/report/: the answers and sent surveys of a report's period as tallies per
// local day and cell. Whole days come from the store's daily rollups; the days cut by the
// period's ends (a since or until that is not a midnight of the surveys' zone) are counted
// from their answers, so a period ending at any instant is still exact.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/store.hpp"

namespace cxgate::report::detail {

struct TallyPeriod {
    std::string flow;  // empty: every flow
    std::optional<long long> since, until;
};

// The coarsest rollup that keeps every dimension named (the report's `by` and its filters;
// "team" needs the staff member).
store::Grain grain_for(const std::vector<std::string>& dimensions);

std::vector<store::AnswerTally> answer_tallies(store::Store& db, const TallyPeriod& period,
                                               store::Grain grain);
std::vector<store::SentTally> sent_tallies(store::Store& db, const TallyPeriod& period,
                                           store::Grain grain);

}  // namespace cxgate::report::detail
