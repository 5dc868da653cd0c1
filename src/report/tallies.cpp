// Tallies of a period (tallies.hpp): rollups for whole days, answers for the days cut.
#include "tallies.hpp"

#include <algorithm>

#include "cells.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::report::detail {

namespace {

// Longer than any local day (25 hours across a DST change), so the answers of every day that
// a period's end cuts lie within this of that end.
constexpr long long kEdge = 3 * 86400;

// The spans next to the period's ends, where a day may be cut: [since, since + edge) and
// [until - edge, until), merged when they meet. An open end has none.
std::vector<store::AnswerFilter> edges(const TallyPeriod& p) {
    std::vector<store::AnswerFilter> out;
    auto span = [&](long long from, long long to) {
        store::AnswerFilter f;
        f.flow = p.flow;
        f.since = from;
        f.until = to;
        out.push_back(f);
    };
    if (p.since && p.until && *p.until - *p.since <= 2 * kEdge) {
        if (*p.since < *p.until) span(*p.since, *p.until);
        return out;
    }
    if (p.since) span(*p.since, *p.since + kEdge);
    if (p.until) span(*p.until - kEdge, *p.until);
    return out;
}

// Whether the rollups hold this day whole for the period: then its rows there count, and
// its answers are not read one by one.
bool whole(const TallyPeriod& p, const timing::LocalDay& day) {
    const auto start = day.start.time_since_epoch().count();
    const auto end = day.end.time_since_epoch().count();
    return (!p.since || start >= *p.since) && (!p.until || (end <= *p.until && start < *p.until));
}

store::TallyFilter rollup_filter(const TallyPeriod& p, store::Grain grain) {
    store::TallyFilter f;
    f.flow = p.flow;
    f.grain = grain;
    f.since = p.since;
    f.until = p.until;
    return f;
}

// The zone a tally's day is read in: its survey's, UTC when it recorded none, as the store
// counts days (rollups_schema.hpp).
class DayOf {
  public:
    timing::LocalDay operator()(long long at, const std::string& zone) {
        return timing::local_day(timing::TimePoint{std::chrono::seconds{at}}, zones_.of(zone));
    }

  private:
    Zones zones_{"UTC"};
};

store::TallyFacts facts(const std::string& flow, const std::string& step,
                        const std::string& event_type, const std::string& staff_id,
                        const std::string& segment, const std::string& channel,
                        const std::string& zone, const timing::LocalDay& day) {
    return {flow,
            step,
            event_type,
            staff_id,
            segment,
            channel,
            zone,
            day.start.time_since_epoch().count(),
            day.end.time_since_epoch().count()};
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
    auto out = db.answer_tallies(rollup_filter(period, grain));
    DayOf day_of;
    for (const auto& span : edges(period)) {
        for (const auto& a : db.answered_questions(span)) {
            // A score off its scale answers nothing (the rollups do not count it either).
            if (a.score < a.scale_min || a.score > a.scale_max) continue;
            const auto day = day_of(a.answered_at, a.timezone);
            if (whole(period, day)) continue;
            store::AnswerTally t;
            t.facts = facts(a.flow, a.step, a.event_type, a.staff_id, a.segment, a.channel,
                            a.timezone, day);
            t.question = a.question;
            t.question_id = a.question_id;
            t.metric = a.metric;
            t.survey_metric = a.survey_metric;
            t.scale_min = a.scale_min;
            t.scale_max = a.scale_max;
            t.low_is_good = a.low_is_good;
            t.first_survey = a.survey_id;
            t.counts.add(a.score - a.scale_min, 1);
            out.push_back(std::move(t));
        }
    }
    return out;
}

std::vector<store::SentTally> sent_tallies(store::Store& db, const TallyPeriod& period,
                                           store::Grain grain) {
    auto out = db.sent_tallies(rollup_filter(period, grain));
    DayOf day_of;
    for (const auto& span : edges(period)) {
        for (const auto& s : db.sent_surveys(span)) {
            const auto day = day_of(s.sent_at, s.timezone);
            if (whole(period, day)) continue;
            store::SentTally t;
            t.facts = facts(s.flow, s.step, s.event_type, s.staff_id, s.segment, s.channel,
                            s.timezone, day);
            t.metric = s.metric;
            t.sent = 1;
            t.answered = s.answered ? 1 : 0;
            out.push_back(std::move(t));
        }
    }
    return out;
}

}  // namespace cxgate::report::detail
