#pragma once
// Inbound messages (replies, answer-page submits): written once each, with what came of
// it, keyed on the provider's message id so a provider's retry changes nothing.
#include <optional>
#include <string>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

struct InboundRow {
    std::string channel, provider_id, from, text;
    Seconds received_at = 0;
    std::optional<std::int64_t> survey_id;
    std::string outcome;  // score, comment, retry, opted_out, no_open_survey, ...
};

bool inbound_seen(SQLite::Database& db, const std::string& channel, const std::string& provider_id);
void record_inbound(SQLite::Database& db, const InboundRow& row);

// The address may be surveyed again (START, or an operator's opt-in).
void opt_in_address(SQLite::Database& db, const std::string& address);

}  // namespace cxgate::store
