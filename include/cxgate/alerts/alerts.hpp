#pragma once
// Alerts to the people a low score concerns: the staff member the survey was about,
// their team lead (from the staff directory), and named targets such as "#sales-alerts".
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::alerts {

// Where a message to a named person goes: a staff member by id (on the alert channel, by
// email or phone as the channel takes), or an alerts.targets name; in their language.
struct Recipient {
    std::string channel, address;
    std::string locale;  // empty: defaults.locale
};
// None when the name is neither, or the person has no address on that channel.
std::optional<Recipient> recipient_named(const config::Config& config, const std::string& name);

// The step's rule, if the survey has a score and the step (still) has an alert, or an
// alerts.routes entry with `when` that matches the survey.
bool should_alert(const config::Config& config, const store::SurveyRow& survey);

// Does the route concern this survey (its flow, step, team, segment and metric)? Its `when`
// is not read here.
bool route_matches(const config::Config& config, const config::AlertRoute& route,
                   const store::SurveyRow& survey);

// Everyone the survey's alert reaches: the step's notify when its rule matched, and the notify
// of each alerts.routes entry that concerns the survey (its `when` matched, or it has none),
// each address once, in order. Names that reach no one (a staff member without email, a
// survey without a lead) are added to `skipped`.
std::vector<Recipient> alert_recipients(const config::Config& config,
                                        const store::SurveyRow& survey,
                                        std::vector<std::string>* skipped);

// One queued message per resolvable recipient; unresolvable ones (a staff member with
// no email) are skipped and logged by the caller through `skipped`. `alert` is what the
// template may say of the alert (its link, its escalation level).
std::vector<store::MessageRow> alert_messages(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds now,
                                              std::vector<std::string>* skipped,
                                              const templates::AlertFields& alert = {});
// The alert message for one recipient.
store::MessageRow alert_message(const config::Config& config, const store::SurveyRow& survey,
                                const Recipient& to, const templates::AlertFields& alert,
                                store::Seconds now);

// The alert's page (GET/POST /a/{token}): the link in every message of the alert, the only
// credential its page needs; valid links::kAlertLinkLifetime from `now`.
std::string alert_link(const config::Config& config, const std::string& link_secret,
                       std::int64_t alert_id, store::Seconds now);

// Opens the survey's alert (store::AlertRow, escalating after alerts.escalate_after of
// business time when set), queues its messages with the alert's link and marks its alert
// sent; the caller saves the survey
// in the same job, so the alert and its record commit together. Every path that alerts
// (a reply, the answer page, a settled click, a late reason's deadline, a superseded
// survey) comes here. Returns the queued message ids (the dispatcher is told of them).
std::vector<std::int64_t> send_alert(store::Store& db, const config::Config& config,
                                     store::SurveyRow& survey, store::Seconds now);

// What someone did with an alert: acknowledged it (on it), or resolved it with what was
// done. `by` names them (the page asks; the API takes it from the caller).
struct Handling {
    enum class Action { acknowledge, resolve };
    Action action = Action::acknowledge;
    std::string by;
    std::string resolution;  // resolve: called_back, solved, no_action
    std::string note;
};
// The resolutions a resolve may name, in the order pages offer them.
const std::vector<std::string>& resolutions();

struct HandlingResult {
    std::optional<store::AlertRow> alert;  // as saved (or as it was, when nothing changed)
    std::string error;                     // why nothing was done; empty when done
    bool not_found = false;
};
// Acknowledging an acknowledged alert, or resolving a resolved one, changes nothing and is
// not an error (two people clicked); acknowledging a resolved one is. A resolution queues
// alert.resolved for the outbound receivers of `config` (alerts/outbound_events.hpp).
HandlingResult handle_alert(store::Store& db, const config::Config& config, std::int64_t alert_id,
                            const Handling& handling, store::Seconds now);

// Answering the customer from the alert: the staff member's text goes on the survey's
// channel to the customer's address (kind "reply", on the survey's thread), and an open
// alert counts as acknowledged by them. Refused (error) for an anonymous or erased survey,
// an opted-out address, or a text too long for the channel.
struct CustomerAnswer {
    std::string by;
    std::string text;
};
struct CustomerAnswerResult {
    std::optional<store::AlertRow> alert;
    std::optional<std::int64_t> message_id;  // the queued answer: tell the dispatcher
    std::string error;
    bool not_found = false;
};
CustomerAnswerResult answer_customer(store::Store& db, const config::Config& config,
                                     std::int64_t alert_id, const CustomerAnswer& answer,
                                     store::Seconds now);
// Why the customer cannot be answered on this survey; empty when they can.
std::string why_not_answerable(store::Store& db, const config::Config& config,
                               const store::SurveyRow& survey);
// The starting points the page offers: templates/<locale>/reply-<name>.txt rendered for the
// survey in the customer's locale (else the default's), by name ("callback" for
// reply-callback.txt), in name order.
struct ReplyDraft {
    std::string name, text;
};
std::vector<ReplyDraft> reply_drafts(const config::Config& config, const store::SurveyRow& survey);

// Open alerts whose escalation is due go one level up: to the lead of whoever had it last
// (the survey's staff member first), then to alerts.managers once; each level waits
// alerts.escalate_after of business time again. Returns the queued message ids.
std::vector<std::int64_t> escalate_due(store::Store& db, const config::Config& config,
                                       store::Seconds now);

// When an alert opened at `from` escalates, in the survey's flow's business time.
std::optional<store::Seconds> escalation_time(const config::Config& config,
                                              const store::SurveyRow& survey, store::Seconds from);

}  // namespace cxgate::alerts
