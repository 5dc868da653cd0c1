#pragma once
// One person's data on request: what the store holds about them (an access request,
// `cxgate export-person`, POST /v1/privacy/export) and its erasure (`cxgate forget`,
// POST /v1/privacy/forget), each written to the audit without the personal data.
//
// A person is named by any of a phone number (every way it may be spelled), an email
// address (any case), a contact id or an event id (the contact that event was about);
// the store then follows contacts to addresses and addresses to surveys, so the same phone
// under two contact ids is one person (store/personal_data.hpp).
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::privacy {

struct PersonKeys {
    std::string phone, email, contact, event;
    // "phone,email": which keys were given, for the audit (never their values).
    std::string kinds() const;
};

// The store's selector for the keys; nullopt with *error naming the field when a key is
// malformed or none is given.
std::optional<store::PersonSelector> selector_for(const PersonKeys& keys,
                                                  const config::Config& config, std::string* error);

// Everything held about the person, as JSON: contacts, events with their payloads,
// surveys with answers and comments, messages, replies, opt-outs. Audited as an export.
nlohmann::json export_person(store::Store& db, const store::PersonSelector& selector,
                             const std::string& kinds, const std::string& actor,
                             store::Seconds now);

struct Forgotten {
    bool found = false;  // nothing held about the person: nothing erased, still audited
    std::int64_t audit_id = 0;
    store::ErasureCounts counts;
};

// Erases the person inside the caller's transaction (store/personal_data.hpp says what
// stays); the caller commits, then calls db.scrub_log().
Forgotten forget(store::Store& db, const store::PersonSelector& selector, const std::string& kinds,
                 const std::string& actor, bool drop_answers, store::Seconds now);

nlohmann::json to_json(const store::ErasureCounts& counts);
nlohmann::json to_json(const store::PrivacyAuditRow& row);

}  // namespace cxgate::privacy
