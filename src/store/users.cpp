// Dashboard users, sessions and failed logins (users.hpp).
#include "cxgate/store/users.hpp"

#include <SQLiteCpp/Statement.h>

#include <array>
#include <utility>

#include "columns.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

using namespace detail;

namespace {

constexpr std::array<std::pair<Role, std::string_view>, 4> kRoles{{
    {Role::admin, "admin"},
    {Role::manager, "manager"},
    {Role::lead, "lead"},
    {Role::staff, "staff"},
}};

constexpr const char* kUserColumns =
    "SELECT id, email, role, staff_id, password_hash, locale, disabled, created_at, "
    "password_changed_at FROM users ";

UserRow read_user(SQLite::Statement& st) {
    UserRow u;
    u.id = st.getColumn(0).getInt64();
    u.email = text(st.getColumn(1));
    const auto role = parse_role(text(st.getColumn(2)));
    if (!role) throw std::runtime_error("users.role: unknown role " + text(st.getColumn(2)));
    u.role = *role;
    u.staff_id = text(st.getColumn(3));
    u.password_hash = text(st.getColumn(4));
    u.locale = text(st.getColumn(5));
    u.disabled = st.getColumn(6).getInt() != 0;
    u.created_at = st.getColumn(7).getInt64();
    u.password_changed_at = st.getColumn(8).getInt64();
    return u;
}

}  // namespace

std::string_view to_string(Role role) {
    for (const auto& [r, name] : kRoles)
        if (r == role) return name;
    return "staff";
}

std::optional<Role> parse_role(std::string_view text) {
    for (const auto& [r, name] : kRoles)
        if (name == text) return r;
    return std::nullopt;
}

std::optional<std::int64_t> SqliteStore::add_user(const UserRow& user) {
    auto st = cached(db_,
                     "INSERT INTO users (email, role, staff_id, password_hash, locale, disabled, "
                     "created_at, password_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) "
                     "ON CONFLICT (email) DO NOTHING");
    st->bind(1, user.email);
    st->bind(2, std::string(to_string(user.role)));
    bind_text(*st, 3, user.staff_id);
    st->bind(4, user.password_hash);
    bind_text(*st, 5, user.locale);
    st->bind(6, user.disabled ? 1 : 0);
    st->bind(7, static_cast<std::int64_t>(user.created_at));
    st->bind(8, static_cast<std::int64_t>(user.password_changed_at));
    if (st->exec() == 0) return std::nullopt;
    return db_.getLastInsertRowid();
}

std::optional<UserRow> SqliteStore::find_user(std::int64_t id) {
    auto st = cached(db_, std::string(kUserColumns) + "WHERE id = ?");
    st->bind(1, id);
    if (!st->executeStep()) return std::nullopt;
    return read_user(*st);
}

std::optional<UserRow> SqliteStore::find_user_by_email(const std::string& email) {
    auto st = cached(db_, std::string(kUserColumns) + "WHERE email = ?");
    st->bind(1, email);
    if (!st->executeStep()) return std::nullopt;
    return read_user(*st);
}

std::vector<UserRow> SqliteStore::users() {
    auto st = cached(db_, std::string(kUserColumns) + "ORDER BY email");
    std::vector<UserRow> out;
    while (st->executeStep()) out.push_back(read_user(*st));
    return out;
}

bool SqliteStore::set_password(std::int64_t user_id, const std::string& password_hash,
                               Seconds now) {
    auto st =
        cached(db_, "UPDATE users SET password_hash = ?, password_changed_at = ? WHERE id = ?");
    st->bind(1, password_hash);
    st->bind(2, static_cast<std::int64_t>(now));
    st->bind(3, user_id);
    if (st->exec() == 0) return false;
    end_sessions_of(user_id);
    return true;
}

