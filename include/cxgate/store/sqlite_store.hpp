#pragma once
// The store on SQLite: the SQL of every operation in store.hpp, on one connection. The
// statements live in src/store/, a file per table or question; each is prepared once per
// connection (statement_cache.hpp).
#include <memory>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/store.hpp"

namespace cxgate::store {

class SqliteStore final : public Store {
  public:
    // Works on `db`, which must outlive it (the DbThread that owns the connection).
    explicit SqliteStore(SQLite::Database& db) : db_(db) {}
    // Owns its connection: a one-shot command's (outbox, report, simulate), a test's or a
    // bench's. The first such store on a thread keeps its statements prepared, as a DB
    // thread does (a statement's triggers are compiled with it, so preparing one per row
    // would cost more than running it).
    explicit SqliteStore(std::unique_ptr<SQLite::Database> owned);
    ~SqliteStore() override;
    SqliteStore(const SqliteStore&) = delete;
    SqliteStore& operator=(const SqliteStore&) = delete;
    SQLite::Database& database() { return db_; }

    // ReportQueries
    std::vector<AnsweredQuestion> answered_questions(const AnswerFilter& filter) override;
    std::vector<SentSurvey> sent_surveys(const AnswerFilter& filter) override;
    std::vector<CommentRow> comments(const AnswerFilter& filter) override;

    // RollupQueries
    std::vector<AnswerTally> answer_tallies(const TallyFilter& filter) override;
    std::vector<SentTally> sent_tallies(const TallyFilter& filter) override;
    std::optional<DaysCut> days_cut_at(const std::string& flow, Seconds t) override;
    std::vector<AnswerTally> answers_one_by_one(const AnswerFilter& filter) override;
    std::vector<SentTally> sent_one_by_one(const AnswerFilter& filter) override;

    // ClickLog
    std::vector<ClickRow> pending_clicks(std::int64_t survey_id) override;
    std::vector<ClickRow> clicks_of_survey(std::int64_t survey_id) override;
    std::vector<ClickRow> open_burst(std::int64_t survey_id, Seconds now) override;
    void insert_click(std::int64_t survey_id, int score, Seconds now, Seconds settle_at) override;
    void touch_click(std::int64_t click_id, Seconds now) override;
    void move_burst_settling(std::int64_t survey_id, Seconds settle_at,
                             std::optional<Seconds> now) override;
    void decide_clicks(const std::vector<std::int64_t>& ids, const std::string& state,
                       Seconds now) override;
    void close_pending_clicks(std::int64_t survey_id, Seconds now) override;
    void mark_click_recorded(std::int64_t click_id) override;
    bool has_recorded_click(std::int64_t survey_id) override;
    std::vector<std::int64_t> surveys_with_settled_clicks(Seconds now, size_t limit) override;

    // ContactBook
    std::string upsert_contact(const ContactRow& contact, Seconds now) override;
    std::optional<ContactRow> find_contact(const std::string& id) override;
    std::vector<ContactRow> contacts_after(const std::string& cursor,
                                           const std::vector<std::string>& segments,
                                           std::optional<Seconds> seen_since,
                                           size_t limit) override;

    // EventLog
    bool event_recorded(const std::string& id) override;
    void insert_event(const EventRow& event) override;
    std::vector<SurveyRow> surveys_of_event(const std::string& event_id) override;

    // InboundLog
    bool inbound_seen(const std::string& channel, const std::string& provider_id) override;
    void record_inbound(const InboundRow& row) override;
    void opt_in_address(const std::string& address) override;

    // MessageQueries
    std::vector<std::int64_t> queued_messages_due(Seconds now, size_t limit) override;
    std::vector<std::pair<std::int64_t, std::string>> queued_channels(
        const std::vector<std::int64_t>& ids, Seconds now) override;
    std::vector<MessageRow> messages_in_flight() override;
    std::vector<MessageRow> messages_by_provider_id(const std::string& channel,
                                                    const std::string& provider_id) override;
    std::vector<MessageRow> messages_of_survey(std::int64_t survey_id) override;
    std::vector<MessageRow> messages_after(std::int64_t id) override;
    std::vector<MessageRow> outbox(const OutboxFilter& filter) override;

