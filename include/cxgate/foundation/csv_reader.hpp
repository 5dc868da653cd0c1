#pragma once
// Reading CSV (RFC 4180) one record at a time: contact lists and CRM exports.
#include <istream>
#include <string>
#include <vector>

namespace cxgate::csv {

// Fields separated by commas; "quoted" fields may hold commas, "" and line breaks. Returns
// false at the end of input. `lines` counts the physical lines consumed, so errors can name
// the line a record started on.
bool read_record(std::istream& in, std::vector<std::string>& fields, int& lines);

}  // namespace cxgate::csv
