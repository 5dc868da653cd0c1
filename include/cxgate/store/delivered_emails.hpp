#pragma once
// What a sandbox email channel delivered: the email exactly as it was built for a provider
// (format_email's headers, text part and HTML part), kept beside its message row because
// the sandbox's delivery is the database. `cxgate outbox --html ID` shows it later as it
// was sent; building it again would sign fresh answer tokens: a different message.
//
// It holds what its message holds (the person's name in the body, their address in the
// unsubscribe link), so it lives and goes with the message row: deleted with it (erasure,
// retention) and as soon as the row's address is wiped (an erasure while the send was
// under way, an anonymous survey unlinked), by the schema itself (migration 15).
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cxgate::store {

struct DeliveredEmail {
    std::string from;  // the sender's address and display name, as sent
    std::string from_name;
    std::vector<std::string> headers;  // "Name: value": Message-ID, Reply-To, List-Unsubscribe
    std::string text;                  // text/plain: the body and the score links
    std::string html;                  // text/html: the body, score buttons, unsubscribe link
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class DeliveredEmails {
  public:
    // Keeps the email built for a message whose send is being recorded (in the same
    // transaction), replacing an earlier one; nothing when the message's row has been
    // wiped since it was claimed (an erasure while the request was under way), so nothing
    // of the person comes back.
    virtual void keep_delivered_email(std::int64_t message_id, const DeliveredEmail& email) = 0;
    // The email kept for a message: none for an SMS, a real provider's email (the provider
    // has it), or a message sent before schema version 15.
    virtual std::optional<DeliveredEmail> delivered_email(std::int64_t message_id) = 0;

  protected:
    ~DeliveredEmails() = default;
};

}  // namespace cxgate::store
