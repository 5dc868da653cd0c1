#pragma once
// Private to src/store/: reads surveys and messages by an SQL condition. Only the store's
// own query functions (survey_queries, message_queries, events) write SQL; the rest of the
// daemon asks them by name. `indexed_by` ("INDEXED BY name") pins a hot query to its index.
#include <string>
#include <vector>

#include <SQLiteCpp/Database.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

std::vector<SurveyRow> surveys_where(SQLite::Database& db, const std::string& where_sql,
                                     const std::vector<std::string>& args = {},
                                     const std::string& tail_sql = "",
                                     const std::string& indexed_by = "");
std::vector<MessageRow> messages_where(SQLite::Database& db, const std::string& where_sql,
                                       const std::vector<std::string>& args = {},
                                       const std::string& tail_sql = "");

}  // namespace cxgate::store
