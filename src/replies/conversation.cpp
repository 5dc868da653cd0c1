#include "cxgate/replies/conversation.hpp"

#include <algorithm>

#include <spdlog/spdlog.h>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/alerts/outbound_events.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/replies/clicks.hpp"
#include "cxgate/replies/parse.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::replies {

namespace {

using namespace cxgate::store;

Seconds add(Seconds now, const timing::Delay& d, const config::Config& config) {
    auto start = timing::TimePoint{std::chrono::seconds{now}};
    return timing::add_delay(start, d, *date::locate_zone(config.defaults.timezone), {})
        .time_since_epoch()
        .count();
}

std::int64_t queue(store::Store& db, const MessageRow& m) {
    return db.insert_message(m);
}

std::string normalize_from(const config::Config& config, const config::ChannelConfig* channel,
                           const std::string& from) {
    if (channel && channel->kind == config::ChannelKind::email) {
        std::string lower = from;
        for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        return lower;
    }
    // Providers send E.164 already; libphonenumber (ICU regexes) only for other spellings.
    const bool e164 =
        from.size() >= 8 && from.size() <= 16 && from[0] == '+' &&
        std::all_of(from.begin() + 1, from.end(), [](unsigned char c) { return std::isdigit(c); });
    if (e164) return from;
    if (auto n = phone::normalize(from, config.defaults.region, nullptr)) return n->e164;
    return from;
}

std::string latest_locale(store::Store& db, const std::string& address,
                          const std::string& fallback) {
    return db.latest_locale(address).value_or(fallback);
}

// The inbound row is written once, with its outcome, at the end of the same
// transaction that applied it; the duplicate check at the start reads the same index.
void record_inbound(store::Store& db, const InboundMessage& m, const std::string& from, Seconds now,
                    const ReplyOutcome& out) {
    db.record_inbound(
        store::InboundRow{m.channel, m.provider_id, from, m.text, now, out.survey_id, out.outcome});
}

void opt_out(store::Store& db, const config::Config& config, const std::string& channel,
             const std::string& address, Seconds now, ReplyOutcome& out) {
    const bool first_time =
        db.opt_out_address(address, "customer replied with an opt-out keyword on " + channel, now);
    out.outcome = "opted_out";
    // Confirmed once: a second STOP gets no second message.
    if (first_time) {
        auto locale = latest_locale(db, address, config.defaults.locale);
        out.queued_messages.push_back(
            queue(db, templates::compose_plain(config, "optout", channel, address, locale, now)));
    }
}

enum class ScoreSource { reply, answer_page, click };

void queue_alert(store::Store& db, const config::Config& config, SurveyRow& s, Seconds now,
                 ReplyOutcome& out) {
    auto ids = alerts::send_alert(db, config, s, now);
    out.queued_messages.insert(out.queued_messages.end(), ids.begin(), ids.end());
}

// The comment is recorded: receivers of outbound events hear of it before the alert it may
// release (the outbox keeps a survey's events in the order they are written).
void comment_recorded(store::Store& db, const config::Config& config, const SurveyRow& s,
                      Seconds now) {
    alerts::record_outbound_event(db, config, alerts::kSurveyCommented, s, nullptr, now);
}

// The reason ("why?") arrived, or free text stands in for it: the conversation is done.
// A pending alert goes now, carrying it.
void take_comment(store::Store& db, const config::Config& config, SurveyRow& s,
                  const std::string& text, Seconds now, bool thank, ReplyOutcome& out) {
    s.comment = s.comment.empty() ? text : s.comment + "\n" + text;
    s.commented_at = now;
    s.state = SurveyState::commented;
    s.comment_until.reset();
    s.question = store::question_count(s);
    out.outcome = "comment";
    comment_recorded(db, config, s, now);
    if (thank)
        out.queued_messages.push_back(queue(db, templates::compose(config, s, "thanks", now)));
    if (s.alert_state == AlertState::pending) queue_alert(db, config, s, now, out);
}

// An answer to the survey's question `index`, from a reply, from the email's answer page or
// from a settled click on a score link: the one place that records it, asks the next
// question or "why?", thanks and alerts. The first question's score is the survey's score
// (alerts read it); every answer is kept on its own (store::record_answer) for reports.
//
// A reply that leaves questions open is followed by the next question; one that answers the
// last is followed by "why?" (follow_up: why) and its alert waits a little for the reason.
// The answer page has already asked everything on one form (its Send carries the other
// questions and the comment, see answer_from_page), so it sends no message (the page itself
// thanks), and its alert goes at once once its last answer is in. A settled click is the
// page's first score without the page's Send: no message either, and its alert waits for
// the reason like a reply's, since the person may still press Send with one. Pending clicks
// of the survey are closed: it has its answer.
void apply_score(store::Store& db, const config::Config& config, SurveyRow& s, int index, int score,
                 const std::string& comment, Seconds now, ScoreSource source, ReplyOutcome& out) {
    if (index == 0) {
        db.close_pending_clicks(s.id, now);
        s.score = score;
        s.answered_at = now;
        s.next_reminder_at.reset();
    }
    db.record_answer(s, index, score, now);
    // The survey's score (its first question's) is what receivers hear of; the answers to
    // its further questions travel with its later events.
    if (index == 0)
        alerts::record_outbound_event(db, config, alerts::kSurveyAnswered, s, nullptr, now);
    out.score = score;
    s.question = index + 1;
    s.retries = 0;  // the next question may be asked once more too
    if (!comment.empty()) s.comment = s.comment.empty() ? comment : s.comment + "\n" + comment;
    out.outcome = "score";
    // Decided on the first question; never twice: a page's Send after its settled click may
    // change the score.
    const bool alert =
        index == 0 && alerts::should_alert(config, s) && s.alert_state != AlertState::sent;
    const bool sends_messages = source == ScoreSource::reply;
    const bool alert_at_once = source == ScoreSource::answer_page;
    const auto wait_for_reason = [&] {
        s.alert_state = AlertState::pending;
        s.alert_due_at = add(now, config.defaults.alert_comment_wait, config);
    };

    if (s.question < store::question_count(s)) {
        // More questions: the next one (by message, or on the page) within the window.
        s.state = SurveyState::answered;
        s.comment_until = add(now, config.defaults.comment_window, config);
        if (sends_messages)
            out.queued_messages.push_back(
                queue(db, templates::compose(config, s, "question", now)));
        if (alert) wait_for_reason();
        return;
    }
    const bool pending = alert || s.alert_state == AlertState::pending;
    if (s.follow_up_why && comment.empty()) {
        // The reason may still come as a reply within the comment window.
        s.state = SurveyState::answered;
        s.comment_until = add(now, config.defaults.comment_window, config);
        if (sends_messages)
            out.queued_messages.push_back(queue(db, templates::compose(config, s, "why", now)));
        if (pending && !alert_at_once)
            wait_for_reason();
        else if (pending)
            queue_alert(db, config, s, now, out);
    } else {
        s.state = comment.empty() ? SurveyState::answered : SurveyState::commented;
        s.comment_until.reset();
        if (!comment.empty()) {
            s.commented_at = now;
            comment_recorded(db, config, s, now);
        }
        if (sends_messages)
            out.queued_messages.push_back(queue(db, templates::compose(config, s, "thanks", now)));
        if (pending) queue_alert(db, config, s, now, out);
    }
}

// The survey's score came from a settled click and the answer page's Send has not been
// taken yet, within the comment window: that Send is the same person finishing the page
// (its score may differ: they changed their mind before pressing Send).
bool completes_click(store::Store& db, const config::Config& config, const SurveyRow& s,
                     Seconds now) {
    if (s.state != SurveyState::answered || !s.answered_at ||
        now >= add(*s.answered_at, config.defaults.comment_window, config))
        return false;
    // The page's Send is kept as the inbound row "r-<survey id>" of channel web.
    return db.has_recorded_click(s.id) && !db.inbound_seen("web", "r-" + std::to_string(s.id));
}

bool awaits_score(const SurveyRow& s) {
    return s.state == SurveyState::sent || s.state == SurveyState::delivered;
}

}  // namespace

