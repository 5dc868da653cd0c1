#pragma once
// Inbound messages (replies, answer-page submits): written once each, with what came of
// it, keyed on the provider's message id so a provider's retry changes nothing.
#include <optional>
#include <string>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct InboundRow {
    std::string channel, provider_id, from, text;
    Seconds received_at = 0;
    std::optional<std::int64_t> survey_id;
    std::string outcome;  // score, comment, retry, opted_out, no_open_survey, ...
};

// The operations above, as part of the store's interface (store.hpp). Each store
// (SQLite today) implements them; callers get them through store::Store.
class InboundLog {
  public:
    virtual bool inbound_seen(const std::string& channel, const std::string& provider_id) = 0;
    virtual void record_inbound(const InboundRow& row) = 0;

    // The address may be surveyed again (START, or an operator's opt-in).
    virtual void opt_in_address(const std::string& address) = 0;

  protected:
    ~InboundLog() = default;
};

}  // namespace cxgate::store
