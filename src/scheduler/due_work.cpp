#include "cxgate/scheduler/due_work.hpp"

#include <unordered_set>

#include <nlohmann/json.hpp>

#include "cxgate/alerts/alerts.hpp"
#include "cxgate/engine/channel_choice.hpp"
#include "cxgate/engine/plan.hpp"
#include "cxgate/engine/recurring.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/privacy/retention.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/scheduler/digests.hpp"
#include "cxgate/scheduler/share_answers.hpp"
#include "cxgate/scheduler/target_watch.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::scheduler {

namespace {

using namespace cxgate::store;

timing::TimePoint tp(Seconds s) {
    return timing::TimePoint{std::chrono::seconds{s}};
}

// The zone a survey was planned in (the contact's, else the flow's), for its reminders and
// for moving it back into the send window after it waited.
const date::time_zone& zone_of(const config::Config& config, const config::Flow* flow,
                               const SurveyRow& s) {
    if (!s.timezone.empty()) {
        try {
            return *date::locate_zone(s.timezone);
        } catch (const std::exception&) {
        }
    }
    return *date::locate_zone(flow ? flow->timezone : config.defaults.timezone);
}

std::string name_of(const SurveyRow& o) {
    return "survey " + std::to_string(o.id) + " (" + o.flow + "/" + o.step + ")";
}

// A newer survey goes to the address: the older one stops awaiting. Unanswered, it is
// `superseded` (a late reply goes to the newer survey); answered and awaiting a further
// question or its "why?", it is closed with the answers it has, and an alert that waited
// for the reason goes now without it.
void supersede(store::Store& db, const config::Config& config, std::int64_t older_id,
               const SurveyRow& newer, Seconds now, PassResult& out) {
    auto older = db.find_survey(older_id);
    if (!older) return;
    const std::string why = "survey " + std::to_string(newer.id) + " (" + newer.flow + "/" +
                            newer.step + ") went to " + newer.address +
                            " while this one still awaited ";
    older->superseded_by = newer.id;
    older->updated_at = now;
    older->next_reminder_at.reset();
    if (older->state == SurveyState::answered) {
        older->state = SurveyState::closed;
        older->closed_at = now;
        older->comment_until.reset();
        older->reason = "superseded: " + why +
                        (older->question < store::question_count(*older) ? "its next question"
                                                                         : "its \"why?\"");
        if (older->alert_state == AlertState::pending) {
            auto ids = alerts::send_alert(db, config, *older, now);
            out.queued_messages.insert(out.queued_messages.end(), ids.begin(), ids.end());
            ++out.alerted;
        }
    } else {
        older->state = SurveyState::superseded;
        older->reason = "superseded: " + why + "its answer";
    }
    db.save_survey(*older);
    ++out.superseded;
}

// At send time the address may have opted out since the survey was planned: move to
// the next channel of the step with an address that has not.
bool choose_channel(store::Store& db, const config::Config& config, SurveyRow& s) {
    if (!s.address.empty() && !db.is_opted_out(s.address)) return true;
    const auto contact = db.find_contact(s.contact_id);
    std::vector<std::string> channels;
    for (const auto& name : nlohmann::json::parse(s.channels, nullptr, false))
        if (name.is_string()) channels.push_back(name.get<std::string>());
    const auto choice = engine::choose_channel(
        config, channels,
        contact ? engine::addresses_of(contact->phone, contact->email) : engine::ContactAddresses{},
        [&](const std::string& address) { return db.is_opted_out(address); });
    if (!choice.channel) return false;
    s.channel = choice.channel->name;
    s.address = choice.address;
    return true;
}

std::optional<Seconds> next_reminder(const config::Config& config, const SurveyRow& s,
                                     Seconds from) {
    if (s.reminders_sent >= s.reminders_max) return std::nullopt;
    const auto* flow = config.flow_for(s.flow, s.flow_version);
    const auto* step = flow ? flow->find_step(s.step) : nullptr;
    if (!step || !step->reminder) return std::nullopt;
    const auto& zone = zone_of(config, flow, s);
    auto at =
        timing::due_time(tp(from), step->reminder->after, flow->send_window, zone, flow->calendar);
    return at.time_since_epoch().count();
}

// A due survey meets an older one that awaits its answer on the same address. Returns true
// when the due survey goes now (the older one superseded); false when it waits (held_by,
// reason `waiting`) or is skipped (suppressed, reason `skipped`), already saved. A survey
// still being sent is always waited for: it is about to be sent or failed.
bool goes_over(store::Store& db, const config::Config& config, SurveyRow& s, const SurveyRow& older,
               Seconds now, PassResult& out) {
    const auto* flow = config.flow_for(s.flow, s.flow_version);
    const auto* step = flow ? flow->find_step(s.step) : nullptr;
    const auto policy = step ? step->on_waiting : config::OnWaiting::supersede;
    const auto hold = [&](const std::string& how, std::optional<Seconds> until) {
        if (s.held_by == older.id && s.wait_until == until) return false;
        s.held_by = older.id;
        s.wait_until = until;
        s.reason = "waiting: " + name_of(older) + " on " + s.address + " " + how;
        s.updated_at = now;
        db.save_survey(s);
        ++out.held;
        return false;
    };
    if (older.state == SurveyState::sending) return hold("is being sent", std::nullopt);
    if (policy == config::OnWaiting::skip) {
        s.state = SurveyState::suppressed;
        s.reason = "skipped: " + name_of(older) + " still awaited its answer on " + s.address +
                   " (on_waiting: skip)";
        s.held_by.reset();
        s.wait_until.reset();
        s.updated_at = now;
        db.save_survey(s);
        ++out.skipped;
        return false;
    }
    if (policy == config::OnWaiting::wait) {
        // Counted from the survey's due time, in the zone it was planned in.
        const Seconds due = s.due_at.value_or(now);
        const Seconds until =
            timing::add_delay(tp(due), step->wait_max, zone_of(config, flow, s), flow->calendar)
                .time_since_epoch()
                .count();
        if (now < until)
            return hold("awaits its answer (on_waiting: wait up to " +
                            timing::to_string(step->wait_max) + ")",
                        until);
    }
    supersede(db, config, older.id, s, now, out);
    return true;
}

// Held surveys (waiting for another survey on their address) sort last, so they never
// crowd out surveys that can go in a pass at the limit.
void claim_due_surveys(store::Store& db, const config::Config& config, Seconds now, size_t limit,
                       PassResult& out) {
    // Each survey's own changes are saved together at the end of the pass (or sooner, see
    // in_the_way), against the row as read in this transaction: one statement for all the
    // surveys that change the same columns, no second read. Nothing else in the pass writes
    // a survey still scheduled.
    std::vector<store::SurveyChange> changes;
    std::unordered_set<std::string> addresses;  // of the surveys in `changes`
    const auto save = [&](store::SurveyRow read, store::SurveyRow s) {
        addresses.insert(read.address);
        addresses.insert(s.address);
        changes.push_back({std::move(read), std::move(s)});
    };
    const auto write = [&] {
        db.save_survey_changes(changes);
        changes.clear();
        addresses.clear();
    };
    // A survey claimed earlier in this pass on the same address must be seen as being sent:
    // what is pending is written first.
    const auto in_the_way = [&](const SurveyRow& s) {
        if (addresses.contains(s.address)) write();
        return db.survey_in_the_way(s.address, s.id, now);
    };
    auto due = db.due_surveys(now, limit);
    for (auto& s : due) {
        SurveyRow read = s;
        if (s.expires_at && *s.expires_at <= now) {
            s.state = SurveyState::expired;
            s.reason = s.held_by ? "expired: waited for survey " + std::to_string(*s.held_by) +
                                       " on the same address until it expired"
                                 : "expired: not sent before it expired";
            s.held_by.reset();
            s.updated_at = now;
            ++out.expired;
        } else if (!choose_channel(db, config, s)) {
            s.state = SurveyState::opted_out;
            s.reason = "opted_out: every address of the contact has opted out";
            s.updated_at = now;
        } else if (auto older = in_the_way(s);
                   older && !goes_over(db, config, s, *older, now, out)) {
            continue;  // waits (written only when what it waits for changes) or was skipped
        } else {
            if (s.held_by) {
                // Released: the survey it waited for was answered, expired or closed (or
                // superseded by this one). It may be outside the send window now; then it
                // waits for the next opening.
                const auto* flow = config.find_flow(s.flow);
                s.held_by.reset();
                s.wait_until.reset();
                s.reason.clear();
                s.updated_at = now;
                if (flow) {
                    const auto next = timing::next_in_window(
                        tp(now), flow->send_window, zone_of(config, flow, s), flow->calendar);
                    if (next > tp(now)) {
                        s.due_at = next.time_since_epoch().count();
                        save(std::move(read), std::move(s));
                        continue;
                    }
                }
            }
            s.state = SurveyState::sending;
            s.updated_at = now;
            out.queued_messages.push_back(
                db.insert_message(templates::compose(config, s, "survey", now)));
            s.next_reminder_at = next_reminder(config, s, now);
            ++out.claimed;
        }
        save(std::move(read), std::move(s));
    }
    write();
}

void send_reminders(store::Store& db, const config::Config& config, Seconds now, size_t limit,
                    PassResult& out) {
    // Saved together at the end, as the claim's: nothing in between reads these surveys.
    std::vector<store::SurveyChange> changes;
    auto due = db.reminders_due(now, limit);
    for (auto& s : due) {
        if (db.is_opted_out(s.address)) continue;
        SurveyRow read = s;
        out.queued_messages.push_back(
            db.insert_message(templates::compose(config, s, "reminder", now)));
        s.reminders_sent += 1;
        s.next_reminder_at = next_reminder(config, s, now);
        s.updated_at = now;
        changes.push_back({std::move(read), std::move(s)});
        ++out.reminded;
    }
    db.save_survey_changes(changes);
}

void expire_and_close(store::Store& db, const config::Config& config, Seconds now,
                      PassResult& out) {
    // Unanswered surveys expire; answered ones whose comment never came are closed.
    out.expired += db.expire_unanswered(now);

    auto late_alerts = db.alerts_due(now);
    for (auto& s : late_alerts) {
        auto ids = alerts::send_alert(db, config, s, now);
        out.queued_messages.insert(out.queued_messages.end(), ids.begin(), ids.end());
        s.updated_at = now;
        db.save_survey(s);
        ++out.alerted;
    }

    out.closed += db.close_ended_comment_windows(now);

    // Alerts nobody acknowledged go up a level (alerts.escalate_after).
    const auto escalations = alerts::escalate_due(db, config, now);
    out.escalated += static_cast<int>(escalations.size());
    out.queued_messages.insert(out.queued_messages.end(), escalations.begin(), escalations.end());
}

}  // namespace

