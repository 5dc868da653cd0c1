// The schema's migrations (migrations.hpp), one entry per version.
#include "migrations.hpp"

#include "rollups_schema.hpp"

namespace cxgate::store::detail {

// A function-local static: database.cpp reads it during its own static initialisation
// order as well as later.
const std::vector<std::string>& migrations() {
    // Each entry moves the schema from version i to i+1. Never edit a released entry;
    // append a new one.
    static const std::vector<std::string> all = {
        // 1: events, contacts, surveys, messages, inbound replies, opt-outs.
        R"sql(
CREATE TABLE events (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  contact_id  TEXT NOT NULL,
  body        TEXT NOT NULL
);
CREATE TABLE contacts (
  id         TEXT PRIMARY KEY,
  phone      TEXT,
  email      TEXT,
  name       TEXT,
  locale     TEXT,
  timezone   TEXT,
  segment    TEXT,
  updated_at INTEGER NOT NULL
);
CREATE TABLE surveys (
  id              INTEGER PRIMARY KEY,
  event_id        TEXT NOT NULL,
  event_type      TEXT NOT NULL,
  flow            TEXT NOT NULL,
  flow_version    TEXT NOT NULL,
  step            TEXT NOT NULL,
  metric          TEXT NOT NULL,
  scale_min       INTEGER NOT NULL,
  scale_max       INTEGER NOT NULL,
  low_is_good     INTEGER NOT NULL,
  follow_up_why   INTEGER NOT NULL,
  contact_id      TEXT NOT NULL,
  contact_name    TEXT,
  locale          TEXT NOT NULL,
  segment         TEXT,
  staff_id        TEXT,
  staff_name      TEXT,
  staff_email     TEXT,
  staff_phone     TEXT,
  channels        TEXT NOT NULL,
  channel         TEXT,
  address         TEXT,
  state           TEXT NOT NULL,
  reason          TEXT,
  due_at          INTEGER,
  expires_at      INTEGER,
  sent_at         INTEGER,
  answered_at     INTEGER,
  commented_at    INTEGER,
  closed_at       INTEGER,
  score           INTEGER,
  comment         TEXT,
  retries         INTEGER NOT NULL DEFAULT 0,
  reminders_sent  INTEGER NOT NULL DEFAULT 0,
  reminders_max   INTEGER NOT NULL DEFAULT 0,
  next_reminder_at INTEGER,
  comment_until   INTEGER,
  alert_state     TEXT NOT NULL DEFAULT 'none',
  alert_due_at    INTEGER,
  created_at      INTEGER NOT NULL,
  updated_at      INTEGER NOT NULL
);
CREATE INDEX surveys_by_event ON surveys(event_id);
CREATE INDEX surveys_by_due ON surveys(state, due_at);
CREATE INDEX surveys_by_address ON surveys(address, state);
CREATE INDEX surveys_by_contact ON surveys(contact_id, flow);
CREATE TABLE messages (
  id          INTEGER PRIMARY KEY,
  survey_id   INTEGER REFERENCES surveys(id),
  kind        TEXT NOT NULL,
  channel     TEXT NOT NULL,
  address     TEXT NOT NULL,
  locale      TEXT,
  subject     TEXT,
  body        TEXT NOT NULL,
  state       TEXT NOT NULL,
  provider_id TEXT,
  error       TEXT,
  attempts    INTEGER NOT NULL DEFAULT 0,
  created_at  INTEGER NOT NULL,
  sent_at     INTEGER,
  updated_at  INTEGER NOT NULL
);
CREATE INDEX messages_by_state ON messages(state) WHERE state IN ('queued', 'sending');
CREATE INDEX messages_by_survey ON messages(survey_id);
CREATE TABLE inbound (
  id          INTEGER PRIMARY KEY,
  channel     TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  from_addr   TEXT NOT NULL,
  text        TEXT NOT NULL,
  received_at INTEGER NOT NULL,
  survey_id   INTEGER,
  outcome     TEXT NOT NULL,
  UNIQUE (channel, provider_id)
);
CREATE TABLE optouts (
  address      TEXT PRIMARY KEY,
  opted_out_at INTEGER NOT NULL,
  source       TEXT NOT NULL
);
)sql",
        // 2: provider delivery: retries, provider error codes, SMS encoding, status reports
        //    that may arrive before the send's provider id is stored, a per-install secret.
        R"sql(
ALTER TABLE messages ADD COLUMN next_attempt_at INTEGER;
ALTER TABLE messages ADD COLUMN error_code TEXT;
ALTER TABLE messages ADD COLUMN encoding TEXT;
ALTER TABLE messages ADD COLUMN segments INTEGER;
ALTER TABLE messages ADD COLUMN delivered_at INTEGER;
CREATE INDEX messages_by_provider_id ON messages(channel, provider_id);
CREATE TABLE status_reports (
  id          INTEGER PRIMARY KEY,
  channel     TEXT NOT NULL,
  provider_id TEXT NOT NULL,
  status      TEXT NOT NULL,
  error       TEXT,
  received_at INTEGER NOT NULL,
  applied     INTEGER NOT NULL DEFAULT 0,
  UNIQUE (channel, provider_id, status)
);
CREATE TABLE settings (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
)sql",
        // 3: the scheduler's every-pass lookups by time, without scanning every open survey
        //    (each query's WHERE implies its index's, so SQLite can use the partial index).
        R"sql(
CREATE INDEX surveys_by_reminder ON surveys(next_reminder_at)
  WHERE state IN ('sent', 'delivered') AND reminders_sent < reminders_max;
CREATE INDEX surveys_by_expiry ON surveys(expires_at) WHERE state IN ('sent', 'delivered');
CREATE INDEX surveys_by_alert ON surveys(alert_due_at) WHERE alert_state = 'pending';
CREATE INDEX surveys_by_comment ON surveys(comment_until) WHERE state = 'answered';
CREATE INDEX messages_by_retry ON messages(next_attempt_at) WHERE state = 'queued';
)sql",
        // 4: flow rules: the deal a survey belongs to (arbitration, cancel_on), the zone it was
        //    planned in (reminders, re-windowing), the survey a due one waits for (one survey
        //    awaiting an answer per address), and the event that suppressed a pending survey.
        R"sql(
ALTER TABLE surveys ADD COLUMN deal_id TEXT;
ALTER TABLE surveys ADD COLUMN timezone TEXT;
ALTER TABLE surveys ADD COLUMN held_by INTEGER;
ALTER TABLE surveys ADD COLUMN suppressed_by TEXT;
CREATE INDEX surveys_by_deal ON surveys(deal_id, state) WHERE deal_id IS NOT NULL;
CREATE INDEX surveys_by_suppressor ON surveys(suppressed_by) WHERE suppressed_by IS NOT NULL;
)sql",
        // 5: clicks on an email's score links (GET /r/{token}/{score}), pending until they
        //    settle (see http/answer_page.hpp): first and latest click of that score in its
        //    burst, when it settles, and what became of it (pending, recorded, void, closed).
        R"sql(
