#pragma once
// One person's data, wherever it lies: finding every row that names them, handing it over
// (an access request) and erasing it (cxgate forget), and the audit of both; and the
// retention that removes each kind of data once it is older than allowed.
//
// Erasure keeps what the figures need and nothing that leads back to the person: a
// survey's scores, step, staff, segment and times stay, its contact becomes a pseudonym
// shared only by that erasure's rows ("forgotten:<audit id>"), and the name, address,
// comment, messages, replies, clicks and the event's payload go. The ids that other
// systems gave (event ids, deal ids) stay: they name nobody by themselves.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/events.hpp"
#include "cxgate/store/inbound.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::store {

// Who a request is about; each list holds every spelling to match (the caller widens a
// phone number to its spellings and an email to its cases: privacy/person.hpp).
struct PersonSelector {
    std::vector<std::string> phones;
    std::vector<std::string> emails;
    std::vector<std::string> contact_ids;
    std::vector<std::string> event_ids;
    bool empty() const {
        return phones.empty() && emails.empty() && contact_ids.empty() && event_ids.empty();
    }
};

// Where one person was found.
struct PersonTraces {
    std::vector<std::string> contact_ids;  // contacts, events and surveys under these ids
    std::vector<std::string> addresses;    // every phone and email they were reached at
    std::vector<std::int64_t> survey_ids;
    bool empty() const { return contact_ids.empty() && addresses.empty() && survey_ids.empty(); }
};

// One row of an inbound reply as stored (export).
struct StoredInbound {
    std::int64_t id = 0;
    InboundRow row;
};

struct ErasureCounts {
    long long contacts = 0;  // contact rows deleted
    long long events = 0;    // events whose payload was wiped
    long long surveys = 0;   // surveys made anonymous (or deleted with drop_answers)
    long long answers_dropped = 0;
    long long messages = 0;  // messages deleted (or wiped while their send is under way)
    long long inbound = 0;   // replies deleted
    long long clicks = 0;    // answer-link clicks deleted
    // Opt-outs kept as a keyed hash of the address: a number that said STOP is not surveyed
    // again when a CRM sends it later (Records::is_opted_out knows both forms).
    long long optouts = 0;
    long long closed = 0;  // open surveys closed, so nothing more goes to the person
    // Outbound events of their surveys deleted: what a receiver has not had yet never goes
    // (one being posted at that very moment may still arrive).
    long long outbound_events = 0;
};

struct ErasureOptions {
    // Also delete the person's surveys and answers, so their scores leave the figures.
    bool drop_answers = false;
    // The pseudonym their surveys and events keep ("forgotten:<audit id>").
    std::string pseudonym;
};

// What the audit keeps of an erasure or an export: never the personal data itself.
struct PrivacyAuditRow {
    std::int64_t id = 0;
    Seconds at = 0;
    std::string action;    // forget, export, retention
    std::string actor;     // "cli:root", "token:1a2b3c4d", "scheduler"
    std::string selector;  // which kinds of key were given: "phone", "email,contact"
    std::string counts;    // JSON of what was found or removed
};

// Ages after which each kind of data goes (retention in cxgate.yaml); empty: kept.
struct RetentionCutoffs {
    std::optional<Seconds> events;    // events received before: the row is deleted
    std::optional<Seconds> messages;  // finished messages created before: deleted
    std::optional<Seconds> comments;  // comments given before: cleared
    std::optional<Seconds> inbound;   // replies received before: deleted
    std::optional<Seconds> audit;     // audit rows written before: deleted
};

struct RetentionCounts {
    long long events = 0, messages = 0, comments = 0, inbound = 0, audit = 0;
    long long total() const { return events + messages + comments + inbound + audit; }
};

// The operations above, as part of the store's interface (store.hpp).
class PersonalData {
  public:
    virtual PersonTraces find_person(const PersonSelector& selector) = 0;

    // Everything held about the traces' person, for an access request.
    virtual std::vector<EventRow> events_of(const PersonTraces& traces) = 0;
    virtual std::vector<SurveyRow> surveys_of(const PersonTraces& traces) = 0;
    virtual std::vector<MessageRow> messages_of(const PersonTraces& traces) = 0;
    virtual std::vector<StoredInbound> inbound_of(const PersonTraces& traces) = 0;
    virtual std::vector<std::string> optouts_of(const PersonTraces& traces) = 0;

    // Erases the person inside the current transaction. After it commits, call
    // scrub_log() so no older copy of the rows survives in the database's log.
    virtual ErasureCounts erase_person(const PersonTraces& traces, const ErasureOptions& options,
                                       Seconds now) = 0;
    // Removes at most `limit` rows of each kind past its cutoff (retention runs in
    // batches so the writer is never held long); call again while total() == limit*kinds.
    virtual RetentionCounts apply_retention(const RetentionCutoffs& cutoffs, size_t limit) = 0;

    virtual std::int64_t add_privacy_audit(const PrivacyAuditRow& row) = 0;
    virtual void set_privacy_audit_counts(std::int64_t id, const std::string& counts) = 0;
    virtual std::vector<PrivacyAuditRow> privacy_audit(size_t limit) = 0;  // newest first

    // Outside any transaction: rewrites the database's log so erased rows leave no copy
    // there (SQLite: a TRUNCATE checkpoint of the WAL). False when readers kept it from
    // finishing; the next checkpoint does it.
    virtual bool scrub_log() = 0;

  protected:
    ~PersonalData() = default;
};

}  // namespace cxgate::store