PassResult run_due_work(store::Store& db, const config::Config& config, Seconds now, size_t limit) {
    PassResult out;
    // Clicks on email score links that settled: first, so a click that settled before its
    // survey's expiry counts even when this pass runs after it (replies/clicks.hpp).
    auto clicks = replies::settle_clicks(db, config, now, limit);
    out.clicks_recorded = clicks.recorded;
    out.clicks_voided = clicks.voided;
    out.queued_messages = std::move(clicks.queued_messages);
    // Expiry and closing: they end the surveys that held others on their address.
    expire_and_close(db, config, now, out);
    // Recurring surveys release today's people as events, before claiming, so a survey
    // they schedule for now goes in this same pass.
    auto recurring = engine::run_schedules(db, config, now, limit);
    out.schedule_events = std::move(recurring.events);
    out.schedule_rejected = std::move(recurring.rejected);
    claim_due_surveys(db, config, now, limit, out);
    send_reminders(db, config, now, limit, out);
    // Weekly target checks: a lookup per targeted step until a week is due to be judged.
    auto targets = watch_targets(db, config, now);
    out.targets_checked = targets.checked;
    out.target_alerts = targets.alerts;
    out.queued_messages.insert(out.queued_messages.end(), targets.queued_messages.begin(),
                               targets.queued_messages.end());
    // Every answer to its staff member, and the digests due (each bounded per pass).
    auto shared = share_answers(db, config, now, limit);
    out.answers_shared = shared.shared;
    out.queued_messages.insert(out.queued_messages.end(), shared.queued_messages.begin(),
                               shared.queued_messages.end());
    auto digests = watch_digests(db, config, now, limit);
    out.digests_made = digests.made;
    out.digests_sent = digests.sent;
    out.queued_messages.insert(out.queued_messages.end(), digests.queued_messages.begin(),
                               digests.queued_messages.end());
    // Retention: once a day, a batch of each kind per pass until nothing is past its age.
    const auto retention = privacy::apply_retention(db, config.retention, now, limit);
    out.retention = retention.removed;
    // Messages queued earlier that were never handed to a channel (the dispatcher's
    // queue was full, or the daemon stopped) are picked up again here.
    // Added to what this pass created (the dispatcher ignores ids it already holds):
    // replacing that list lost every new message beyond the first `limit` queued ones
    // until a later pass, 30 s away.
    std::unordered_set<std::int64_t> seen(out.queued_messages.begin(), out.queued_messages.end());
    const auto waiting = db.queued_messages_due(now, limit);
    out.more_queued = waiting.size() >= static_cast<size_t>(limit);
    for (const auto id : waiting)
        if (seen.insert(id).second) out.queued_messages.push_back(id);
    out.next_due = db.next_due();
    if (recurring.next_due && (!out.next_due || *recurring.next_due < *out.next_due))
        out.next_due = recurring.next_due;
    if (auto escalation = db.next_escalation();
        escalation && (!out.next_due || *escalation < *out.next_due))
        out.next_due = escalation;
    if (retention.more || shared.more || digests.more) out.next_due = now;
    return out;
}

}  // namespace cxgate::scheduler
