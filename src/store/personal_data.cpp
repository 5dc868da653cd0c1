// One person's rows (personal_data.hpp): found, exported, erased; retention by age; the
// audit. Lists of keys are bound as parameters; lists of survey ids, which the store
// produced itself, are written into the SQL as numbers.
#include "cxgate/store/personal_data.hpp"

#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <set>
#include <stdexcept>

#include "columns.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/phone.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "row_select.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

// "?,?,?" for n values (n > 0).
std::string placeholders(size_t n) {
    std::string out;
    for (size_t i = 0; i < n; ++i) out += i ? ",?" : "?";
    return out;
}

std::string id_list(const std::vector<std::int64_t>& ids) {
    std::string out;
    for (auto id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
    return out;
}

void bind_all(SQLite::Statement& st, const std::vector<std::string>& values, int first = 1) {
    for (size_t i = 0; i < values.size(); ++i) st.bind(first + static_cast<int>(i), values[i]);
}

// The text of each row of a one-column query over `values` ("... IN (?,...)").
std::vector<std::string> strings_of(SQLite::Database& db, const std::string& sql_head,
                                    const std::vector<std::string>& values,
                                    const std::string& sql_tail = ")") {
    std::vector<std::string> out;
    if (values.empty()) return out;
    SQLite::Statement st(db, sql_head + placeholders(values.size()) + sql_tail);
    bind_all(st, values);
    while (st.executeStep())
        if (!st.getColumn(0).isNull()) out.push_back(st.getColumn(0).getString());
    return out;
}

template <typename T>
bool add_new(std::vector<T>& into, const T& value) {
    if (std::find(into.begin(), into.end(), value) != into.end()) return false;
    into.push_back(value);
    return true;
}

// Every spelling of each address, so a reply whose provider wrote the number its own way
// is found too.
std::vector<std::string> widened(const std::vector<std::string>& addresses) {
    std::vector<std::string> out;
    for (const auto& a : addresses) {
        if (a.find('@') != std::string::npos) {
            add_new(out, a);
            std::string lower = a;
            std::transform(lower.begin(), lower.end(), lower.begin(),
                           [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
            add_new(out, lower);
        } else {
            for (auto& s : phone::spellings(a)) add_new(out, s);
        }
    }
    return out;
}

long long changes(SQLite::Database& db) {
    return db.getChanges();
}

const char* kFinishedMessages = "('sent', 'delivered', 'failed', 'cancelled', 'unknown')";

}  // namespace

std::string SqliteStore::erased_optout_key(const std::string& address) {
    // Made by migration 14 and never changed: read once per connection.
    if (privacy_key_.empty()) {
        auto get = cached(db_, "SELECT value FROM settings WHERE key = 'privacy_key'");
        if (get->executeStep()) privacy_key_ = get->getColumn(0).getString();
        if (privacy_key_.empty()) throw std::runtime_error("settings: privacy_key is missing");
    }
    return "erased:" + crypto::hmac_sha256_hex(privacy_key_, address);
}

PersonTraces SqliteStore::find_person(const PersonSelector& selector) {
    PersonTraces t;
    for (const auto& id : selector.contact_ids) add_new(t.contact_ids, id);
    for (const auto& id :
         strings_of(db_, "SELECT id FROM contacts WHERE phone IN (", selector.phones))
        add_new(t.contact_ids, id);
    for (const auto& id :
         strings_of(db_, "SELECT id FROM contacts WHERE email IN (", selector.emails))
        add_new(t.contact_ids, id);
    for (const auto& id :
         strings_of(db_, "SELECT contact_id FROM events WHERE id IN (", selector.event_ids))
        add_new(t.contact_ids, id);
    for (const auto& a : selector.phones) add_new(t.addresses, a);
    for (const auto& a : selector.emails) add_new(t.addresses, a);

    // A person may be two contacts (the same phone with and without a contact id): follow
    // contacts to their addresses and addresses to the surveys sent there, until nothing
    // new turns up.
    for (int round = 0; round < 4; ++round) {
        bool grew = false;
        for (const auto& a :
             strings_of(db_, "SELECT phone FROM contacts WHERE id IN (", t.contact_ids))
            grew |= add_new(t.addresses, a);
        for (const auto& a :
             strings_of(db_, "SELECT email FROM contacts WHERE id IN (", t.contact_ids))
            grew |= add_new(t.addresses, a);
        for (const auto& a : strings_of(
                 db_, "SELECT DISTINCT address FROM surveys WHERE contact_id IN (", t.contact_ids))
            grew |= add_new(t.addresses, a);
        const auto spelled = widened(t.addresses);
        for (const auto& a : spelled) grew |= add_new(t.addresses, a);
        for (const auto& id : strings_of(
                 db_, "SELECT DISTINCT contact_id FROM surveys WHERE address IN (", t.addresses))
            grew |= add_new(t.contact_ids, id);
        for (const auto& id :
             strings_of(db_, "SELECT id FROM contacts WHERE phone IN (", t.addresses))
            grew |= add_new(t.contact_ids, id);
        for (const auto& id :
             strings_of(db_, "SELECT id FROM contacts WHERE email IN (", t.addresses))
            grew |= add_new(t.contact_ids, id);
        if (!grew) break;
    }
    std::set<std::int64_t> surveys;
    auto add_surveys = [&](const std::string& head, const std::vector<std::string>& values) {
        for (const auto& id : strings_of(db_, head, values)) surveys.insert(std::stoll(id));
    };
    add_surveys("SELECT id FROM surveys WHERE contact_id IN (", t.contact_ids);
    add_surveys("SELECT id FROM surveys WHERE address IN (", t.addresses);
    add_surveys("SELECT id FROM surveys WHERE event_id IN (", selector.event_ids);
    t.survey_ids.assign(surveys.begin(), surveys.end());
    // Keys given that match nothing stay out: the traces are what the store holds.
    std::vector<std::string> known;
    for (const auto& id : t.contact_ids) {
        SQLite::Statement st(db_,
                             "SELECT 1 FROM contacts WHERE id = ?1 UNION ALL "
                             "SELECT 1 FROM events WHERE contact_id = ?1 UNION ALL "
                             "SELECT 1 FROM surveys WHERE contact_id = ?1 LIMIT 1");
        st.bind(1, id);
        if (st.executeStep()) known.push_back(id);
    }
    t.contact_ids = std::move(known);
    if (t.contact_ids.empty() && t.survey_ids.empty()) {
        // An address alone still counts when a reply, a message or an opt-out holds it.
        const auto inbound =
            strings_of(db_, "SELECT 1 FROM inbound WHERE from_addr IN (", t.addresses, ") LIMIT 1");
        const auto messages =
            strings_of(db_, "SELECT 1 FROM messages WHERE survey_id IS NULL AND address IN (",
                       t.addresses, ") LIMIT 1");
        const auto optouts =
            strings_of(db_, "SELECT 1 FROM optouts WHERE address IN (", t.addresses, ") LIMIT 1");
        if (inbound.empty() && messages.empty() && optouts.empty()) t.addresses.clear();
    }
    return t;
}

std::vector<EventRow> SqliteStore::events_of(const PersonTraces& t) {
    std::vector<EventRow> out;
    if (t.contact_ids.empty()) return out;
    SQLite::Statement st(db_,
                         "SELECT id, type, occurred_at, received_at, contact_id, body FROM events "
                         "WHERE contact_id IN (" +
                             placeholders(t.contact_ids.size()) + ") ORDER BY received_at, id");
    bind_all(st, t.contact_ids);
    while (st.executeStep()) {
        EventRow e;
        e.id = st.getColumn(0).getString();
        e.type = st.getColumn(1).getString();
        e.occurred_at = st.getColumn(2).getInt64();
        e.received_at = st.getColumn(3).getInt64();
        e.contact_id = st.getColumn(4).getString();
        e.body = st.getColumn(5).getString();
        out.push_back(std::move(e));
    }
    return out;
}

std::vector<SurveyRow> SqliteStore::surveys_of(const PersonTraces& t) {
    if (t.survey_ids.empty()) return {};
    return surveys_where(db_, "id IN (" + id_list(t.survey_ids) + ")", {}, "ORDER BY id");
}

std::vector<MessageRow> SqliteStore::messages_of(const PersonTraces& t) {
    std::string where;
    if (!t.survey_ids.empty()) where = "survey_id IN (" + id_list(t.survey_ids) + ")";
    if (!t.addresses.empty())
        where += (where.empty() ? "" : " OR ") +
                 std::string("(survey_id IS NULL AND address IN (") +
                 placeholders(t.addresses.size()) + "))";
    if (where.empty()) return {};
    return messages_where(db_, where, t.addresses, "ORDER BY id");
}

std::vector<StoredInbound> SqliteStore::inbound_of(const PersonTraces& t) {
    std::string where;
    if (!t.survey_ids.empty()) where = "survey_id IN (" + id_list(t.survey_ids) + ")";
    if (!t.addresses.empty())
        where += (where.empty() ? "" : " OR ") + std::string("from_addr IN (") +
                 placeholders(t.addresses.size()) + ")";
    std::vector<StoredInbound> out;
    if (where.empty()) return out;
    SQLite::Statement st(db_,
                         "SELECT id, channel, provider_id, from_addr, text, received_at, "
                         "survey_id, outcome FROM inbound WHERE " +
                             where + " ORDER BY id");
    bind_all(st, t.addresses);
    while (st.executeStep()) {
        StoredInbound in;
        in.id = st.getColumn(0).getInt64();
        in.row.channel = text(st.getColumn(1));
        in.row.provider_id = text(st.getColumn(2));
        in.row.from = text(st.getColumn(3));
        in.row.text = text(st.getColumn(4));
        in.row.received_at = st.getColumn(5).getInt64();
        in.row.survey_id = optional_int(st.getColumn(6));
        in.row.outcome = text(st.getColumn(7));
        out.push_back(std::move(in));
    }
    return out;
}

std::vector<std::string> SqliteStore::optouts_of(const PersonTraces& t) {
    return strings_of(db_, "SELECT address FROM optouts WHERE address IN (", t.addresses);
}

ErasureCounts SqliteStore::erase_person(const PersonTraces& t, const ErasureOptions& options,
                                        Seconds now) {
    scrub_pending_ = true;
    ErasureCounts n;
    const std::string surveys = id_list(t.survey_ids);
    if (!surveys.empty()) {
        db_.exec("DELETE FROM answer_clicks WHERE survey_id IN (" + surveys + ")");
        n.clicks = changes(db_);
        // What staff wrote on the person's alerts may name them; who handled it and when stay.
        db_.exec("UPDATE alerts SET note = NULL WHERE survey_id IN (" + surveys + ")");
        // Events a receiver has not had would tell it the person's score and comment after
        // they asked to be forgotten; delivered ones hold no payload, and go too.
        db_.exec("DELETE FROM outbound_events WHERE survey_id IN (" + surveys + ")");
        n.outbound_events = changes(db_);
        // A send under way keeps its row (the dispatcher records its result there), with
        // nothing of the person left in it.
        db_.exec(
            "UPDATE messages SET address = '', subject = NULL, body = '' WHERE survey_id IN (" +
            surveys + ") AND state = 'sending'");
        n.messages += changes(db_);
        db_.exec("DELETE FROM messages WHERE survey_id IN (" + surveys +
                 ") AND state <> 'sending'");
        n.messages += changes(db_);
        // Nothing more goes to the person: planned surveys are suppressed, open ones closed.
        SQLite::Statement close_planned(db_,
                                        "UPDATE surveys SET state = 'suppressed', reason = "
                                        "'forgotten', updated_at = ? WHERE state = 'scheduled' "
                                        "AND id IN (" +
                                            surveys + ")");
        close_planned.bind(1, static_cast<std::int64_t>(now));
        n.closed += close_planned.exec();
        SQLite::Statement close_open(
            db_,
            "UPDATE surveys SET state = 'closed', closed_at = ?1, updated_at = ?1, "
            "next_reminder_at = NULL, comment_until = NULL WHERE state IN ('sent', 'delivered', "
            "'answered', 'commented') AND id IN (" +
                surveys + ")");
        close_open.bind(1, static_cast<std::int64_t>(now));
        n.closed += close_open.exec();
        SQLite::Statement anonymise(
            db_,
            "UPDATE surveys SET contact_id = ?1, contact_name = NULL, "
            "address = NULL, comment = NULL, updated_at = ?2 WHERE id IN (" +
                surveys + ")");
        anonymise.bind(1, options.pseudonym);
        anonymise.bind(2, static_cast<std::int64_t>(now));
        n.surveys = anonymise.exec();
        if (options.drop_answers) {
            // A survey whose send is under way stays (its message row points at it), as an
            // anonymous row without answers.
            db_.exec("DELETE FROM answers WHERE survey_id IN (" + surveys + ")");
            n.answers_dropped = changes(db_);
            db_.exec("DELETE FROM surveys WHERE id IN (" + surveys +
                     ") AND NOT EXISTS (SELECT 1 FROM messages m WHERE m.survey_id = surveys.id)");
            db_.exec("DELETE FROM alerts WHERE survey_id IN (" + surveys +
                     ") AND NOT EXISTS (SELECT 1 FROM surveys s WHERE s.id = alerts.survey_id)");
        }
    }
    if (!t.addresses.empty() || !surveys.empty()) {
        std::string where;
        if (!surveys.empty()) where = "survey_id IN (" + surveys + ")";
        if (!t.addresses.empty())
            where += (where.empty() ? "" : " OR ") + std::string("from_addr IN (") +
                     placeholders(t.addresses.size()) + ")";
        SQLite::Statement inbound(db_, "DELETE FROM inbound WHERE " + where);
        bind_all(inbound, t.addresses);
        n.inbound = inbound.exec();
    }
    if (!t.addresses.empty()) {
        SQLite::Statement unattached(
            db_, "DELETE FROM messages WHERE survey_id IS NULL AND address IN (" +
                     placeholders(t.addresses.size()) + ")");
        bind_all(unattached, t.addresses);
        n.messages += unattached.exec();
        for (const auto& address : optouts_of(t)) {
            const auto key = erased_optout_key(address);
            SQLite::Statement keep(
                db_,
                "INSERT OR IGNORE INTO optouts (address, opted_out_at, source) "
                "SELECT ?1, opted_out_at, 'erased' FROM optouts WHERE address = ?2");
            keep.bind(1, key);
            keep.bind(2, address);
            keep.exec();
            SQLite::Statement drop(db_, "DELETE FROM optouts WHERE address = ?");
            drop.bind(1, address);
            n.optouts += drop.exec();
        }
    }
    if (!t.contact_ids.empty()) {
        const auto in = placeholders(t.contact_ids.size());
        SQLite::Statement events(
            db_, "UPDATE events SET body = '{}', contact_id = ? WHERE contact_id IN (" + in + ")");
        events.bind(1, options.pseudonym);
        bind_all(events, t.contact_ids, 2);
        n.events = events.exec();
        SQLite::Statement contacts(db_, "DELETE FROM contacts WHERE id IN (" + in + ")");
        bind_all(contacts, t.contact_ids);
        n.contacts = contacts.exec();
        // A recurring run walks contacts in id order and keeps the last one it reached: it
        // resumes after the contact before it instead, which is the same place.
        for (const auto& id : t.contact_ids) {
            SQLite::Statement cursor(db_,
                                     "UPDATE schedule_runs SET cursor = COALESCE((SELECT MAX(id) "
                                     "FROM contacts WHERE id < ?1), '') WHERE cursor = ?1");
            cursor.bind(1, id);
            cursor.exec();
        }
    }
    return n;
}

RetentionCounts SqliteStore::apply_retention(const RetentionCutoffs& c, size_t limit) {
    RetentionCounts n;
    const auto lim = static_cast<std::int64_t>(limit);
    auto run = [&](const std::optional<Seconds>& cutoff, const std::string& sql) -> long long {
        if (!cutoff) return 0;
        SQLite::Statement st(db_, sql);
        st.bind(1, static_cast<std::int64_t>(*cutoff));
        st.bind(2, lim);
        return st.exec();
    };
    n.events = run(c.events,
                   "DELETE FROM events WHERE rowid IN (SELECT rowid FROM events WHERE "
                   "received_at < ?1 ORDER BY received_at LIMIT ?2)");
    n.messages = run(c.messages, std::string("DELETE FROM messages WHERE id IN (SELECT id FROM "
                                             "messages WHERE created_at < ?1 AND state IN ") +
                                     kFinishedMessages + " ORDER BY created_at LIMIT ?2)");
    n.comments = run(c.comments,
                     "UPDATE surveys SET comment = NULL WHERE id IN (SELECT id FROM surveys WHERE "
                     "comment IS NOT NULL AND commented_at < ?1 ORDER BY commented_at LIMIT ?2)");
    n.inbound = run(c.inbound,
                    "DELETE FROM inbound WHERE id IN (SELECT id FROM inbound WHERE "
                    "received_at < ?1 ORDER BY received_at LIMIT ?2)");
    n.audit = run(c.audit,
                  "DELETE FROM privacy_audit WHERE id IN (SELECT id FROM privacy_audit WHERE "
                  "at < ?1 ORDER BY at LIMIT ?2)");
    if (n.total() > 0) scrub_pending_ = true;
    return n;
}

std::int64_t SqliteStore::add_privacy_audit(const PrivacyAuditRow& row) {
    auto st = cached(db_,
                     "INSERT INTO privacy_audit (at, action, actor, selector, counts) "
                     "VALUES (?, ?, ?, ?, ?)");
    st->bind(1, static_cast<std::int64_t>(row.at));
    st->bind(2, row.action);
    st->bind(3, row.actor);
    st->bind(4, row.selector);
    st->bind(5, row.counts);
    st->exec();
    return db_.getLastInsertRowid();
}

void SqliteStore::set_privacy_audit_counts(std::int64_t id, const std::string& counts) {
    auto st = cached(db_, "UPDATE privacy_audit SET counts = ? WHERE id = ?");
    st->bind(1, counts);
    st->bind(2, static_cast<std::int64_t>(id));
    st->exec();
}

std::vector<PrivacyAuditRow> SqliteStore::privacy_audit(size_t limit) {
    auto st = cached(db_,
                     "SELECT id, at, action, actor, selector, counts FROM privacy_audit "
                     "ORDER BY id DESC LIMIT ?");
    st->bind(1, static_cast<std::int64_t>(limit));
    std::vector<PrivacyAuditRow> out;
    while (st->executeStep()) {
        PrivacyAuditRow r;
        r.id = st->getColumn(0).getInt64();
        r.at = st->getColumn(1).getInt64();
        r.action = text(st->getColumn(2));
        r.actor = text(st->getColumn(3));
        r.selector = text(st->getColumn(4));
        r.counts = text(st->getColumn(5));
        out.push_back(std::move(r));
    }
    return out;
}

bool SqliteStore::scrub_log() {
    // TRUNCATE copies every frame into the database file (where secure_delete has zeroed
    // the erased rows) and empties the WAL, old frames and all.
    scrub_pending_ = false;
    SQLite::Statement st(db_, "PRAGMA wal_checkpoint(TRUNCATE)");
    return st.executeStep() && st.getColumn(0).getInt() == 0;
}

}  // namespace cxgate::store
