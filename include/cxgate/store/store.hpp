#pragma once
// The store's interface: every question and change the daemon puts to its database, each
// named for what it decides. Components see only this; the SQL behind it lives in one
// implementation per database (sqlite_store.hpp today; a PostgreSQL store is the next), so
// a rule such as "which survey awaits the customer on an address" is written once per
// store and never in a component.
//
// A Store is one connection's view inside the transaction its DbThread has opened for the
// job at hand: everything a job does through it commits together, before the job's caller
// resumes (db_thread.hpp).
#include "cxgate/store/alerts.hpp"
#include "cxgate/store/answers.hpp"
#include "cxgate/store/clicks.hpp"
#include "cxgate/store/contacts.hpp"
#include "cxgate/store/delivered_emails.hpp"
#include "cxgate/store/digests.hpp"
#include "cxgate/store/events.hpp"
#include "cxgate/store/inbound.hpp"
#include "cxgate/store/marks.hpp"
#include "cxgate/store/message_queries.hpp"
#include "cxgate/store/outbound_events.hpp"
#include "cxgate/store/personal_data.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/store/rollups.hpp"
#include "cxgate/store/sales.hpp"
#include "cxgate/store/schedule_runs.hpp"
#include "cxgate/store/status_reports.hpp"
#include "cxgate/store/survey_queries.hpp"
#include "cxgate/store/target_checks.hpp"
#include "cxgate/store/users.hpp"

namespace cxgate::store {

class Store : public Records,
              public SurveyQueries,
              public MessageQueries,
              public DeliveredEmails,
              public ContactBook,
              public EventLog,
              public InboundLog,
              public ClickLog,
              public StatusReportLog,
              public ScheduleRuns,
              public ReportQueries,
              public RollupQueries,
              public ChangeMarks,
              public SalesLog,
              public TargetChecks,
              public UserDirectory,
              public PersonalData,
              public AlertLog,
              public OutboundLog,
              public DigestLog {
  public:
    Store() = default;
    Store(const Store&) = delete;
    Store& operator=(const Store&) = delete;
    virtual ~Store() = default;
};

}  // namespace cxgate::store
