#include "cxgate/channels/delivery.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>

#include "cxgate/engine/channel_choice.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/store/store.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::channels {

namespace {

using namespace cxgate::store;

timing::TimePoint tp(Seconds s) {
    return timing::TimePoint{std::chrono::seconds{s}};
}

Seconds seconds_of(const timing::Delay& d) {
    switch (d.unit) {
        case timing::Delay::Unit::seconds:
            return d.amount;
        case timing::Delay::Unit::minutes:
            return d.amount * 60LL;
        case timing::Delay::Unit::hours:
            return d.amount * 3600LL;
        default:
            return d.amount * 86400LL;
    }
}

// A message that goes to a customer about a survey obeys the flow's send window.
Seconds into_window(const config::Config& config, const SurveyRow* survey, Seconds at) {
    if (!survey) return at;
    const auto* flow = config.flow_for(survey->flow, survey->flow_version);
    if (!flow) return at;
    // The zone the survey was planned in (the contact's, else the flow's) and the flow's
    // holidays, as when it was scheduled.
    const auto* zone = date::locate_zone(flow->timezone);
    if (!survey->timezone.empty()) {
        try {
            zone = date::locate_zone(survey->timezone);
        } catch (const std::exception&) {
        }
    }
    auto t = timing::next_in_window(tp(at), flow->send_window, *zone, flow->calendar);
    return t.time_since_epoch().count();
}

void fail_survey(store::Store& db, SurveyRow& s, const std::string& why, Seconds now) {
    s.state = SurveyState::failed;
    s.reason = "failed: " + why;
    s.next_reminder_at.reset();
    s.updated_at = now;
    db.save_survey(s);
}

bool carries_survey(const MessageRow& m) {
    return m.kind == "survey";
}

}  // namespace

std::optional<MessageRow> claim_message(store::Store& db, std::int64_t id, Seconds now) {
    auto m = db.claim_queued_message(id, now);
    if (!m) return std::nullopt;
    if (m->survey_id && (m->kind == "survey" || m->kind == "reminder")) {
        if (auto s = db.survey_scale(*m->survey_id)) {
            // Links work until the survey expires, or for a default lifetime from now.
            const Seconds expires =
                s->expires_at ? *s->expires_at : now + links::kDefaultAnswerLifetime;
            m->answer_links = MessageRow::AnswerLinks{s->scale_min, s->scale_max, expires};
        }
    }
    return m;
}

std::optional<std::int64_t> failover(store::Store& db, const config::Config& config,
                                     SurveyRow& survey, Seconds now, const std::string& why) {
    auto names = nlohmann::json::parse(survey.channels, nullptr, false);
    if (!names.is_array()) return std::nullopt;
    std::vector<std::string> channels;
    for (const auto& name : names)
        if (name.is_string()) channels.push_back(name.get<std::string>());
    const auto contact = db.find_contact(survey.contact_id);
    // Only channels after the current one: a failover never goes back. A landline is
    // passed over like at planning (engine/channel_choice).
    const auto choice = engine::choose_channel(
        config, channels,
        contact ? engine::addresses_of(contact->phone, contact->email) : engine::ContactAddresses{},
        [&](const std::string& address) { return db.is_opted_out(address); }, survey.channel);
    if (!choice.channel) return std::nullopt;
    survey.channel = choice.channel->name;
    survey.address = choice.address;
    survey.state = SurveyState::sending;
    survey.reason = "failover: " + why;
    survey.sent_at.reset();
    survey.updated_at = now;
    db.save_survey(survey);
    auto message = templates::compose(config, survey, "survey", now);
    return db.insert_message(message);
}

