-- A database written by cxgate at 29320a9 (schema 13) with tests/integration/harness.py's
-- write_config, CX_FLOW and SANDBOX_CHANNELS: two booking.created events, both surveys
-- sent, the first answered 2. `sqlite3 FILE .dump`; test_upgrade_rollback.py loads it.
PRAGMA foreign_keys=OFF;
BEGIN TRANSACTION;
CREATE TABLE events (
  id          TEXT PRIMARY KEY,
  type        TEXT NOT NULL,
  occurred_at INTEGER NOT NULL,
  received_at INTEGER NOT NULL,
  contact_id  TEXT NOT NULL,
  body        TEXT NOT NULL
);
INSERT INTO events VALUES('old-0','booking.created',1793606400,1793606400,'+358401110001','{"contact":{"name":"Old 0","phone":"+358401110001"},"id":"old-0","type":"booking.created"}');
INSERT INTO events VALUES('old-1','booking.created',1793606400,1793606400,'+358401110002','{"contact":{"name":"Old 1","phone":"+358401110002"},"id":"old-1","type":"booking.created"}');
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
INSERT INTO contacts VALUES('+358401110001','+358401110001',NULL,'Old 0','fi',NULL,NULL,1793606400);
INSERT INTO contacts VALUES('+358401110002','+358401110002',NULL,'Old 1','fi',NULL,NULL,1793606400);
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
, deal_id TEXT, timezone TEXT, held_by INTEGER, suppressed_by TEXT, template TEXT, questions TEXT, question INTEGER NOT NULL DEFAULT 0, superseded_by INTEGER, wait_until INTEGER, sent_day INTEGER, sent_day_end INTEGER);
INSERT INTO surveys VALUES(1,'old-0','booking.created','cx','693a1555c293','booking','ces',1,5,0,0,'+358401110001','Old 0','fi',NULL,NULL,NULL,NULL,NULL,'["sms"]','sms','+358401110001','closed',NULL,1793606400,1794211200,1793606400,1793606400,NULL,1793606400,2,NULL,0,0,0,NULL,NULL,'none',NULL,1793606400,1793606400,NULL,'Europe/Helsinki',NULL,NULL,NULL,NULL,1,NULL,NULL,1793570400,1793656800);
INSERT INTO surveys VALUES(2,'old-1','booking.created','cx','693a1555c293','booking','ces',1,5,0,0,'+358401110002','Old 1','fi',NULL,NULL,NULL,NULL,NULL,'["sms"]','sms','+358401110002','sent',NULL,1793606400,1794211200,1793606400,NULL,NULL,NULL,NULL,NULL,0,0,0,NULL,NULL,'none',NULL,1793606400,1793606400,NULL,'Europe/Helsinki',NULL,NULL,NULL,NULL,0,NULL,NULL,1793570400,1793656800);
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
, next_attempt_at INTEGER, error_code TEXT, encoding TEXT, segments INTEGER, delivered_at INTEGER);
INSERT INTO messages VALUES(1,1,'survey','sms','+358401110001','fi',NULL,'Hei Old! Kuinka helppoa asiointi oli? Vastaa 1-5 (5 = erittäin helppoa).','sent','sandbox-1',NULL,1,1793606400,1793606400,1793606400,NULL,NULL,'gsm7',1,NULL);
INSERT INTO messages VALUES(2,2,'survey','sms','+358401110002','fi',NULL,'Hei Old! Kuinka helppoa asiointi oli? Vastaa 1-5 (5 = erittäin helppoa).','sent','sandbox-2',NULL,1,1793606400,1793606400,1793606400,NULL,NULL,'gsm7',1,NULL);
INSERT INTO messages VALUES(3,1,'thanks','sms','+358401110001','fi',NULL,'Kiitos vastauksestasi, Old! Palautteesi auttaa meitä kehittymään.','sent','sandbox-3',NULL,1,1793606400,1793606400,1793606400,NULL,NULL,'gsm7',1,NULL);
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
INSERT INTO inbound VALUES(1,'sms','cli-62f1fb8bb48f7d2e','+358401110001','2',1793606400,1,'score');
CREATE TABLE optouts (
  address      TEXT PRIMARY KEY,
  opted_out_at INTEGER NOT NULL,
  source       TEXT NOT NULL
);
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
INSERT INTO settings VALUES('link_secret','ebaba2812e69eaa4697bdb13a42608ec4d373caa4f027b0cefb7f08dfde3fdae');
INSERT INTO settings VALUES('boot_id','fdc71245-3e5e-4693-8a3a-51c15a73d538');
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
CREATE TABLE answers (
  survey_id   INTEGER NOT NULL REFERENCES surveys(id),
  question    INTEGER NOT NULL,
  question_id TEXT NOT NULL,
  metric      TEXT NOT NULL,
  scale_min   INTEGER NOT NULL,
  scale_max   INTEGER NOT NULL,
  low_is_good INTEGER NOT NULL,
  score       INTEGER NOT NULL,
  answered_at INTEGER NOT NULL, day INTEGER, day_end INTEGER,
  PRIMARY KEY (survey_id, question)
);
INSERT INTO answers VALUES(1,0,'q1','ces',1,5,0,2,1793606400,1793570400,1793656800);
CREATE TABLE schedule_runs (
  flow        TEXT NOT NULL,
  period      TEXT NOT NULL,
  opens_at    INTEGER NOT NULL,
  released    INTEGER NOT NULL DEFAULT 0,
  cursor      TEXT NOT NULL DEFAULT '',
  finished_at INTEGER,
  PRIMARY KEY (flow, period)
);
CREATE TABLE marks (
  id         INTEGER PRIMARY KEY,
  flow       TEXT NOT NULL DEFAULT '',
  label      TEXT NOT NULL,
  at         INTEGER NOT NULL,
  created_at INTEGER NOT NULL
);
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
INSERT INTO sales_events VALUES('old-0','lead','','','','',1793606400,NULL,'');
INSERT INTO sales_events VALUES('old-1','lead','','','','',1793606400,NULL,'');
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
CREATE TABLE rollup_grains (
  grain   INTEGER PRIMARY KEY,
  staff   INTEGER NOT NULL,
  segment INTEGER NOT NULL,
  channel INTEGER NOT NULL
);
INSERT INTO rollup_grains VALUES(0,0,0,0);
INSERT INTO rollup_grains VALUES(1,1,0,0);
INSERT INTO rollup_grains VALUES(2,0,1,0);
INSERT INTO rollup_grains VALUES(3,0,0,1);
INSERT INTO rollup_grains VALUES(4,1,1,1);
CREATE TABLE answer_rollups (
  grain        INTEGER NOT NULL,
  flow         TEXT NOT NULL,
  day          INTEGER NOT NULL,
  zone         TEXT NOT NULL,
  step         TEXT NOT NULL,
  question     INTEGER NOT NULL,
  event_type   TEXT NOT NULL,
  staff_id     TEXT NOT NULL,
  segment      TEXT NOT NULL,
  channel      TEXT NOT NULL,
  question_id  TEXT NOT NULL,
  metric       TEXT NOT NULL,
  survey_metric TEXT NOT NULL,
  scale_min    INTEGER NOT NULL,
  scale_max    INTEGER NOT NULL,
  low_is_good  INTEGER NOT NULL,
  day_end      INTEGER NOT NULL,
  first_survey INTEGER NOT NULL,
  n            INTEGER NOT NULL,
  c0 INTEGER NOT NULL,
  c1 INTEGER NOT NULL,
  c2 INTEGER NOT NULL,
  c3 INTEGER NOT NULL,
  c4 INTEGER NOT NULL,
  c5 INTEGER NOT NULL,
  c6 INTEGER NOT NULL,
  c7 INTEGER NOT NULL,
  c8 INTEGER NOT NULL,
  c9 INTEGER NOT NULL,
  c10 INTEGER NOT NULL,
  PRIMARY KEY (grain, flow, day, zone, step, question, event_type, staff_id, segment,
               channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good)
) WITHOUT ROWID;
INSERT INTO answer_rollups VALUES(0,'cx',1793570400,'Europe/Helsinki','booking',0,'booking.created','','','','q1','ces','ces',1,5,0,1793656800,1,1,0,1,0,0,0,0,0,0,0,0,0);
INSERT INTO answer_rollups VALUES(1,'cx',1793570400,'Europe/Helsinki','booking',0,'booking.created','','','','q1','ces','ces',1,5,0,1793656800,1,1,0,1,0,0,0,0,0,0,0,0,0);
INSERT INTO answer_rollups VALUES(2,'cx',1793570400,'Europe/Helsinki','booking',0,'booking.created','','','','q1','ces','ces',1,5,0,1793656800,1,1,0,1,0,0,0,0,0,0,0,0,0);
INSERT INTO answer_rollups VALUES(3,'cx',1793570400,'Europe/Helsinki','booking',0,'booking.created','','','sms','q1','ces','ces',1,5,0,1793656800,1,1,0,1,0,0,0,0,0,0,0,0,0);
INSERT INTO answer_rollups VALUES(4,'cx',1793570400,'Europe/Helsinki','booking',0,'booking.created','','','sms','q1','ces','ces',1,5,0,1793656800,1,1,0,1,0,0,0,0,0,0,0,0,0);
CREATE TABLE sent_rollups (
  grain      INTEGER NOT NULL,
  flow       TEXT NOT NULL,
  day        INTEGER NOT NULL,
  zone       TEXT NOT NULL,
  step       TEXT NOT NULL,
  event_type TEXT NOT NULL,
  staff_id   TEXT NOT NULL,
  segment    TEXT NOT NULL,
  channel    TEXT NOT NULL,
  metric     TEXT NOT NULL,
  day_end    INTEGER NOT NULL,
  sent       INTEGER NOT NULL,
  answered   INTEGER NOT NULL,
  PRIMARY KEY (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric)
) WITHOUT ROWID;
INSERT INTO sent_rollups VALUES(0,'cx',1793570400,'Europe/Helsinki','booking','booking.created','','','','ces',1793656800,2,1);
INSERT INTO sent_rollups VALUES(1,'cx',1793570400,'Europe/Helsinki','booking','booking.created','','','','ces',1793656800,2,1);
INSERT INTO sent_rollups VALUES(2,'cx',1793570400,'Europe/Helsinki','booking','booking.created','','','','ces',1793656800,2,1);
INSERT INTO sent_rollups VALUES(3,'cx',1793570400,'Europe/Helsinki','booking','booking.created','','','sms','ces',1793656800,2,1);
INSERT INTO sent_rollups VALUES(4,'cx',1793570400,'Europe/Helsinki','booking','booking.created','','','sms','ces',1793656800,2,1);
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
CREATE TABLE login_failures (
  key          TEXT PRIMARY KEY,
  count        INTEGER NOT NULL,
  first_at     INTEGER NOT NULL,
  locked_until INTEGER NOT NULL
);
CREATE INDEX surveys_by_event ON surveys(event_id);
CREATE INDEX surveys_by_due ON surveys(state, due_at);
CREATE INDEX surveys_by_address ON surveys(address, state);
CREATE INDEX surveys_by_contact ON surveys(contact_id, flow);
CREATE INDEX messages_by_state ON messages(state) WHERE state IN ('queued', 'sending');
CREATE INDEX messages_by_survey ON messages(survey_id);
CREATE INDEX messages_by_provider_id ON messages(channel, provider_id);
CREATE INDEX surveys_by_reminder ON surveys(next_reminder_at)
  WHERE state IN ('sent', 'delivered') AND reminders_sent < reminders_max;
