#pragma once
// Answers and sent surveys counted per local day and cell, kept by the store in the same
// transaction as every answer (see src/store/rollups_schema.hpp): what reports read, so that
// two years of answers cost as much as the days and cells they fall in, not the answers.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/foundation/metrics.hpp"
#include "cxgate/store/answers.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::store {

// Which of the staff member, segment and channel a rollup keeps apart (the flow, day, step,
// question and outcome it always does). A report reads the coarsest grain that holds every
// dimension it needs.
enum class Grain { step = 0, staff = 1, segment = 2, channel = 3, all = 4 };

// The facts every tally is grouped by; staff_id, segment and channel are empty where the
// grain does not keep them (or the survey had none).
struct TallyFacts {
    std::string flow, step, event_type, staff_id, segment, channel;
    std::string timezone;  // the surveys' zone; empty: none was recorded (days are UTC then)
    Seconds day = 0, day_end = 0;  // the local day [day, day_end) of the surveys' zone
};

// The answers to one question of one step on one day and in one cell.
struct AnswerTally {
    TallyFacts facts;
    int question = 0;  // its place in the step (0: the first)
    std::string question_id, metric;
    std::string survey_metric;  // the survey's own (its first question's) metric
    int scale_min = 0, scale_max = 10;
    bool low_is_good = false;
    std::int64_t first_survey = 0;  // the lowest survey id among them: funnel order
    metrics::ScoreCounts counts;    // how many gave each point of the scale
};

// The surveys of one cell that reached the customer on one day (sent, not failed), and how
// many of them have a score: a response rate's denominator and numerator.
struct SentTally {
    TallyFacts facts;
    std::string metric;
    long long sent = 0, answered = 0;
};

// Whole local days only: a day counts when [day, day_end) lies inside [since, until).
struct TallyFilter {
    std::string flow;  // empty: every flow
    Grain grain = Grain::step;
    std::optional<Seconds> since, until;
};

class RollupQueries {
  public:
    virtual std::vector<AnswerTally> answer_tallies(const TallyFilter& filter) = 0;
    virtual std::vector<SentTally> sent_tallies(const TallyFilter& filter) = 0;

    // The local days that the instant t cuts (day < t < day_end) and that hold answers or sent
    // surveys of the flow (every flow when empty), from the first one's start to the last
    // one's end; none when t cuts no such day. A period ending at t reads those rows one by one.
    struct DaysCut {
        Seconds from = 0, to = 0;
    };
    virtual std::optional<DaysCut> days_cut_at(const std::string& flow, Seconds t) = 0;
    // The answers (sent surveys) of [since, until) one by one, each a tally of one with the
    // local day the rollups count it in; answers off their scale are left out, as the
    // rollups leave them.
    virtual std::vector<AnswerTally> answers_one_by_one(const AnswerFilter& filter) = 0;
    virtual std::vector<SentTally> sent_one_by_one(const AnswerFilter& filter) = 0;

  protected:
    ~RollupQueries() = default;
};

}  // namespace cxgate::store
