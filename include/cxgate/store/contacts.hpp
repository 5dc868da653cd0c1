#pragma once
// The people cxgate knows: what events said about each contact, kept across events so a
// later event that leaves something out (a CRM sends the deal, not the person) still finds
// the name and addresses an earlier one gave.
#include <optional>
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct ContactRow {
    std::string id, phone, email, name, locale, timezone, segment;
};

// Inserts the contact, or updates what this one carries and keeps what it leaves empty.
void upsert_contact(SQLite::Database& db, const ContactRow& contact, Seconds now);
std::optional<ContactRow> find_contact(SQLite::Database& db, const std::string& id);

// A page of known contacts after `cursor` in id order (a recurring survey's audience):
// only those in `segments` when it is not empty, only those an event mentioned at or after
// `seen_since` when it is set.
std::vector<ContactRow> contacts_after(SQLite::Database& db, const std::string& cursor,
                                       const std::vector<std::string>& segments,
                                       std::optional<Seconds> seen_since, size_t limit);

}  // namespace cxgate::store