CREATE INDEX surveys_by_expiry ON surveys(expires_at) WHERE state IN ('sent', 'delivered');
CREATE INDEX surveys_by_alert ON surveys(alert_due_at) WHERE alert_state = 'pending';
CREATE INDEX surveys_by_comment ON surveys(comment_until) WHERE state = 'answered';
CREATE INDEX messages_by_retry ON messages(next_attempt_at) WHERE state = 'queued';
CREATE INDEX surveys_by_deal ON surveys(deal_id, state) WHERE deal_id IS NOT NULL;
CREATE INDEX surveys_by_suppressor ON surveys(suppressed_by) WHERE suppressed_by IS NOT NULL;
CREATE INDEX answer_clicks_by_survey ON answer_clicks(survey_id, state);
CREATE INDEX answer_clicks_by_settle ON answer_clicks(settle_at) WHERE state = 'pending';
CREATE INDEX marks_by_flow ON marks (flow, at);
CREATE INDEX sales_events_by_time ON sales_events (occurred_at);
CREATE INDEX sales_events_by_deal ON sales_events (deal_id, occurred_at);
CREATE INDEX events_by_contact ON events (contact_id, type, occurred_at);
CREATE INDEX answers_by_time ON answers (answered_at);
CREATE INDEX surveys_by_sent ON surveys (sent_at);
CREATE TRIGGER answer_rollups_insert AFTER INSERT ON answers BEGIN
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(s.flow, ''), COALESCE(s.step, ''), COALESCE(s.event_type, ''), CASE WHEN g.staff THEN COALESCE(s.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(s.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(s.channel, '') ELSE '' END, COALESCE(s.timezone, ''), new.day, new.day_end, new.question, new.question_id, new.metric, s.metric, new.scale_min, new.scale_max, new.low_is_good, new.survey_id, 1 * (new.score BETWEEN new.scale_min AND new.scale_max AND new.score - new.scale_min < 11), 1 * (new.score - new.scale_min = 0 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 1 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 2 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 3 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 4 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 5 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 6 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 7 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 8 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 9 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 10 AND new.score <= new.scale_max) FROM rollup_grains g, surveys s WHERE s.id = new.survey_id AND new.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
END;
CREATE TRIGGER answer_rollups_update AFTER UPDATE ON answers BEGIN
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(s.flow, ''), COALESCE(s.step, ''), COALESCE(s.event_type, ''), CASE WHEN g.staff THEN COALESCE(s.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(s.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(s.channel, '') ELSE '' END, COALESCE(s.timezone, ''), old.day, old.day_end, old.question, old.question_id, old.metric, s.metric, old.scale_min, old.scale_max, old.low_is_good, old.survey_id, -1 * (old.score BETWEEN old.scale_min AND old.scale_max AND old.score - old.scale_min < 11), -1 * (old.score - old.scale_min = 0 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 1 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 2 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 3 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 4 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 5 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 6 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 7 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 8 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 9 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 10 AND old.score <= old.scale_max) FROM rollup_grains g, surveys s WHERE s.id = old.survey_id AND old.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(s.flow, ''), COALESCE(s.step, ''), COALESCE(s.event_type, ''), CASE WHEN g.staff THEN COALESCE(s.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(s.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(s.channel, '') ELSE '' END, COALESCE(s.timezone, ''), new.day, new.day_end, new.question, new.question_id, new.metric, s.metric, new.scale_min, new.scale_max, new.low_is_good, new.survey_id, 1 * (new.score BETWEEN new.scale_min AND new.scale_max AND new.score - new.scale_min < 11), 1 * (new.score - new.scale_min = 0 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 1 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 2 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 3 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 4 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 5 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 6 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 7 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 8 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 9 AND new.score <= new.scale_max), 1 * (new.score - new.scale_min = 10 AND new.score <= new.scale_max) FROM rollup_grains g, surveys s WHERE s.id = new.survey_id AND new.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
END;
CREATE TRIGGER answer_rollups_delete AFTER DELETE ON answers BEGIN
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(s.flow, ''), COALESCE(s.step, ''), COALESCE(s.event_type, ''), CASE WHEN g.staff THEN COALESCE(s.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(s.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(s.channel, '') ELSE '' END, COALESCE(s.timezone, ''), old.day, old.day_end, old.question, old.question_id, old.metric, s.metric, old.scale_min, old.scale_max, old.low_is_good, old.survey_id, -1 * (old.score BETWEEN old.scale_min AND old.scale_max AND old.score - old.scale_min < 11), -1 * (old.score - old.scale_min = 0 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 1 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 2 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 3 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 4 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 5 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 6 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 7 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 8 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 9 AND old.score <= old.scale_max), -1 * (old.score - old.scale_min = 10 AND old.score <= old.scale_max) FROM rollup_grains g, surveys s WHERE s.id = old.survey_id AND old.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
END;
CREATE TRIGGER answer_rollups_survey AFTER UPDATE OF flow, step, event_type, staff_id, segment, channel, timezone, metric ON surveys WHEN (old.flow IS NOT new.flow OR old.step IS NOT new.step OR old.event_type IS NOT new.event_type OR old.staff_id IS NOT new.staff_id OR old.segment IS NOT new.segment OR old.channel IS NOT new.channel OR old.timezone IS NOT new.timezone OR old.metric IS NOT new.metric) BEGIN
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(old.flow, ''), COALESCE(old.step, ''), COALESCE(old.event_type, ''), CASE WHEN g.staff THEN COALESCE(old.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(old.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(old.channel, '') ELSE '' END, COALESCE(old.timezone, ''), a.day, a.day_end, a.question, a.question_id, a.metric, old.metric, a.scale_min, a.scale_max, a.low_is_good, a.survey_id, -1 * (a.score BETWEEN a.scale_min AND a.scale_max AND a.score - a.scale_min < 11), -1 * (a.score - a.scale_min = 0 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 1 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 2 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 3 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 4 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 5 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 6 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 7 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 8 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 9 AND a.score <= a.scale_max), -1 * (a.score - a.scale_min = 10 AND a.score <= a.scale_max) FROM rollup_grains g, answers a WHERE a.survey_id = old.id AND a.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
INSERT INTO answer_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, question, question_id, metric, survey_metric, scale_min, scale_max, low_is_good, first_survey, n, c0, c1, c2, c3, c4, c5, c6, c7, c8, c9, c10) SELECT g.grain, COALESCE(new.flow, ''), COALESCE(new.step, ''), COALESCE(new.event_type, ''), CASE WHEN g.staff THEN COALESCE(new.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(new.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(new.channel, '') ELSE '' END, COALESCE(new.timezone, ''), a.day, a.day_end, a.question, a.question_id, a.metric, new.metric, a.scale_min, a.scale_max, a.low_is_good, a.survey_id, 1 * (a.score BETWEEN a.scale_min AND a.scale_max AND a.score - a.scale_min < 11), 1 * (a.score - a.scale_min = 0 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 1 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 2 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 3 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 4 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 5 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 6 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 7 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 8 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 9 AND a.score <= a.scale_max), 1 * (a.score - a.scale_min = 10 AND a.score <= a.scale_max) FROM rollup_grains g, answers a WHERE a.survey_id = new.id AND a.day IS NOT NULL ON CONFLICT (grain, flow, day, zone, step, question, event_type, staff_id, segment, channel, question_id, metric, survey_metric, scale_min, scale_max, low_is_good) DO UPDATE SET n = n + excluded.n, first_survey = MIN(first_survey, excluded.first_survey), c0 = c0 + excluded.c0, c1 = c1 + excluded.c1, c2 = c2 + excluded.c2, c3 = c3 + excluded.c3, c4 = c4 + excluded.c4, c5 = c5 + excluded.c5, c6 = c6 + excluded.c6, c7 = c7 + excluded.c7, c8 = c8 + excluded.c8, c9 = c9 + excluded.c9, c10 = c10 + excluded.c10;
END;
CREATE TRIGGER sent_rollups_insert AFTER INSERT ON surveys BEGIN
INSERT INTO sent_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, metric, sent, answered) SELECT g.grain, COALESCE(new.flow, ''), COALESCE(new.step, ''), COALESCE(new.event_type, ''), CASE WHEN g.staff THEN COALESCE(new.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(new.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(new.channel, '') ELSE '' END, COALESCE(new.timezone, ''), new.sent_day, new.sent_day_end, new.metric, 1, 1 * (new.score IS NOT NULL) FROM rollup_grains g WHERE (new.sent_day IS NOT NULL AND COALESCE(new.state <> 'failed', 0)) ON CONFLICT (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered;
END;
CREATE TRIGGER sent_rollups_update AFTER UPDATE OF sent_day, sent_day_end, state, score, flow, step, event_type, staff_id, segment, channel, timezone, metric ON surveys WHEN (old.sent_day IS NOT NULL AND COALESCE(old.state <> 'failed', 0)) <> (new.sent_day IS NOT NULL AND COALESCE(new.state <> 'failed', 0)) OR ((new.sent_day IS NOT NULL AND COALESCE(new.state <> 'failed', 0)) AND (old.sent_day IS NOT new.sent_day OR (old.score IS NULL) <> (new.score IS NULL) OR (old.flow IS NOT new.flow OR old.step IS NOT new.step OR old.event_type IS NOT new.event_type OR old.staff_id IS NOT new.staff_id OR old.segment IS NOT new.segment OR old.channel IS NOT new.channel OR old.timezone IS NOT new.timezone OR old.metric IS NOT new.metric))) BEGIN
INSERT INTO sent_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, metric, sent, answered) SELECT g.grain, COALESCE(old.flow, ''), COALESCE(old.step, ''), COALESCE(old.event_type, ''), CASE WHEN g.staff THEN COALESCE(old.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(old.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(old.channel, '') ELSE '' END, COALESCE(old.timezone, ''), old.sent_day, old.sent_day_end, old.metric, -1, -1 * (old.score IS NOT NULL) FROM rollup_grains g WHERE (old.sent_day IS NOT NULL AND COALESCE(old.state <> 'failed', 0)) ON CONFLICT (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered;
INSERT INTO sent_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, metric, sent, answered) SELECT g.grain, COALESCE(new.flow, ''), COALESCE(new.step, ''), COALESCE(new.event_type, ''), CASE WHEN g.staff THEN COALESCE(new.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(new.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(new.channel, '') ELSE '' END, COALESCE(new.timezone, ''), new.sent_day, new.sent_day_end, new.metric, 1, 1 * (new.score IS NOT NULL) FROM rollup_grains g WHERE (new.sent_day IS NOT NULL AND COALESCE(new.state <> 'failed', 0)) ON CONFLICT (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered;
END;
CREATE TRIGGER sent_rollups_delete AFTER DELETE ON surveys BEGIN
INSERT INTO sent_rollups (grain, flow, step, event_type, staff_id, segment, channel, zone, day, day_end, metric, sent, answered) SELECT g.grain, COALESCE(old.flow, ''), COALESCE(old.step, ''), COALESCE(old.event_type, ''), CASE WHEN g.staff THEN COALESCE(old.staff_id, '') ELSE '' END, CASE WHEN g.segment THEN COALESCE(old.segment, '') ELSE '' END, CASE WHEN g.channel THEN COALESCE(old.channel, '') ELSE '' END, COALESCE(old.timezone, ''), old.sent_day, old.sent_day_end, old.metric, -1, -1 * (old.score IS NOT NULL) FROM rollup_grains g WHERE (old.sent_day IS NOT NULL AND COALESCE(old.state <> 'failed', 0)) ON CONFLICT (grain, flow, day, zone, step, event_type, staff_id, segment, channel, metric) DO UPDATE SET sent = sent + excluded.sent, answered = answered + excluded.answered;
END;
CREATE INDEX sessions_by_user ON sessions (user_id);
CREATE INDEX surveys_by_answered ON surveys (answered_at, id) WHERE score IS NOT NULL;
CREATE INDEX sessions_by_expiry ON sessions (expires_at);
COMMIT;