DeliveryOutcome record_send_result(store::Store& db, const config::Config& config,
                                   const MessageRow& sent, const SendResult& result, Seconds now,
                                   double jitter) {
    DeliveryOutcome out;
    MessageRow m = sent;
    const auto* channel = config.find_channel(m.channel);

    if (result.status == SendResult::Status::sent) {
        m.state = MessageState::sent;
        m.sent_at = now;
        m.provider_id = result.provider_id;
        m.error.clear();
        m.next_attempt_at.reset();
        // Not `sending` (erased meanwhile, or a state this path never expects): then
        // update_message does what it always did, nothing for a row gone and
        // IllegalTransition for a move the table refuses.
        if (!db.mark_message_sent(m.id, m.provider_id, now)) db.update_message(m, now);
        // Durable with the result: the email as built is what `cxgate outbox --html` shows.
        if (result.delivered_email) db.keep_delivered_email(m.id, *result.delivered_email);
        if (m.survey_id && carries_survey(m)) db.mark_survey_sent(*m.survey_id, now);
        if (m.survey_id && m.kind == "thanks") {
            auto survey = db.find_survey(*m.survey_id);
            if (survey && (survey->state == SurveyState::answered ||
                           survey->state == SurveyState::commented)) {
                survey->state = SurveyState::closed;
                survey->closed_at = now;
                survey->updated_at = now;
                db.save_survey(*survey);
            }
        }
        // A report may have beaten the send's answer here; apply it now.
        std::vector<StatusReport> reports;
        for (const auto& kept : db.unapplied_status_reports(m.channel, m.provider_id))
            reports.push_back({m.provider_id, kept.status, kept.error, ""});
        for (const auto& report : reports) {
            auto applied = apply_status_report(db, config, m.channel, report, now);
            out.queued_messages.insert(out.queued_messages.end(), applied.queued_messages.begin(),
                                       applied.queued_messages.end());
        }
        return out;
    }

    m.error = result.error;
    m.error_code = result.error_code;
    if (result.status == SendResult::Status::unknown) {
        m.state = MessageState::unknown;
        m.error += " (sent, no answer: not sent again)";
        m.next_attempt_at.reset();
        db.update_message(m, now);
        if (m.survey_id && carries_survey(m)) db.mark_survey_sent(*m.survey_id, now);
        out.note = "outcome unknown; not resent";
        return out;
    }

    // A retry waits for the survey's send window and gives up at its expiry; a permanent
    // failure fails it or moves it to its next channel.
    std::optional<SurveyRow> survey;
    if (m.survey_id) survey = db.find_survey(*m.survey_id);
    if (result.status == SendResult::Status::temporary_failure) {
        const auto& policy = channel ? channel->retry : config::RetryPolicy{};
        if (m.attempts < policy.max_attempts) {
            // Exponential backoff with jitter; a provider's Retry-After wins when longer.
            double base =
                static_cast<double>(seconds_of(policy.base_delay)) * std::pow(2.0, m.attempts - 1);
            base = std::min(base, static_cast<double>(seconds_of(policy.max_delay)));
            Seconds wait = static_cast<Seconds>(base * (0.5 + 0.5 * jitter));
            if (result.retry_after) wait = std::max<Seconds>(wait, *result.retry_after);
            Seconds at =
                into_window(config, survey ? &*survey : nullptr, now + std::max<Seconds>(wait, 1));
            if (!(survey && survey->expires_at && at >= *survey->expires_at)) {
                m.state = MessageState::queued;
                m.next_attempt_at = at;
                db.update_message(m, now);
                out.retry_at = at;
                out.note = "retry at " + timing::format_iso8601(tp(at));
                return out;
            }
            m.error += " (no retry: the survey expires first)";
        } else {
            m.error += " (gave up after " + std::to_string(m.attempts) + " attempts)";
        }
    }

    // Permanent: the provider's own code and text stay on the message.
    m.state = MessageState::failed;
    m.next_attempt_at.reset();
    db.update_message(m, now);
    if (result.opt_out)
        db.opt_out_address(m.address,
                           "provider " + m.channel + " reports the recipient unsubscribed (" +
                               result.error_code + ")",
                           now);
    // An opted-out recipient said stop: the survey ends there (opt_out_address closed
    // it), it does not move to their other address.
    if (survey && carries_survey(m) && survey->state == SurveyState::sending && !result.opt_out) {
        if (auto next = failover(db, config, *survey, now, m.channel + " " + result.error_code)) {
            out.queued_messages.push_back(*next);
            out.note = "failover to " + survey->channel;
        } else {
            fail_survey(db, *survey, m.error_code + " " + m.error, now);
        }
    }
    return out;
}