CREATE TABLE answer_clicks (
  id              INTEGER PRIMARY KEY,
  survey_id       INTEGER NOT NULL REFERENCES surveys(id),
  score           INTEGER NOT NULL,
  clicked_at      INTEGER NOT NULL,
  last_clicked_at INTEGER NOT NULL,
  settle_at       INTEGER NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending',
  decided_at      INTEGER
);
CREATE INDEX answer_clicks_by_survey ON answer_clicks(survey_id, state);
CREATE INDEX answer_clicks_by_settle ON answer_clicks(settle_at) WHERE state = 'pending';
)sql",
        // 6: the funnel as it runs: a step's own message template and up to three questions
        //    per survey (the question awaiting its answer), each answer recorded on its own;
        //    a survey closed because a newer one went to the same address, and how long a due
        //    one waits for an older one (on_waiting: wait). Answers given
        //    before this version are the first question of their survey.
        R"sql(
ALTER TABLE surveys ADD COLUMN template TEXT;
ALTER TABLE surveys ADD COLUMN questions TEXT;
ALTER TABLE surveys ADD COLUMN question INTEGER NOT NULL DEFAULT 0;
ALTER TABLE surveys ADD COLUMN superseded_by INTEGER;
ALTER TABLE surveys ADD COLUMN wait_until INTEGER;
CREATE TABLE answers (
  survey_id   INTEGER NOT NULL REFERENCES surveys(id),
  question    INTEGER NOT NULL,
  question_id TEXT NOT NULL,
  metric      TEXT NOT NULL,
  scale_min   INTEGER NOT NULL,
  scale_max   INTEGER NOT NULL,
  low_is_good INTEGER NOT NULL,
  score       INTEGER NOT NULL,
  answered_at INTEGER NOT NULL,
  PRIMARY KEY (survey_id, question)
);
INSERT INTO answers (survey_id, question, question_id, metric, scale_min, scale_max,
                     low_is_good, score, answered_at)
  SELECT id, 0, 'q1', metric, scale_min, scale_max, low_is_good, score,
         COALESCE(answered_at, updated_at)
  FROM surveys WHERE score IS NOT NULL;
