#pragma once
// The schema as SQL: entry i moves a database from version i to i+1 (database.cpp applies
// them in order, each in its own transaction).
#include <string>
#include <vector>

namespace cxgate::store::detail {

const std::vector<std::string>& migrations();

}  // namespace cxgate::store::detail