StatusOutcome apply_status_report(store::Store& db, const config::Config& config,
                                  const std::string& channel, const StatusReport& report,
                                  Seconds now) {
    StatusOutcome out;
    const store::StatusReportRow kept{channel, report.provider_id, report.status, report.error,
                                      now};
    // Replays of a report we already have change nothing. A report kept unmatched earlier
    // is applied by record_send_result, which calls back in here.
    if (!db.keep_status_report(kept) && db.status_report_applied(kept)) {
        out.duplicate = true;
        return out;
    }
    auto rows = db.messages_by_provider_id(channel, report.provider_id);
    if (rows.empty()) return out;  // kept unapplied until the send's id is known
    out.matched = true;
    db.mark_status_report_applied(kept);
    for (auto& m : rows) {
        std::optional<SurveyRow> survey;
        if (m.survey_id) survey = db.find_survey(*m.survey_id);
        if (report.status == "delivered") {
            if (m.state == MessageState::sent || m.state == MessageState::unknown) {
                m.state = MessageState::delivered;
                m.delivered_at = now;
                db.update_message(m, now);
            }
            if (survey && carries_survey(m) && survey->channel == m.channel &&
                (survey->state == SurveyState::sent || survey->state == SurveyState::sending)) {
                survey->state = SurveyState::delivered;
                if (!survey->sent_at) survey->sent_at = now;
                survey->updated_at = now;
                db.save_survey(*survey);
            }
        } else if (report.status == "complained") {
            db.opt_out_address(m.address, "spam complaint reported by " + channel, now);
        } else if (report.status == "failed" || report.status == "undelivered" ||
                   report.status == "bounced") {
            m.state = MessageState::failed;
            m.error = report.error.empty() ? report.status : report.status + ": " + report.error;
            if (!report.error_code.empty()) m.error_code = report.error_code;
            db.update_message(m, now);
            // A bounce within the channel's window sends the survey on the next channel,
            // unless the customer already answered.
            const auto* ch = config.find_channel(channel);
            if (survey && carries_survey(m) && survey->channel == m.channel &&
                (survey->state == SurveyState::sent || survey->state == SurveyState::delivered ||
                 survey->state == SurveyState::sending) &&
                ch && m.sent_at) {
                auto window_end = timing::add_delay(tp(*m.sent_at), ch->failover_window,
                                                    *date::locate_zone("UTC"), {});
                if (tp(now) <= window_end) {
                    if (auto next = failover(db, config, *survey, now,
                                             channel + " reported " + report.status))
                        out.queued_messages.push_back(*next);
                    else
                        fail_survey(db, *survey, channel + " reported " + report.status, now);
                }
            }
        }
    }
    return out;
}

std::pair<int, int> recover_in_flight(store::Store& db, const std::vector<std::string>& replayable,
                                      Seconds now,
                                      const std::unordered_set<std::int64_t>* started) {
    int requeued = 0, unknown = 0;
    for (auto& m : db.messages_in_flight()) {
        // Claimed but its request never started (the journal of the crashed run proves
        // it): nothing reached the provider, so it goes out now.
        const bool replay =
            std::find(replayable.begin(), replayable.end(), m.channel) != replayable.end() ||
            (started && !started->count(m.id));
        if (replay) {
            m.state = MessageState::queued;
            ++requeued;
        } else {
            m.state = MessageState::unknown;
            m.error = "in flight at a crash; not sent again (the provider may have delivered it)";
            ++unknown;
            if (m.survey_id && carries_survey(m)) db.mark_survey_sent(*m.survey_id, now);
        }
        db.update_message(m, now);
    }
    return {requeued, unknown};
}

}  // namespace cxgate::channels