    // DeliveredEmails
    void keep_delivered_email(std::int64_t message_id, const DeliveredEmail& email) override;
    std::optional<DeliveredEmail> delivered_email(std::int64_t message_id) override;

    // Records
    void record_answer(const SurveyRow& s, int index, int score, Seconds now) override;
    std::vector<AnswerRow> answers_of(std::int64_t survey_id) override;
    std::int64_t insert_survey(const SurveyRow& row) override;
    void save_survey(const SurveyRow& row) override;
    void save_survey_changes(const std::vector<SurveyChange>& changes) override;
    std::optional<SurveyRow> find_survey(std::int64_t id) override;
    bool mark_survey_sent(std::int64_t id, Seconds now) override;
    std::optional<SurveyScale> survey_scale(std::int64_t id) override;
    std::int64_t insert_message(const MessageRow& row) override;
    std::optional<MessageRow> find_message(std::int64_t id) override;
    std::optional<MessageRow> claim_queued_message(std::int64_t id, Seconds now) override;
    void set_message_state(std::int64_t id, MessageState state, const std::string& provider_id,
                           const std::string& error, Seconds now) override;
    bool mark_message_sent(std::int64_t id, const std::string& provider_id, Seconds now) override;
    void update_message(const MessageRow& row, Seconds now) override;
    bool is_opted_out(const std::string& address) override;
    bool opt_out_address(const std::string& address, const std::string& source,
                         Seconds now) override;
    std::string setting(const std::string& key, const std::function<std::string()>& make) override;
    void put_setting(const std::string& key, const std::string& value) override;

    // ScheduleRuns
    void open_schedule_run(const std::string& flow, const std::string& period,
                           Seconds opens_at) override;
    std::vector<ScheduleRun> unfinished_schedule_runs(const std::string& flow) override;
    void save_schedule_run(const ScheduleRun& run, std::optional<Seconds> finished_at) override;

    // StatusReportLog
    bool keep_status_report(const StatusReportRow& report) override;
    bool status_report_applied(const StatusReportRow& report) override;
    void mark_status_report_applied(const StatusReportRow& report) override;
    std::vector<StatusReportRow> unapplied_status_reports(const std::string& channel,
                                                          const std::string& provider_id) override;

    // SurveyQueries
    std::optional<SurveyRow> waiting_survey_for(const std::string& address, Seconds now) override;
    std::optional<SurveyRow> survey_in_the_way(const std::string& address, std::int64_t except,
                                               Seconds now) override;
    std::vector<HistoryRow> survey_history(const std::string& contact_id,
                                           const std::string& deal_id, Seconds now) override;
    std::vector<SurveyRow> due_surveys(Seconds now, size_t limit) override;
    std::vector<SurveyRow> reminders_due(Seconds now, size_t limit) override;
    std::vector<SurveyRow> alerts_due(Seconds now) override;
    int expire_unanswered(Seconds now) override;
    int close_ended_comment_windows(Seconds now) override;
    std::optional<Seconds> next_due() override;
    std::optional<std::string> latest_locale(const std::string& address) override;
    std::vector<SurveyRow> answered_surveys(const ResponsePage& page) override;
    std::vector<SurveyRow> all_surveys() override;

    // ChangeMarks
    std::int64_t add_mark(const MarkRow& mark) override;
    std::vector<MarkRow> marks(const std::string& flow) override;
    std::optional<MarkRow> find_mark(std::int64_t id) override;

    // SalesLog
    void record_sales_event(const SalesEventRow& row) override;
    std::vector<SalesEventRow> sales_events(const AnswerFilter& filter) override;
    std::vector<WonCustomer> won_customers(const RetentionFilter& filter) override;

    // AlertLog
    std::int64_t open_alert(const AlertRow& row) override;
    std::optional<AlertRow> alert(std::int64_t id) override;
    std::optional<AlertRow> alert_for_survey(std::int64_t survey_id) override;
    void save_alert(const AlertRow& row) override;
    std::vector<AlertRow> alerts_to_escalate(Seconds now, int limit) override;
    std::optional<Seconds> next_escalation() override;
    std::vector<AlertRow> alerts_where(const AlertFilter& filter) override;
    AlertTimes alert_times(std::optional<Seconds> since) override;
    std::vector<AlertFacts> alert_facts(Seconds since, Seconds until,
                                        const std::string& flow) override;

