#pragma once
// The validated, immutable configuration: cxgate.yaml plus flows/*.yaml plus the
// templates directory. A running daemon holds one shared_ptr<const Config> and swaps
// it on reload; surveys keep the flow version they were created with.
#include <chrono>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cxgate/config/condition.hpp"
#include "cxgate/config/diagnostics.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::config {

// sms and email reach customers (and staff, by their phone or email); chat is a room or an
// HTTP receiver (Slack, Teams, a signed webhook) whose URL decides where a message goes, so
// it carries staff alerts only and is never chosen for a survey.
enum class ChannelKind { sms, email, chat };
std::string to_string(ChannelKind kind);

// Retry policy for temporary failures (connection errors, timeouts, 429, 5xx).
struct RetryPolicy {
    int max_attempts = 5;
    timing::Delay base_delay{timing::Delay::Unit::seconds, 30};
    timing::Delay max_delay{timing::Delay::Unit::hours, 1};
};

struct ChannelConfig {
    std::string name;  // key under channels:, used in flows and webhook paths
    std::string type;  // sandbox, twilio, vonage, kannel, http, smtp, sendgrid, mailgun, postmark,
                       // slack, teams, webhook
    ChannelKind kind = ChannelKind::sms;
    std::string from;        // sender number or address
    std::string from_name;   // email display name
    std::string reply_to;    // email Reply-To
    int max_segments = 2;    // SMS: `cxgate check` warns above this
    double rate = 10;        // messages per second (token bucket)
    int burst = 10;          // bucket size
    int max_concurrent = 8;  // requests in flight
    RetryPolicy retry;
    // After a send, a bounce or undelivered report within this window sends the survey
    // on the step's next channel.
    timing::Delay failover_window{timing::Delay::Unit::hours, 24};
    std::map<std::string, std::string> settings;  // provider settings, ${ENV} expanded

    const std::string& setting(const std::string& key) const;  // "" when absent
};

// Channel types and the settings each takes; `secret` ones must come from ${ENV}.
struct ChannelSchema {
    ChannelKind kind;
    std::vector<std::string> required;
    std::vector<std::string> optional;
    std::vector<std::string> secrets;
};
const std::map<std::string, ChannelSchema>& channel_schemas();

// Where an alert goes: a staff member (resolved per survey) or a named target.
struct AlertTarget {
    std::string name;     // "team-lead", "#sales-alerts"
    std::string channel;  // channel used to deliver
    // email or phone; empty for team-lead (resolved from staff) and on a chat channel, whose
    // URL decides the room
    std::string address;
    std::string locale;  // the alert's language there; empty: defaults.locale
};

struct StaffMember {
    std::string id;
    std::string name;
    std::string email;
    std::string phone;
    std::string lead;    // staff id of the team lead
    std::string locale;  // the language of their alerts and digests; empty: defaults.locale
};

// Every answer shown to the staff member it concerns, not only the low ones that alert
// (`share_answers:` on a flow or a step): `immediately` queues a short message with the score
// and the comment to the survey's staff member on the alert channel; `digest` lists every
// answer (not only those with a comment) in the staff member's digest; `off` (the default)
// neither. Never on an anonymous flow: one answer shown alone would name who gave it.
enum class ShareAnswers { off, immediately, digest };
std::string to_string(ShareAnswers share);

// A digest (`digests: { weekly: {...} }`): each recipient's figures of the period before
// (n, margin of error, change against the period before that), its comments and the open
// alerts, once per period at a local time, by email (text and HTML) or to a chat room.
struct Digest {
    enum class Every { day, week };
    std::string name;  // the key under digests:; with the period it makes a digest unique
    Every every = Every::week;
    int weekday = 0;         // week: the day it goes, 0 = Monday
    int at_minute = 8 * 60;  // local time of day
    std::string timezone;    // defaults.timezone unless written
    bool business_days_only = true;
    // "staff" (each staff member their own), "team-lead" (each lead their team), or staff ids
    // (that person: their own, and their team's when they lead one).
    std::vector<std::string> to{"staff", "team-lead"};
    std::string channel;        // empty: alerts.channel, to each person's email
    timing::Calendar calendar;  // the defaults' holiday calendars and extra days off
    int line = 0;
};
std::string to_string(Digest::Every every);

struct AlertRule {
    std::string expression;  // as written: "score <= 2"
    std::string op;          // <, <=, >, >=, ==, !=
    int threshold = 0;
    std::vector<std::string> notify;  // "staff", "team-lead", or a target name
    bool matches(int score) const;
};

