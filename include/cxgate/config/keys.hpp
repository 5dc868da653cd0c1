#pragma once
// Every key the loader accepts, one table per kind of YAML mapping. The loader checks each
// mapping against its table (an unknown key is an error with a suggestion), and
// docs/reference.md is checked against the same tables by a unit test, so the reference
// cannot name a key the loader refuses or leave out one it reads.
#include <set>
#include <string>
#include <vector>

namespace cxgate::config {

struct KeyTable {
    std::string id;  // the reference's section marker: `<!-- keys: server -->`
    std::set<std::string> keys;
};

namespace keys {
// cxgate.yaml
extern const KeyTable root, server, database, api_token, defaults, alerts, alert_target,
    alert_route, staff, channel, channel_retry, fatigue, retention, sales, sales_retention, theme,
    digest;
// `outbound_events:` (signed events to a CRM or any receiver)
extern const KeyTable outbound_receiver;
// `sources:` (CRM webhooks mapped to events)
extern const KeyTable source, source_field, source_type_rule, source_type_from;
// Shared by defaults and flows: one `{days, from, to}` send window, a named day off.
extern const KeyTable send_window, day_off;
// A flow file and its steps.
extern const KeyTable flow, step, survey_question, reminder, step_alert, on_waiting, schedule,
    audience, audience_contacts;
// A calendar file (calendars/*.yaml).
extern const KeyTable calendar_file, calendar_day;
}  // namespace keys

// All of the above, for the reference check. A channel's provider keys are in
// channel_schemas() (config.hpp), one table per `type:`.
const std::vector<const KeyTable*>& key_tables();

}  // namespace cxgate::config