UPDATE surveys SET question = 1 WHERE score IS NOT NULL;
)sql",
        // 7: recurring surveys (a flow's schedule:): per flow and period, how many people of
        //    the audience were released and the last contact id reached (the audience is
        //    walked in id order), so a restart or a reload goes on where the run was.
        R"sql(
CREATE TABLE schedule_runs (
  flow        TEXT NOT NULL,
  period      TEXT NOT NULL,
  opens_at    INTEGER NOT NULL,
  released    INTEGER NOT NULL DEFAULT 0,
  cursor      TEXT NOT NULL DEFAULT '',
  finished_at INTEGER,
  PRIMARY KEY (flow, period)
);
)sql",
        // 8: change markers ("new booking script" on a flow at an instant), for reading results
        //    before and after a change.
        R"sql(
CREATE TABLE marks (
  id         INTEGER PRIMARY KEY,
  flow       TEXT NOT NULL DEFAULT '',
  label      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
CREATE INDEX marks_by_flow ON marks (flow, at);
)sql",
        // 9: sales outcomes as events told them (leads, deals won and lost, with value), for
        //    reports of experience beside sales.
        R"sql(
CREATE TABLE sales_events (
  event_id    TEXT PRIMARY KEY,
  kind        TEXT NOT NULL,
  deal_id     TEXT NOT NULL DEFAULT '',
  staff_id    TEXT NOT NULL DEFAULT '',
  segment     TEXT NOT NULL DEFAULT '',
  timezone    TEXT NOT NULL DEFAULT '',
  occurred_at INTEGER NOT NULL,
  value       REAL,
  currency    TEXT NOT NULL DEFAULT ''
);
CREATE INDEX sales_events_by_time ON sales_events (occurred_at);
CREATE INDEX sales_events_by_deal ON sales_events (deal_id, occurred_at);
)sql",
        // 10: a contact's events by type and time, for retention: did a won customer come back
        //     (a renewal, a second product) within the window.
        R"sql(
CREATE INDEX events_by_contact ON events (contact_id, type, occurred_at);
)sql",
        // 11: weekly target checks, one per flow, step, metric and week, so each week is judged
        //     and alerted once; answers by time, so a week's answers are read without a scan.
        R"sql(
CREATE TABLE target_checks (
  flow       TEXT NOT NULL,
  step       TEXT NOT NULL,
  metric     TEXT NOT NULL,
  week       TEXT NOT NULL,
  checked_at INTEGER NOT NULL,
  n          INTEGER NOT NULL,
  figure     REAL,
  target     REAL NOT NULL,
  outcome    TEXT NOT NULL,
  PRIMARY KEY (flow, step, metric, week)
);
CREATE INDEX answers_by_time ON answers (answered_at);
)sql",
        // 12: daily rollups of answers and sent surveys, kept by triggers, for reports that read
        //     days rather than answers (rollups_schema.hpp); surveys by sent_at.
        detail::rollups_migration(),
        // 13: dashboard users, their sessions (by the cookie's SHA-256) and failed logins per
        //     account and per address (users.hpp); answered surveys newest first, for the
        //     dashboard's lists.
        R"sql(
