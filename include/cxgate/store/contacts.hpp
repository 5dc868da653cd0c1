#pragma once
// The people cxgate knows: what events said about each contact, kept across events so a
// later event that leaves something out (a CRM sends the deal, not the person) still finds
// the name and addresses an earlier one gave.
#include <optional>
#include <string>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct ContactRow {
    std::string id, phone, email, name, locale, timezone, segment;
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class ContactBook {
  public:
    // Inserts the contact, or updates what this one carries and keeps what it leaves empty.
    // Returns the name it has after: this one's, or the one kept from before.
    virtual std::string upsert_contact(const ContactRow& contact, Seconds now) = 0;
    virtual std::optional<ContactRow> find_contact(const std::string& id) = 0;

    // A page of known contacts after `cursor` in id order (a recurring survey's audience):
    // only those in `segments` when it is not empty, only those an event mentioned at or after
    // `seen_since` when it is set.
    virtual std::vector<ContactRow> contacts_after(const std::string& cursor,
                                                   const std::vector<std::string>& segments,
                                                   std::optional<Seconds> seen_since,
                                                   size_t limit) = 0;

  protected:
    ~ContactBook() = default;
};

}  // namespace cxgate::store