ReplyOutcome handle_inbound(store::Store& db, const config::Config& config,
                            const InboundMessage& message, Seconds now) {
    ReplyOutcome out;
    if (db.inbound_seen(message.channel, message.provider_id)) {
        out.duplicate = true;
        out.outcome = "duplicate";
        return out;
    }
    const auto* channel = config.find_channel(message.channel);
    const std::string from = normalize_from(config, channel, message.from);

    // Opt-out words work whatever state the conversation is in, and before any parsing.
    if (auto keyword = keyword_intent(message.text)) {
        if (*keyword == Intent::opt_out) {
            opt_out(db, config, message.channel, from, now, out);
        } else if (*keyword == Intent::opt_in) {
            db.opt_in_address(from);
            out.outcome = "opted_in";
        } else if (*keyword == Intent::help) {
            auto locale = latest_locale(db, from, config.defaults.locale);
            out.queued_messages.push_back(queue(
                db, templates::compose_plain(config, "help", message.channel, from, locale, now)));
            out.outcome = "help";
        }
        if (!out.outcome.empty()) {
            record_inbound(db, message, from, now, out);
            return out;
        }
    }

    auto survey = db.waiting_survey_for(from, now);
    if (!survey) {
        out.outcome = "no_open_survey";
        record_inbound(db, message, from, now, out);
        return out;
    }
    out.survey_id = survey->id;
    SurveyRow& s = *survey;
    s.updated_at = now;

    const int count = store::question_count(s);
    if (s.state == SurveyState::answered && s.question >= count) {
        // The reply after the last answer is its "why?".
        take_comment(db, config, s, message.text, now, true, out);
        db.save_survey(s);
        record_inbound(db, message, from, now, out);
        return out;
    }

    // A score for the question awaiting one: the first until it is answered.
    const int index = std::clamp(s.question, 0, count - 1);
    const auto question = store::question_at(s, index);
    auto parsed = parse_reply(message.text, metrics::Scale{question.scale_min, question.scale_max});
    if (parsed.intent == Intent::score && parsed.score) {
        apply_score(db, config, s, index, *parsed.score, parsed.comment, now, ScoreSource::reply,
                    out);
    } else if (s.retries == 0) {
        // Ask once more, keeping what they wrote.
        s.retries = 1;
        s.comment = s.comment.empty() ? message.text : s.comment + "\n" + message.text;
        out.outcome = "retry";
        out.queued_messages.push_back(queue(db, templates::compose(config, s, "retry", now)));
    } else if (index > 0) {
        // A later question asked twice without an answer: they are telling us something
        // else. It is the comment, and the conversation ends with thanks.
        take_comment(db, config, s, message.text, now, true, out);
    } else {
        s.comment = s.comment.empty() ? message.text : s.comment + "\n" + message.text;
        out.outcome = "ignored_after_retry";
    }
    db.save_survey(s);
    record_inbound(db, message, from, now, out);
    return out;
}

}  // namespace cxgate::replies