CREATE TABLE users (
  id                  INTEGER PRIMARY KEY,
  email               TEXT NOT NULL UNIQUE,
  role                TEXT NOT NULL,
  staff_id            TEXT,
  password_hash       TEXT NOT NULL,
  locale              TEXT,
  disabled            INTEGER NOT NULL DEFAULT 0,
  created_at          INTEGER NOT NULL,
  password_changed_at INTEGER NOT NULL
);
CREATE TABLE sessions (
  token_hash   TEXT PRIMARY KEY,
  user_id      INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
  csrf         TEXT NOT NULL,
  created_at   INTEGER NOT NULL,
  last_seen_at INTEGER NOT NULL,
  expires_at   INTEGER NOT NULL
);
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX surveys_by_answered ON surveys (answered_at, id) WHERE score IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
CREATE TABLE login_failures (
  key          TEXT PRIMARY KEY,
  count        INTEGER NOT NULL,
  first_at     INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);
)sql",
        // 14: personal data (personal_data.hpp): one person's rows found by phone, email and
        //     survey without a scan (cxgate forget, export-person); each kind of data by age for
        //     retention; the audit of erasures, exports and retention runs, without the data;
        //     the key of the erased opt-outs' hashes, made here so reading it is never a write;
        //     anonymous surveys (a flow's anonymous: true), unlinked from their person by
        //     triggers once closed, whichever code path closes them: no contact, address,
        //     event, deal or neighbouring survey; the messages to the person and their
        //     replies emptied and detached (an alert, to staff and naming nobody, stays); the
        //     event's
        //     and the replies' times cut to the day, so no join on time
        //     finds them again.
        R"sql(
CREATE INDEX contacts_by_phone ON contacts (phone) WHERE phone IS NOT NULL;
CREATE INDEX contacts_by_email ON contacts (email) WHERE email IS NOT NULL;
CREATE INDEX inbound_by_from ON inbound (from_addr);
CREATE INDEX inbound_by_survey ON inbound (survey_id) WHERE survey_id IS NOT NULL;
CREATE INDEX inbound_by_time ON inbound (received_at);
CREATE INDEX messages_unattached ON messages (address) WHERE survey_id IS NULL;
CREATE INDEX messages_by_created ON messages (created_at);
CREATE INDEX events_by_received ON events (received_at);
CREATE INDEX surveys_by_commented ON surveys (commented_at) WHERE comment IS NOT NULL;
CREATE TABLE privacy_audit (
  id       INTEGER PRIMARY KEY,
  at       INTEGER NOT NULL,
  action   TEXT NOT NULL,
  actor    TEXT NOT NULL,
  selector TEXT NOT NULL,
  counts   TEXT NOT NULL
);
CREATE INDEX privacy_audit_by_time ON privacy_audit (at);
INSERT OR IGNORE INTO settings (key, value) VALUES ('privacy_key', lower(hex(randomblob(32))));
ALTER TABLE surveys ADD COLUMN anonymous INTEGER NOT NULL DEFAULT 0;
CREATE TRIGGER anonymous_unlink AFTER UPDATE ON surveys
WHEN new.anonymous = 1
 AND new.state IN ('commented', 'closed', 'expired', 'superseded', 'opted_out', 'failed',
                   'suppressed')
 AND (new.address IS NOT NULL OR new.contact_id <> 'anonymous' OR new.contact_name IS NOT NULL
      OR new.event_id <> 'anonymous' OR new.deal_id IS NOT NULL OR new.held_by IS NOT NULL
      OR new.superseded_by IS NOT NULL OR new.suppressed_by IS NOT NULL)
BEGIN
  UPDATE events SET contact_id = 'anonymous', body = '{}',
         occurred_at = occurred_at - occurred_at % 86400,
         received_at = received_at - received_at % 86400
   WHERE id = new.event_id;
  UPDATE inbound SET from_addr = '', text = '', survey_id = NULL,
         received_at = received_at - received_at % 86400
   WHERE survey_id = new.id;
  UPDATE messages SET address = '', subject = NULL, body = '', provider_id = NULL,
         survey_id = NULL
   WHERE survey_id = new.id AND kind <> 'alert'
     AND state IN ('sent', 'delivered', 'failed', 'cancelled', 'unknown');
  UPDATE surveys SET contact_id = 'anonymous', contact_name = NULL, address = NULL,
         event_id = 'anonymous', deal_id = NULL, held_by = NULL, superseded_by = NULL,
         suppressed_by = NULL
   WHERE id = new.id;
