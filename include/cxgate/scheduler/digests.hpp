#pragma once
// Digests (`digests:` in cxgate.yaml, config::Digest): once a day or a week, at a local time,
// each recipient gets their figures of the period before (each step's headline figure with n
// and its 95% margin of error, and its change against the period before that, said to be
// beyond the margin or within it), the comments of the period (and every answer of steps
// with `share_answers: digest`), and the alerts still open; a team lead gets their team's
// figures and each member's line. By email (text and HTML) or to a chat room as a card.
//
// It lives in scheduler/ because it needs the report's figures (report/ is above alerts/).
// A period's digest is made in the scheduler's pass, in one transaction with the record
// that it was made (store/digests.hpp): a restart never sends it twice, and a daemon that
// was down at its time sends it when it comes back the same local day.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <date/tz.h>

#include "cxgate/config/config.hpp"
#include "cxgate/report/compare.hpp"
#include "cxgate/store/store.hpp"
#include "cxgate/templates/alert_card.hpp"

namespace cxgate::scheduler {

// Words a digest and a shared answer both write (digest_content.cpp).
namespace detail {
// "Maija Virtanen" -> "Maija": staff need the customer's first name to place a comment,
// not the full name.
std::string first_name(const std::string& name);
// The step a survey was created with (its flow's version), if it still exists.
const config::Step* step_of(const config::Config& config, const store::SurveyRow& s);
// "csat" -> "CSAT", "enps" -> "eNPS": how the metrics are written for people.
std::string metric_name(const std::string& metric);
}  // namespace detail

// One period of a digest.
struct DigestPeriod {
    std::string key;          // the local date the digest goes: "2026-11-30"
    report::Period period;    // what it tells of: [since, until)
    report::Period previous;  // the period before, for the change
    store::Seconds due_at = 0;
};

// The period of the digest going on local `day`: a weekly digest tells of the seven days
// before its weekday (from Monday: the ISO week before) whichever day a holiday moved it
// to; a daily one of the day before, or with business_days_only of the days since the
// business day before (Monday's tells of Friday, Saturday and Sunday).
DigestPeriod digest_period(const config::Digest& digest, date::local_days day,
                           const date::time_zone& zone);
// The digest due at `now`: today's (in the digest's zone) when today is its day (with
// business_days_only, a weekly digest whose day is a holiday goes on the next business day;
// a daily one skips days off), its time has come, and it is still the same local day.
std::optional<DigestPeriod> digest_due(const config::Digest& digest, store::Seconds now);

// What one recipient's digest says.
struct DigestAnswer {
    std::int64_t survey_id = 0;
    std::string flow, step, metric, staff;  // staff: the name (or id) the survey was about
    int score = 0, scale_min = 0, scale_max = 10;
    std::string comment;
    std::string customer;  // the first name at most
    store::Seconds answered_at = 0;
};
struct DigestAlert {
    std::int64_t id = 0;
    std::string flow, step, metric, staff;
    std::optional<int> score;
    int scale_min = 0, scale_max = 10;
    bool acknowledged = false;
    store::Seconds opened_at = 0;
};
struct DigestMember {
    std::string id, name;
    std::vector<report::ComparisonRow> figures;
};
struct DigestContent {
    std::string digest, recipient, name, locale;
    config::Digest::Every every = config::Digest::Every::week;
    std::string timezone;
    DigestPeriod when;
    store::Seconds now = 0;
    // Each step's headline figure of the period against the period before: the recipient's
    // own (as a staff member) and their team's (as a lead); either may be left out.
    std::optional<std::vector<report::ComparisonRow>> own, team;
    std::vector<DigestMember> members;  // a lead's team, one line each
    std::vector<DigestAnswer> answers;  // comments, and every answer a step shares so
    int more_answers = 0;               // left out beyond the bound
    std::vector<DigestAlert> alerts;    // open or acknowledged, not resolved
    // Nothing to tell: no answers in either period and no open alert.
    bool empty() const;
};

// Who gets a digest, and with which parts: own figures for "staff" (or an id), the team's
// for "team-lead" (or an id that leads a team). One digest per person.
struct DigestRecipient {
    std::string id;
    bool own = false, team = false;
};
std::vector<DigestRecipient> digest_recipients(const config::Config& config,
                                               const config::Digest& digest);

DigestContent digest_content(store::Store& db, const config::Config& config,
                             const config::Digest& digest, const DigestRecipient& to,
                             const DigestPeriod& when, store::Seconds now);

// The recipient's locale: theirs in the staff directory (`locale:`), else defaults.locale.
std::string staff_locale(const config::Config& config, const std::string& staff_id);

struct DigestText {
    std::string subject, text, html;  // html: the body's content, without <html> around it
};
DigestText render_digest(const DigestContent& content);
// The chat card: the subject as title, the figures as facts, the rest in its text.
templates::AlertCard digest_card(const DigestContent& content);

// The scheduler's part: every digest due, at most `limit` recipients per pass (`more` when
// some are left for the next pass).
struct DigestWatchResult {
    int made = 0;  // digests recorded (queued or with nothing to tell)
    int sent = 0;  // of them, queued as messages
    bool more = false;
    std::vector<std::int64_t> queued_messages;
};
DigestWatchResult watch_digests(store::Store& db, const config::Config& config, store::Seconds now,
                                size_t limit);

}  // namespace cxgate::scheduler