// alerts.routes: who else hears of an alert, by what the survey was about. A route matches a
// survey when every field it names matches (a list: any of its values); an empty field matches
// anything. With `when` it raises an alert of its own (a step without an alert rule, or a
// score the step's rule lets pass); without, it only adds recipients to alerts raised.
struct AlertRoute {
    std::vector<std::string> flows, steps, teams, segments, metrics;
    std::optional<AlertRule> when;
    std::vector<std::string> notify;  // "staff", "team-lead", staff ids, alerts.targets names
    // Staff and leads are reached on this channel (email or sms) instead of alerts.channel.
    std::string channel;
    int line = 0;  // where it is written, for `cxgate check` and logs
};

struct Reminder {
    timing::Delay after;
    int max = 0;
};

// One question of a step's survey. A step asks one to three in sequence (e.g. CES 1-5, then
// the yes/no "did we make it easy?"), then its "why?"; each is recorded and reported on its
// own. The first is the step's headline: its alert rule reads the first question's score.
struct Question {
    std::string id;  // names it in reports; "q1", "q2", "q3" unless written
    metrics::Metric metric = metrics::Metric::csat;
    metrics::Scale scale{1, 5};
    bool low_is_good = false;
    // The message that asks it, templates/<locale>/<name>.txt; empty: the metric's
    // (csat.txt). A locale without the named file falls back to the metric's own there.
    std::string template_name;
    int line = 0, column = 0;
};

// What a due survey does when an older one on the same address still awaits its answer
// (a score, a further question or its "why?"). supersede: the older one is closed as
// `superseded` and this one goes (a later reply goes to the newest survey); wait: this one
// waits at most `wait_max` for the older one, then supersedes it; skip: this one is dropped.
enum class OnWaiting { supersede, wait, skip };

// A step's targets (`target: { nps: 40, notify: [s-1, "#sales-alerts"] }`): each names one
// of the step's metrics and the figure to reach (NPS/eNPS points, CSAT % satisfied, CES
// mean on the question's scale). Reports show the figure against it; each Monday at 08:00
// in the flow's zone the week before is checked, and `notify` (else alerts.managers) hears
// when its figure missed the target or fell against the four weeks before it by more than
// the margin of error.
struct StepTarget {
    metrics::Metric metric = metrics::Metric::nps;
    int question = 0;  // the first of the step's questions with this metric
    double value = 0;
};
struct StepTargets {
    std::vector<StepTarget> figures;
    std::vector<std::string> notify;  // staff ids or alerts.targets names; empty: managers
    int min_answers = 5;              // a week with fewer answers is not judged
};

struct Step {
    std::string id;
    std::vector<std::string> on;  // event types
    // `if:` evaluated over the event; false suppresses the survey with reason `condition`.
    std::optional<Condition> condition;
    // Event types that cancel this step's pending (scheduled, not yet sent) surveys for the
    // same contact or the same deal.
    std::vector<std::string> cancel_on;
    std::optional<int> at_minute;  // `at: "10:00"`, local time of day
    int priority = 0;              // the flow's unless the step says otherwise
    // Arbitration window: a survey of this step beats lower-priority surveys for the same
    // contact or deal due within this much of it. The flow's unless the step says otherwise.
    std::optional<timing::Delay> arbitration;
    std::vector<Question> questions{Question{}};  // one to three; never empty
    std::vector<std::string> channels;            // in order of preference
    timing::Delay delay;
    std::optional<Reminder> reminder;
    timing::Delay expires;
    bool follow_up_why = false;
    std::optional<AlertRule> alert;
    std::optional<StepTargets> targets;
    // Repeats of this step for one contact: at most one survey per this much (the flow's
    // `recontact` unless the step says otherwise). Other steps of the flow never count.
    std::optional<timing::Delay> recontact;
    OnWaiting on_waiting = OnWaiting::supersede;
    ShareAnswers share_answers = ShareAnswers::off;          // the flow's unless the step says
    timing::Delay wait_max{timing::Delay::Unit::hours, 24};  // on_waiting: { wait: ... }
    int line = 0;                                            // where the step starts, for messages

    const Question& first() const { return questions.front(); }
};

// One person of a recurring survey's audience, from a contact list file (CSV with a
// header, or JSON lines): the `contact` of the events the schedule makes.
struct AudienceMember {
    std::string id;  // contact id; the phone, else the email, when the list gives none
    std::string phone, email, name, locale, timezone, segment;
    std::string staff_id;  // who hears about the answer (the employee's lead, the advisor)
    int line = 0;          // in the list file
};