    // OutboundLog
    void queue_outbound_event(const OutboundEventRow& row) override;
    std::vector<OutboundEventRow> outbound_events_due(Seconds now, size_t limit) override;
    void outbound_delivered(std::int64_t id, int attempts, Seconds now) override;
    void outbound_retry(std::int64_t id, int attempts, Seconds next_attempt_at,
                        const std::string& error) override;
    void outbound_failed(std::int64_t id, int attempts, Seconds now,
                         const std::string& error) override;
    OutboundCounts outbound_counts() override;
    size_t prune_outbound_events(Seconds before, size_t limit) override;
    std::vector<OutboundEventRow> outbound_events_of_survey(std::int64_t survey_id) override;

    // TargetChecks
    bool target_checked(const std::string& flow, const std::string& step, const std::string& metric,
                        const std::string& week) override;
    void record_target_check(const TargetCheckRow& row) override;

    // DigestLog
    std::set<std::string> digests_made(const std::string& digest,
                                       const std::string& period) override;
    void record_digest(const DigestRun& run) override;
    long long digests_sent() override;

    // UserDirectory
    std::optional<std::int64_t> add_user(const UserRow& user) override;
    std::optional<UserRow> find_user(std::int64_t id) override;
    std::optional<UserRow> find_user_by_email(const std::string& email) override;
    std::vector<UserRow> users() override;
    bool set_password(std::int64_t user_id, const std::string& password_hash, Seconds now) override;
    bool set_disabled(std::int64_t user_id, bool disabled) override;
    void add_session(const SessionRow& session) override;
    std::optional<SessionRow> find_session(const std::string& token_hash) override;
    void touch_session(const std::string& token_hash, Seconds now, Seconds expires_at) override;
    void end_session(const std::string& token_hash) override;
    void end_sessions_of(std::int64_t user_id) override;
    size_t end_expired_sessions(Seconds now) override;
    LoginFailures login_failures(const std::string& key) override;
    void set_login_failures(const std::string& key, const LoginFailures& failures) override;
    void clear_login_failures(const std::string& key) override;

    // PersonalData
    PersonTraces find_person(const PersonSelector& selector) override;
    std::vector<EventRow> events_of(const PersonTraces& traces) override;
    std::vector<SurveyRow> surveys_of(const PersonTraces& traces) override;
    std::vector<MessageRow> messages_of(const PersonTraces& traces) override;
    std::vector<StoredInbound> inbound_of(const PersonTraces& traces) override;
    std::vector<std::string> optouts_of(const PersonTraces& traces) override;
    ErasureCounts erase_person(const PersonTraces& traces, const ErasureOptions& options,
                               Seconds now) override;
    RetentionCounts apply_retention(const RetentionCutoffs& cutoffs, size_t limit) override;
    std::int64_t add_privacy_audit(const PrivacyAuditRow& row) override;
    void set_privacy_audit_counts(std::int64_t id, const std::string& counts) override;
    std::vector<PrivacyAuditRow> privacy_audit(size_t limit) override;
    bool scrub_log() override;
    // Whether a job since the last scrub_log() erased personal data: the writer thread then
    // scrubs the log right after committing (db_thread.cpp).
    bool scrub_pending() const { return scrub_pending_; }

  private:
    // The opt-out an erasure keeps for `address`: "erased:" + HMAC-SHA256 under the
    // install's privacy_key (settings).
    std::string erased_optout_key(const std::string& address);

    std::unique_ptr<SQLite::Database> owned_;
    SQLite::Database& db_;
    bool owns_statement_cache_ = false;
    std::string privacy_key_;  // settings' privacy_key, once read
    // Whether the file has the delivered_emails table (schema 16), once looked up: a
    // command may read a database that an older daemon still serves.
    std::optional<bool> has_delivered_emails_;
    bool scrub_pending_ = false;
};

}  // namespace cxgate::store
