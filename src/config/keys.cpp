#include "cxgate/config/keys.hpp"

namespace cxgate::config {

namespace keys {

const KeyTable root{"root",
                    {"server", "database", "api_tokens", "defaults", "channels", "alerts", "staff",
                     "flows_dir", "templates_dir", "sources", "calendars_dir", "fatigue", "sales",
                     "themes", "retention", "outbound_events", "digests"}};
const KeyTable server{
    "server",
    {"listen", "public_url", "max_body_bytes", "max_connections", "max_connections_per_address",
     "header_timeout", "idle_timeout", "shutdown_grace"}};
const KeyTable database{"database", {"path", "write_queue", "max_batch", "max_size"}};
const KeyTable api_token{"api_token", {"token", "sha256", "scopes"}};
const KeyTable defaults{
    "defaults",
    {"timezone", "locale", "locales", "region", "send_window", "expires", "comment_window",
     "alert_comment_wait", "click_settle", "calendar", "extra_days_off", "arbitration"}};
const KeyTable alerts{"alerts", {"channel", "targets", "managers", "escalate_after", "routes"}};
const KeyTable alert_target{"alert_target", {"channel", "address", "locale"}};
const KeyTable alert_route{
    "alert_route", {"flow", "step", "team", "segment", "metric", "when", "notify", "channel"}};
const KeyTable staff{"staff", {"id", "name", "email", "phone", "lead", "locale"}};
const KeyTable channel{"channel",
                       {"type", "kind", "from", "from_name", "reply_to", "max_segments", "rate",
                        "burst", "max_concurrent", "retry", "failover_window"}};
const KeyTable channel_retry{"channel_retry", {"max_attempts", "base_delay", "max_delay"}};
const KeyTable fatigue{"fatigue", {"max", "per"}};
const KeyTable retention{"retention", {"events", "messages", "comments", "inbound", "audit"}};
const KeyTable sales{"sales", {"leads", "won", "lost", "retention"}};
const KeyTable sales_retention{"sales_retention", {"events", "within"}};
const KeyTable theme{"theme", {"fi", "sv", "en"}};
const KeyTable outbound_receiver{"outbound_receiver", {"url", "secret", "events", "flows"}};
const KeyTable digest{"digest", {"every", "at", "timezone", "business_days_only", "to", "channel"}};

const KeyTable source{"source", {"secret", "secret_header", "types", "type_from", "fields"}};
const KeyTable source_field{"source_field", {"const", "path", "optional"}};
const KeyTable source_type_rule{"source_type_rule", {"type", "when"}};
const KeyTable source_type_from{"source_type_from", {"path", "map"}};

const KeyTable send_window{"send_window", {"days", "from", "to", "holidays"}};
const KeyTable day_off{"day_off", {"date", "name"}};

const KeyTable flow{
    "flow",
    {"flow", "timezone", "send_window", "recontact", "steps", "description", "calendar",
     "extra_days_off", "priority", "arbitration", "schedule", "anonymous", "share_answers"}};
const KeyTable step{"step",
                    {"id", "on", "survey", "template", "channel", "delay", "follow_up", "alert",
                     "reminder", "expires", "if", "cancel_on", "at", "priority", "arbitration",
                     "recontact", "on_waiting", "target", "share_answers"}};
const KeyTable survey_question{"survey_question",
                               {"id", "metric", "scale", "low_is_good", "template"}};
const KeyTable reminder{"reminder", {"after", "max"}};
const KeyTable step_alert{"step_alert", {"when", "notify"}};
const KeyTable on_waiting{"on_waiting", {"wait"}};
const KeyTable schedule{"schedule", {"every", "start", "at", "per_day", "audience"}};
const KeyTable audience{"audience", {"contacts"}};
const KeyTable audience_contacts{"audience_contacts", {"segment", "seen_within"}};

const KeyTable calendar_file{"calendar_file", {"calendar", "name", "days"}};
const KeyTable calendar_day{"calendar_day", {"date", "name"}};

}  // namespace keys

const std::vector<const KeyTable*>& key_tables() {
    using namespace keys;
    static const std::vector<const KeyTable*> all{&root,
                                                  &server,
                                                  &database,
                                                  &api_token,
                                                  &defaults,
                                                  &alerts,
                                                  &alert_target,
                                                  &alert_route,
                                                  &staff,
                                                  &channel,
                                                  &channel_retry,
                                                  &fatigue,
                                                  &retention,
                                                  &sales,
                                                  &sales_retention,
                                                  &theme,
                                                  &outbound_receiver,
                                                  &digest,
                                                  &source,
                                                  &source_field,
                                                  &source_type_rule,
                                                  &source_type_from,
                                                  &send_window,
                                                  &day_off,
                                                  &flow,
                                                  &step,
                                                  &survey_question,
                                                  &reminder,
                                                  &step_alert,
                                                  &on_waiting,
                                                  &schedule,
                                                  &audience,
                                                  &audience_contacts,
                                                  &calendar_file,
                                                  &calendar_day};
    return all;
}

}  // namespace cxgate::config