// A recurring relationship survey (`schedule:` in a flow): each period (a week, a month, a
// quarter or a year from `start`) every person of the audience gets an event of type
// `schedule`, released at most `per_day` a day on the days the flow's send window opens,
// so a quarterly NPS to 5,000 customers spreads over the first weeks of the quarter. The
// events go through the same planning as any other (windows, calendars, recontact, fatigue,
// opt-out), and their ids ("schedule:<flow>:<period>:<contact>") make each person's survey
// once per period whatever restarts or reloads happen.
struct Schedule {
    enum class Every { week, month, quarter, year };
    Every every = Every::month;
    int count = 1;           // every 2 weeks: count 2
    date::sys_days start{};  // the first period's local date
    int at_minute = 0;       // local time of day the period opens
    int per_day = 0;         // released per sending day; 0: everyone on the first day
    // The audience: a contact list file, or the contacts cxgate already knows (from events
    // and CRM sources), optionally only these segments and only those seen recently.
    std::string list_file;                // as written (relative to cxgate.yaml)
    std::vector<AudienceMember> members;  // the list's people, sorted by id
    bool known_contacts = false;
    std::vector<std::string> segments;
    std::optional<timing::Delay> seen_within;
    int line = 0;
};
std::string to_string(Schedule::Every every);

struct Flow {
    std::string name;
    std::string file;
    std::string version;  // content hash of the file; surveys record it
    std::string timezone;
    timing::SendWindow send_window;
    std::optional<timing::Delay> recontact;  // the default of its steps' `recontact`
    int priority = 0;
    std::optional<timing::Delay> arbitration;
    // Names of the calendars merged into `calendar` ("fi", "fi+company"); empty: none.
    std::string calendar_name;
    timing::Calendar calendar;  // holidays of the named calendars + extra days off
    std::optional<Schedule> schedule;
    // eNPS and other surveys of people who must not be named in their answers: once a
    // survey closes nothing links its answer to the person, alerts name nobody, and groups
    // of fewer than kAnonymousMinimum answers are not shown (store/personal_data.hpp).
    bool anonymous = false;
    ShareAnswers share_answers = ShareAnswers::off;  // the default of its steps'
    std::vector<Step> steps;
    const Step* find_step(const std::string& id) const;
};

// Reports leave out a cell of an anonymous flow with fewer answers than this.
inline constexpr int kAnonymousMinimum = 5;

// A CRM webhook source (cxgate.yaml `sources:`): how to turn its body into an event.
// The parsing and the mapping live in config/sources.cpp and engine/source_mapping.cpp.
struct FieldMapping {
    std::string target;     // event field: "id", "contact.phone", "attributes.amount"
    std::string path;       // body path: "current.person_id", "person.phone[0].value"
    std::string constant;   // used when path is empty ("=fi" in YAML)
    bool required = false;  // "id", "type" and paths written with a trailing "!"
    int line = 0, column = 0;
};

struct TypeRule {
    std::string type;   // the cxgate event type
    std::string path;   // "current.status"; empty: always
    std::string op;     // "==", "!=", "exists"
    std::string value;  // compared as a string
    int line = 0, column = 0;
};

struct Source {
    std::string name;
    std::string secret;           // per-source shared secret (${ENV}), header or ?secret=
    std::string secret_header;    // default X-Cxgate-Secret
    std::vector<TypeRule> types;  // first match wins; no match: 202 ignored
    std::vector<FieldMapping> fields;
    std::string file;
    int line = 0;
};

struct Defaults {
    std::string timezone = "Europe/Helsinki";
    std::string locale = "fi";
    std::vector<std::string> locales{"fi", "sv", "en"};
    std::string region = "FI";  // phone numbers without +country
    timing::SendWindow send_window;
    std::vector<std::string> calendars;        // calendar names for flows naming none
    std::set<date::sys_days> extra_days_off;   // company days off, in every flow
    std::optional<timing::Delay> arbitration;  // for flows that set none
    timing::Delay expires{timing::Delay::Unit::days, 7};
    timing::Delay comment_window{timing::Delay::Unit::hours, 24};
    // A low score waits this long for its "why?" before the alert goes out without it.
    timing::Delay alert_comment_wait{timing::Delay::Unit::minutes, 15};
    // An email score link's click counts once this long has passed with no click of
    // another score for the same survey around it (see http/answer_page.hpp). Elapsed time.
    std::chrono::seconds click_settle{60};
};