namespace cxgate::replies {

PageAnswerOutcome answer_from_page(store::Store& db, const config::Config& config,
                                   const PageAnswer& answer, store::Seconds now) {
    using R = PageAnswerOutcome::Result;
    PageAnswerOutcome out;
    auto survey = db.find_survey(answer.survey_id);
    if (!survey) {
        out.result = R::no_survey;
        return out;
    }
    out.survey = *survey;
    const auto& st = survey->state;
    const bool finishing_click = completes_click(db, config, *survey, now);
    if ((st == store::SurveyState::answered || st == store::SurveyState::commented ||
         st == store::SurveyState::closed) &&
        !finishing_click) {
        out.result = R::already_answered;
        return out;
    }
    // Only a survey that went out and waits for its score; anything else (expired,
    // opted out, suppressed, never sent) is closed to answers.
    if (!awaits_score(*survey) && !finishing_click) {
        out.result = R::closed;
        return out;
    }
    // The page's first score, then its further questions in order (optional on the form).
    std::vector<std::pair<int, int>> given{{0, answer.score}};
    for (size_t i = 0; i < answer.more.size(); ++i)
        if (answer.more[i]) given.emplace_back(static_cast<int>(i) + 1, *answer.more[i]);
    for (const auto& [index, score] : given) {
        const auto q = store::question_at(*survey, index);
        if (index >= store::question_count(*survey) || score < q.scale_min || score > q.scale_max) {
            out.result = R::out_of_range;
            return out;
        }
    }
    // The inbound row is the audit trail and the idempotency key: one answer per survey
    // from its page, whatever the number of submits.
    InboundMessage message{
        "web", "r-" + std::to_string(answer.survey_id), survey->address,
        std::to_string(answer.score) + (answer.comment.empty() ? "" : " " + answer.comment)};
    ReplyOutcome reply;
    reply.survey_id = survey->id;
    auto& s = *survey;
    s.updated_at = now;
    if (finishing_click && s.alert_state == AlertState::pending) {
        // Decided again with the page's score and comment.
        s.alert_state = AlertState::none;
        s.alert_due_at.reset();
    }
    // The comment goes with the last answer given, so the alert (at once from the page)
    // carries it.
    for (size_t k = 0; k < given.size(); ++k)
        apply_score(db, config, s, given[k].first, given[k].second,
                    k + 1 == given.size() ? answer.comment : "", now, ScoreSource::answer_page,
                    reply);
    if (s.question < store::question_count(s)) {
        // The person left the page's other questions blank: the Send is their whole answer.
        s.question = store::question_count(s);
        s.comment_until.reset();
        if (!answer.comment.empty()) {
            s.state = store::SurveyState::commented;
            s.commented_at = now;
            comment_recorded(db, config, s, now);
        }
        if (s.alert_state == AlertState::pending) queue_alert(db, config, s, now, reply);
    }
    db.save_survey(s);
    record_inbound(db, message, survey->address, now, reply);
    out.result = R::recorded;
    out.survey = s;
    out.queued_messages = std::move(reply.queued_messages);
    return out;
}

namespace {

std::vector<Click> pending_clicks(store::Store& db, std::int64_t survey_id) {
    std::vector<Click> out;
    for (const auto& c : db.pending_clicks(survey_id))
        out.push_back(Click{c.id, c.score, c.clicked_at, c.last_clicked_at});
    return out;
}

}  // namespace

ClickOutcome record_click(store::Store& db, const config::Config& config, std::int64_t survey_id,
                          int score, store::Seconds now) {
    ClickOutcome out;
    auto survey = db.find_survey(survey_id);
    if (!survey || !awaits_score(*survey) || score < survey->scale_min || score > survey->scale_max)
        return out;
    const store::Seconds window = config.defaults.click_settle.count();
    // The open burst: pending clicks that settle after now (a click less than `window`
    // after the burst's latest one joins it).
    std::optional<std::int64_t> same;
    bool open = false;
    for (const auto& c : db.open_burst(survey_id, now)) {
        open = true;
        if (c.score == score) same = c.id;
    }
    if (same) {
        // A repeat (a double click, a reload): one row per score and burst.
        db.touch_click(*same, now);
    } else {
        db.insert_click(survey_id, score, now, now + window);
    }
    // The whole open burst now settles `window` after this click.
    db.move_burst_settling(survey_id, now + window, now);
    out.result = ClickOutcome::Result::pending;
    out.new_burst = !open;
    out.settles_at = now + window;
    return out;
}

SettleOutcome settle_clicks(store::Store& db, const config::Config& config, store::Seconds now,
                            size_t limit) {
    SettleOutcome out;
    const store::Seconds window = config.defaults.click_settle.count();
    for (auto survey_id : db.surveys_with_settled_clicks(now, limit)) {
        auto clicks = pending_clicks(db, survey_id);
        std::vector<std::int64_t> all;
        all.reserve(clicks.size());
        for (const auto& c : clicks) all.push_back(c.id);
        auto survey = db.find_survey(survey_id);
        if (!survey || !awaits_score(*survey)) {
            // Answered by other means, expired or opted out since: nothing to decide.
            db.decide_clicks(all, "closed", now);
            continue;
        }
        auto d = decide_clicks(clicks, now, window);
        db.decide_clicks(d.void_ids, "void", now);
        out.voided += static_cast<int>(d.void_ids.size());
        if (!d.void_ids.empty())
            spdlog::info(
                "survey {}: {} clicks of different scores within {}s voided (a link "
                "scanner)",
                survey_id, d.void_ids.size(), window);
        if (d.winner) {
            auto& s = *survey;
            if (s.expires_at && d.winner_settled_at > *s.expires_at) {
                // Settled after the survey's end: too late, like a Send after expiry.
                db.decide_clicks(all, "closed", now);
                continue;
            }
            ReplyOutcome reply;
            s.updated_at = now;
            apply_score(db, config, s, 0, d.winner->score, "", now, ScoreSource::click, reply);
            db.save_survey(s);
            // apply_score closed every pending click; the winner is the recorded one.
            db.mark_click_recorded(d.winner->id);
            out.queued_messages.insert(out.queued_messages.end(), reply.queued_messages.begin(),
                                       reply.queued_messages.end());
            ++out.recorded;
            spdlog::info("survey {}: score {} from a settled click on its email link", survey_id,
                         d.winner->score);
        } else if (d.settles_at) {
            // Still open (e.g. the settle time was changed by a reload): wake up for it.
            db.move_burst_settling(survey_id, *d.settles_at, std::nullopt);
        }
    }
    return out;
}

}  // namespace cxgate::replies