END;
CREATE TRIGGER anonymous_message_done AFTER UPDATE OF state ON messages
WHEN new.survey_id IS NOT NULL AND new.address <> '' AND new.kind <> 'alert'
 AND new.state IN ('sent', 'delivered', 'failed', 'cancelled', 'unknown')
 AND EXISTS (SELECT 1 FROM surveys s WHERE s.id = new.survey_id AND s.anonymous = 1
             AND s.address IS NULL)
BEGIN
  UPDATE messages SET address = '', subject = NULL, body = '', provider_id = NULL,
         survey_id = NULL
   WHERE id = new.id;
END;
CREATE TRIGGER anonymous_inbound AFTER INSERT ON inbound
WHEN new.survey_id IS NOT NULL
 AND EXISTS (SELECT 1 FROM surveys s WHERE s.id = new.survey_id AND s.anonymous = 1
             AND s.address IS NULL)
BEGIN
  UPDATE inbound SET from_addr = '', text = '', survey_id = NULL,
         received_at = received_at - received_at % 86400
   WHERE id = new.id;
END;
)sql",
        // 15: alerts as staff handle them (alerts.hpp): one per survey that alerted, acknowledged
        //     and resolved by someone, escalated while open; open ones by when they escalate.
        R"sql(
CREATE TABLE alerts (
  id              INTEGER PRIMARY KEY,
  survey_id       INTEGER NOT NULL UNIQUE,
  state           TEXT NOT NULL CHECK (state IN ('open', 'acknowledged', 'resolved')),
  opened_at       INTEGER NOT NULL,
  acknowledged_at INTEGER,
  acknowledged_by TEXT,
  resolved_at     INTEGER,
  resolved_by     TEXT,
  resolution      TEXT,
  note            TEXT,
  level           INTEGER NOT NULL DEFAULT 0,
  escalate_at     INTEGER
);
CREATE INDEX alerts_to_escalate ON alerts (escalate_at)
  WHERE state = 'open' AND escalate_at IS NOT NULL;
CREATE INDEX alerts_by_opened ON alerts (opened_at);
)sql",
        // 16: the email a sandbox channel built for a message (delivered_emails.hpp), kept so
        //     `cxgate outbox --html` shows it as sent. It holds the person's data as its message
        //     does and goes with the message row: deleted with it (erasure, retention: the
        //     foreign key cascades) and when the row's address is wiped (an erasure while the
        //     send was under way, migration 14's anonymous triggers), whichever code wipes it.
        //     Messages sent before this version have none.
        R"sql(
CREATE TABLE delivered_emails (
  message_id  INTEGER PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
  sender      TEXT NOT NULL,
  sender_name TEXT NOT NULL,
  headers     TEXT NOT NULL,
  text        TEXT NOT NULL,
  html        TEXT NOT NULL
);
CREATE TRIGGER delivered_email_wiped AFTER UPDATE OF address ON messages
WHEN new.address = ''
BEGIN
  DELETE FROM delivered_emails WHERE message_id = new.id;
END;
)sql",
        // 17: the outbox of outbound events (outbound_events.hpp): one row per event and
        //     receiver, written with the change it tells of. Only the head of a receiver's queue
        //     for a survey (its oldest pending row) has a next_attempt_at; the rows behind it wait
        //     with NULL until it is done. So the sender's question, "what is due now", is a range
        //     of the due index, however many rows wait behind a receiver that is down (a scan for
        //     the head of each queue took 200 ms at 100,000 pending rows).
        R"sql(