// Which event types are sales outcomes, for reports of experience beside sales: a lead (a
// booking), a deal won, a deal lost. An event of one of them is kept with its deal, staff,
// segment and value (report/sales.hpp).
struct Sales {
    std::vector<std::string> leads{"booking.created"};
    std::vector<std::string> won{"deal.won"};
    std::vector<std::string> lost{"deal.lost"};
    // Retention: a won customer "returned" when an event of one of these types (a renewal,
    // a second product) came for the same contact within `within_days` after the win.
    // Read from the events kept, so types added later count for the past too.
    struct Retention {
        std::vector<std::string> events;  // empty: no retention report
        int within_days = 365;
    } retention;
    // "lead", "won", "lost", or empty for any other type.
    std::string kind_of(const std::string& event_type) const;
};

// A theme of the "why?" comments ("waiting", "price"): its keywords per locale (fi, sv,
// en), lower-case. Finnish keywords are base forms matched against each word's base forms
// (Voikko); Swedish and English ones match words that start with them (report/themes.hpp).
struct Theme {
    std::string name;
    std::map<std::string, std::vector<std::string>> keywords;
};

// The budget across flows: at most `max` flows survey one contact in any `per` (counted
// from sends and from surveys already scheduled, never from events). The steps of one
// flow are one designed journey and count once: fatigue never holds back a flow's own
// next step, only another flow.
struct Fatigue {
    int max = 1;
    timing::Delay per{timing::Delay::Unit::days, 14};
};

// How long each kind of personal data is kept (`retention:`), in seconds of age; empty:
// kept until erased. Applied once a day by the scheduler (privacy/retention.hpp).
struct Retention {
    std::optional<std::int64_t> events;    // an event's row, payload and all, by when received
    std::optional<std::int64_t> messages;  // a finished message (address, text), by creation
    std::optional<std::int64_t> comments;  // a survey's "why?" comment (the score stays)
    std::optional<std::int64_t> inbound;   // a reply as received (sender, text)
    std::optional<std::int64_t> audit;     // a row of the privacy audit
    bool any() const { return events || messages || comments || inbound || audit; }
};

// One receiver of outbound events (`outbound_events:`): survey.answered, survey.commented,
// alert.opened and alert.resolved, posted to `url` with cxgate's signed-webhook headers
// (channels/signatures.hpp) from a durable outbox (alerts/outbound_events.hpp). Keyed by
// name: the outbox rows, the log and `cxgate check` say which receiver.
struct OutboundReceiver {
    std::string name;
    std::string url;     // http(s); may come from ${ENV} when it carries a token
    std::string secret;  // ${ENV}, at least 16 characters: signs every post
    // The event types it takes; all four unless the file narrows them.
    std::set<std::string> events;
    std::set<std::string> flows;  // empty: every flow
    int line = 0;
    bool wants(const std::string& type, const std::string& flow) const {
        return events.count(type) && (flows.empty() || flows.count(flow));
    }
};

// The event types an outbound receiver may take, in the order of a survey's life.
const std::vector<std::string>& outbound_event_types();

// What one request and one client may take, so nobody can lock everyone else out
// (http/server.hpp says how the bounds are enforced).
struct ServerConfig {
    std::string listen = "127.0.0.1:8080";
    std::string public_url = "http://127.0.0.1:8080";
    size_t max_body_bytes = 64 * 1024;
    size_t max_connections = 1024;
    // Connections from one client address (an IPv6 client's /64). 0: no such bound, for a
    // daemon behind a reverse proxy, where every connection comes from the proxy.
    size_t max_connections_per_address = 128;
    // A request's head must be complete this long after its first byte.
    std::chrono::seconds header_timeout{10};
    // A connection with no request under way (new, or kept alive after an answer) is
    // closed after this long; before that, when the server is at a bound, to make room.
    std::chrono::seconds idle_timeout{15};
    // On SIGTERM, how long requests and provider sends in flight may take to finish before
    // the daemon stops anyway. Below systemd's TimeoutStopSec (20 s in our unit), or
    // systemd kills the daemon first.
    std::chrono::seconds shutdown_grace{10};
};

struct StoreConfig {
    std::string path = "var/cxgate.db";
    // Jobs from HTTP requests waiting for the writer; one more is answered 503 with
    // Retry-After. Below server.max_connections, since a connection has at most one job
    // waiting: otherwise the connection bound is reached first and overload shows up as
    // refused connections instead. The daemon's own work (scheduler, dispatcher) has a
    // reserve beyond this bound (store::DbThread), so a burst of requests never starves it.
    size_t write_queue = 512;
    size_t max_batch = 512;  // jobs per group commit
    // A bound on the database file ("2GB"): writes past it are refused with 503, as on a
    // full disk, rather than filling the disk the system needs. Raised by a reload.
    std::optional<std::uint64_t> max_size;
};

