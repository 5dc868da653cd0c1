// Tallies of a period (tallies.hpp): rollups for whole days, answers for the days cut.
#include "tallies.hpp"

#include <algorithm>

namespace cxgate::report::detail {

namespace {

// The spans of the period in the days its ends cut (days that hold answers or sent surveys):
// from since to the end of the last day it cuts, and from the start of the first day until
// cuts to until; one span when they meet. An open end, or one at a midnight of every
// survey's zone (a date in the flow's zone, usually), cuts none.
std::vector<store::AnswerFilter> cut_spans(store::Store& db, const TallyPeriod& p) {
    std::vector<store::AnswerFilter> out;
    auto span = [&](long long from, long long to) {
        store::AnswerFilter f;
        f.flow = p.flow;
        f.since = p.since ? std::max(from, *p.since) : from;
        f.until = p.until ? std::min(to, *p.until) : to;
        if (*f.since < *f.until) out.push_back(f);
    };
    // Plain values rather than optionals: GCC 12 at -O3 takes the optionals' members for
    // possibly uninitialized (-Wmaybe-uninitialized).
    store::RollupQueries::DaysCut at_since, at_until;
    auto cut_at = [&](const std::optional<long long>& end, store::RollupQueries::DaysCut& days) {
        if (!end) return false;
        const auto cut = db.days_cut_at(p.flow, *end);
        if (cut) days = *cut;
        return cut.has_value();
    };
    const bool since_cuts = cut_at(p.since, at_since), until_cuts = cut_at(p.until, at_until);
    if (since_cuts && until_cuts && at_since.to >= at_until.from) {
        span(*p.since, *p.until);
        return out;
    }
    if (since_cuts) span(*p.since, at_since.to);
    if (until_cuts) span(at_until.from, *p.until);
    return out;
}

// Whether the rollups hold this day whole for the period: then its rows there count, and
// its answers are not taken one by one.
bool whole(const TallyPeriod& p, const store::TallyFacts& f) {
    return (!p.since || f.day >= *p.since) &&
           (!p.until || (f.day_end <= *p.until && f.day < *p.until));
}

store::TallyFilter rollup_filter(const TallyPeriod& p, store::Grain grain) {
    store::TallyFilter f;
    f.flow = p.flow;
    f.grain = grain;
    f.since = p.since;
    f.until = p.until;
    return f;
}

// The rollups' whole days, then from each span cutting a day the rows of the days cut.
template <typename Tally, typename Rollups, typename OneByOne>
std::vector<Tally> tallies(store::Store& db, const TallyPeriod& period, store::Grain grain,
                           Rollups rollups, OneByOne one_by_one) {
    std::vector<Tally> out = (db.*rollups)(rollup_filter(period, grain));
    for (const auto& span : cut_spans(db, period))
        for (auto& t : (db.*one_by_one)(span))
            if (!whole(period, t.facts)) out.push_back(std::move(t));
    return out;
}

}  // namespace

store::Grain grain_for(const std::vector<std::string>& dimensions) {
    auto named = [&](const char* d) {
        return std::find(dimensions.begin(), dimensions.end(), d) != dimensions.end();
    };
    const bool staff = named("staff") || named("team"), segment = named("segment"),
               channel = named("channel");
    if (staff + segment + channel > 1) return store::Grain::all;
    if (staff) return store::Grain::staff;
    if (segment) return store::Grain::segment;
    if (channel) return store::Grain::channel;
    return store::Grain::step;
}

std::vector<store::AnswerTally> answer_tallies(store::Store& db, const TallyPeriod& period,
                                               store::Grain grain) {
    return tallies<store::AnswerTally>(db, period, grain, &store::RollupQueries::answer_tallies,
                                       &store::RollupQueries::answers_one_by_one);
}

std::vector<store::SentTally> sent_tallies(store::Store& db, const TallyPeriod& period,
                                           store::Grain grain) {
    return tallies<store::SentTally>(db, period, grain, &store::RollupQueries::sent_tallies,
                                     &store::RollupQueries::sent_one_by_one);
}

}  // namespace cxgate::report::detail