CREATE TABLE outbound_events (
  id              INTEGER PRIMARY KEY,
  event_id        TEXT NOT NULL,
  receiver        TEXT NOT NULL,
  type            TEXT NOT NULL,
  survey_id       INTEGER NOT NULL,
  payload         TEXT NOT NULL,
  state           TEXT NOT NULL DEFAULT 'pending'
                  CHECK (state IN ('pending', 'delivered', 'failed')),
  attempts        INTEGER NOT NULL DEFAULT 0,
  created_at      INTEGER NOT NULL,
  next_attempt_at INTEGER,
  finished_at     INTEGER,
  error           TEXT,
  UNIQUE (event_id, receiver)
);
CREATE INDEX outbound_events_pending ON outbound_events (receiver, survey_id, id)
  WHERE state = 'pending';
CREATE INDEX outbound_events_due ON outbound_events (next_attempt_at)
  WHERE state = 'pending';
CREATE INDEX outbound_events_by_survey ON outbound_events (survey_id);
CREATE INDEX outbound_events_finished ON outbound_events (finished_at)
  WHERE state <> 'pending';
)sql",
        // 18: digests (digests.hpp): one row per digest, recipient and period, made in the
        //     transaction that queues its message (none when there was nothing to tell), so a
        //     period's digest goes once; and the answers each digest quoted. Erasing a person, or
        //     their comment reaching its retention age, wipes the digests that quoted them, as
        //     the erasure wipes the person's own messages (the delivered_emails trigger follows).
        R"sql(
CREATE TABLE digest_runs (
  digest     TEXT NOT NULL,
  recipient  TEXT NOT NULL,
  period     TEXT NOT NULL,
  made_at    INTEGER NOT NULL,
  message_id INTEGER,
  PRIMARY KEY (digest, recipient, period)
);
CREATE TABLE digest_answers (
  message_id INTEGER NOT NULL,
  survey_id  INTEGER NOT NULL,
  PRIMARY KEY (survey_id, message_id)
);
CREATE TRIGGER digest_quote_wiped AFTER UPDATE OF comment, contact_name ON surveys
WHEN (old.comment IS NOT NULL AND new.comment IS NULL)
  OR (old.contact_name IS NOT NULL AND new.contact_name IS NULL)
BEGIN
  UPDATE messages SET address = '', subject = NULL, body = ''
  WHERE id IN (SELECT message_id FROM digest_answers WHERE survey_id = new.id);
  DELETE FROM digest_answers WHERE survey_id = new.id;
END;
CREATE TRIGGER digest_quote_deleted AFTER DELETE ON surveys
BEGIN
  UPDATE messages SET address = '', subject = NULL, body = ''
  WHERE id IN (SELECT message_id FROM digest_answers WHERE survey_id = old.id);
  DELETE FROM digest_answers WHERE survey_id = old.id;
END;
)sql",
        // 19: the scheduler's pass at a million waiting surveys (issue 15). The surveys that can
        // go,
        //     and those held for another survey on their address, each by due time, so a pass
        //     reads the due ones and next_due one entry, never every scheduled survey; a held
        //     survey is due again at the earlier of its wait's end and its expiry.
        R"sql(
CREATE INDEX surveys_due ON surveys (due_at, id) WHERE state = 'scheduled' AND held_by IS NULL;
CREATE INDEX surveys_held ON surveys (due_at, id)
  WHERE state = 'scheduled' AND held_by IS NOT NULL;
CREATE INDEX surveys_held_until
  ON surveys (COALESCE(MIN(wait_until, expires_at), wait_until, expires_at))
  WHERE state = 'scheduled' AND held_by IS NOT NULL;
)sql",
        // 20: fewer index entries to write for each survey (issue 15). No question asks
        //     surveys by state alone since 19 (the scheduler's have their partial indexes, the
        //     rest ask by id, address, contact or event), yet surveys_by_due (state, due_at)
        //     moved an entry at every change of state: a third of what claiming a survey cost
        //     SQLite. surveys_by_sent held an entry for every survey not sent yet, NULL keys
        //     that no question asks for (10 MB at a million waiting).
        R"sql(
DROP INDEX surveys_by_due;
DROP INDEX surveys_by_sent;
CREATE INDEX surveys_by_sent ON surveys (sent_at) WHERE sent_at IS NOT NULL;
)sql",
    };
    return all;
}

}  // namespace cxgate::store::detail