bool SqliteStore::set_disabled(std::int64_t user_id, bool disabled) {
    auto st = cached(db_, "UPDATE users SET disabled = ? WHERE id = ?");
    st->bind(1, disabled ? 1 : 0);
    st->bind(2, user_id);
    if (st->exec() == 0) return false;
    if (disabled) end_sessions_of(user_id);
    return true;
}

void SqliteStore::add_session(const SessionRow& s) {
    auto st = cached(db_,
                     "INSERT INTO sessions (token_hash, user_id, csrf, created_at, last_seen_at, "
                     "expires_at) VALUES (?, ?, ?, ?, ?, ?)");
    st->bind(1, s.token_hash);
    st->bind(2, s.user_id);
    st->bind(3, s.csrf);
    st->bind(4, static_cast<std::int64_t>(s.created_at));
    st->bind(5, static_cast<std::int64_t>(s.last_seen_at));
    st->bind(6, static_cast<std::int64_t>(s.expires_at));
    st->exec();
}

std::optional<SessionRow> SqliteStore::find_session(const std::string& token_hash) {
    auto st = cached(db_,
                     "SELECT token_hash, user_id, csrf, created_at, last_seen_at, expires_at "
                     "FROM sessions WHERE token_hash = ?");
    st->bind(1, token_hash);
    if (!st->executeStep()) return std::nullopt;
    SessionRow s;
    s.token_hash = text(st->getColumn(0));
    s.user_id = st->getColumn(1).getInt64();
    s.csrf = text(st->getColumn(2));
    s.created_at = st->getColumn(3).getInt64();
    s.last_seen_at = st->getColumn(4).getInt64();
    s.expires_at = st->getColumn(5).getInt64();
    return s;
}

void SqliteStore::touch_session(const std::string& token_hash, Seconds now, Seconds expires_at) {
    auto st =
        cached(db_, "UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE token_hash = ?");
    st->bind(1, static_cast<std::int64_t>(now));
    st->bind(2, static_cast<std::int64_t>(expires_at));
    st->bind(3, token_hash);
    st->exec();
}

void SqliteStore::end_session(const std::string& token_hash) {
    auto st = cached(db_, "DELETE FROM sessions WHERE token_hash = ?");
    st->bind(1, token_hash);
    st->exec();
}

void SqliteStore::end_sessions_of(std::int64_t user_id) {
    auto st = cached(db_, "DELETE FROM sessions WHERE user_id = ?");
    st->bind(1, user_id);
    st->exec();
}

size_t SqliteStore::end_expired_sessions(Seconds now) {
    auto st = cached(db_, "DELETE FROM sessions WHERE expires_at <= ?");
    st->bind(1, static_cast<std::int64_t>(now));
    return static_cast<size_t>(st->exec());
}

LoginFailures SqliteStore::login_failures(const std::string& key) {
    auto st = cached(db_, "SELECT count, first_at, locked_until FROM login_failures WHERE key = ?");
    st->bind(1, key);
    LoginFailures f;
    if (!st->executeStep()) return f;
    f.count = st->getColumn(0).getInt();
    f.first_at = st->getColumn(1).getInt64();
    f.locked_until = st->getColumn(2).getInt64();
    return f;
}

void SqliteStore::set_login_failures(const std::string& key, const LoginFailures& f) {
    auto st = cached(db_,
                     "INSERT INTO login_failures (key, count, first_at, locked_until) "
                     "VALUES (?, ?, ?, ?) ON CONFLICT (key) DO UPDATE SET count = excluded.count, "
                     "first_at = excluded.first_at, locked_until = excluded.locked_until");
    st->bind(1, key);
    st->bind(2, f.count);
    st->bind(3, static_cast<std::int64_t>(f.first_at));
    st->bind(4, static_cast<std::int64_t>(f.locked_until));
    st->exec();
}

void SqliteStore::clear_login_failures(const std::string& key) {
    auto st = cached(db_, "DELETE FROM login_failures WHERE key = ?");
    st->bind(1, key);
    st->exec();
}

}  // namespace cxgate::store
