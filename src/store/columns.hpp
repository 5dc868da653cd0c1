#pragma once
// Private to src/store/: binding and reading the column types the tables share (optional
// times, text kept as NULL when empty, state words), for the row files.
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>

#include <SQLiteCpp/Column.h>
#include <SQLiteCpp/Statement.h>

#include "cxgate/store/records.hpp"

namespace cxgate::store::detail {

template <typename T>
inline void bind_optional(SQLite::Statement& st, int index, const std::optional<T>& value) {
    if (value)
        st.bind(index, static_cast<std::int64_t>(*value));
    else
        st.bind(index);
}

inline void bind_text(SQLite::Statement& st, int index, const std::string& value) {
    if (value.empty())
        st.bind(index);
    else
        st.bind(index, value);
}

inline std::optional<Seconds> optional_int(const SQLite::Column& c) {
    if (c.isNull()) return std::nullopt;
    return c.getInt64();
}

inline std::string text(const SQLite::Column& c) {
    return c.isNull() ? std::string() : c.getString();
}

// A state word the tables do not know means the database was written by something else
// (or a newer version): refuse to guess what it should do next.
template <typename Parse>
auto stored_state(Parse parse, const std::string& word, const char* what, std::int64_t id) {
    auto state = parse(word);
    if (!state)
        throw std::runtime_error(std::string(what) + " " + std::to_string(id) +
                                 ": unknown state '" + word + "' in the database");
    return *state;
}

}  // namespace cxgate::store::detail