// What an API token may do. `ingest`: post events and the sandbox's replies; `read`: surveys,
// responses and every report; `admin`: change markers, a person's data (export, erasure)
// and the test clock. A token written
// as a plain "${ENV}" may do all three, as every token could before scopes.
enum class Scope : unsigned { ingest = 1, read = 2, admin = 4 };
inline constexpr unsigned kAllScopes = 7;
std::string_view to_string(Scope scope);

// A token is checked by its SHA-256 only: the daemon compares the digest of what a request
// presents with each token's, so a token configured as `sha256:` (its digest, not the
// token) never exists in the daemon's memory or environment at all.
struct ApiToken {
    std::string value;   // the token, when given by ${ENV} (the CLI calls the daemon with it)
    std::string sha256;  // lower-case hex digest of the token
    unsigned scopes = kAllScopes;
    bool allows(Scope scope) const { return (scopes & static_cast<unsigned>(scope)) != 0; }
    static ApiToken from_value(std::string value, unsigned scopes = kAllScopes);
};

struct Config {
    std::string file;      // cxgate.yaml path
    std::string base_dir;  // relative paths resolve against this
    std::string version;   // hash over all files that make up this config
    ServerConfig server;
    StoreConfig store;
    std::vector<ApiToken> api_tokens;
    Defaults defaults;
    std::map<std::string, ChannelConfig> channels;
    std::map<std::string, AlertTarget> alert_targets;
    std::map<std::string, StaffMember> staff;
    std::string alert_channel;  // channel used for staff alerts (email)
    // Who hears of a weekly figure that missed its target (alerts.managers): staff ids or
    // alerts.targets names, for steps whose target names no one.
    std::vector<std::string> alert_managers;
    // alerts.escalate_after: an alert nobody acknowledged within this much business time
    // goes to the staff member's lead, then to each next lead, then to alerts.managers.
    std::optional<std::chrono::seconds> alert_escalate_after;
    std::vector<AlertRoute> alert_routes;  // in the order written
    std::string flows_dir;
    std::string templates_dir;
    std::string calendars_dir;  // <name>.yaml holiday calendars
    std::optional<Fatigue> fatigue;
    Retention retention;
    Sales sales;
    std::vector<Theme> themes;  // in the order the file lists them
    std::map<std::string, Digest> digests;
    std::vector<Flow> flows;
    std::map<std::string, std::string> templates;  // "fi/nps.txt" -> source
    std::map<std::string, Source> sources;         // CRM webhooks: POST /v1/events/{name}
    std::map<std::string, OutboundReceiver> outbound_receivers;  // `outbound_events:`
    // Flows of earlier configurations, keyed "name@version", kept across reloads so a
    // survey goes on with the flow version it was created with (see flow_versions.hpp).
    std::map<std::string, std::shared_ptr<const Flow>> retired_flows;

    const Flow* find_flow(const std::string& name) const;
    // The language a staff member or alerts.targets name reads: their own, else the default.
    const std::string& locale_of(const std::string& recipient) const;
    // The team of a staff member: their lead's id; a lead (no lead of their own) leads their
    // own team; "" for someone not in the staff list.
    std::string team_of(const std::string& staff_id) const;
    // The staff ids whose team is `team` (the lead included when they lead their own).
    std::vector<std::string> team_members(const std::string& team) const;
    // The definition a survey was created with: see flow_versions.hpp.
    const Flow* flow_for(const std::string& name, const std::string& version) const;
    const ChannelConfig* find_channel(const std::string& name) const;
    // The first channel of the given kind, for commands such as `cxgate reply`.
    const ChannelConfig* first_channel(ChannelKind kind) const;
};

struct LoadResult {
    std::shared_ptr<const Config> config;  // null when diagnostics has errors
    Diagnostics diagnostics;
};

// What a command needs of the configuration. The daemon (`serve`, and `check`, which
// vouches for it) needs every secret. Commands that read the database or talk to a running
// daemon (report, outbox, reply, event, import, simulate) do not: on a server the secrets
// sit in the unit's EnvironmentFile, readable by root only, and an operator reading a
// report should not need them. Without need_secrets an unset ${ENV} is left empty (no
// error), and api_tokens and secret lengths are not checked; everything else is, so a
// configuration `serve` would refuse for any other reason is still refused.
struct LoadOptions {
    bool need_secrets = true;
};

// Reads cxgate.yaml, every flows/*.yaml and templates/, validates all of it and
// reports every problem found in one pass, each with file:line:column.
LoadResult load(const std::string& config_file, const LoadOptions& options = {});

}  // namespace cxgate::config
