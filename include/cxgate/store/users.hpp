#pragma once
// Dashboard users, their sessions and the failed logins that throttle them. The store keeps
// only what a login needs to check: a password's Argon2id string, never the password, and a
// session's SHA-256, never the cookie, so a copy of the database opens no session.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cxgate/store/records.hpp"

namespace cxgate::store {

// What a user may see (accounts/roles.hpp holds the rules).
enum class Role {
    admin,    // everything, and the users
    manager,  // every result
    lead,     // the results of their team: the staff whose lead they are, and their own
    staff,    // their own results and alerts
};
std::string_view to_string(Role role);
std::optional<Role> parse_role(std::string_view text);

struct UserRow {
    std::int64_t id = 0;
    std::string email;  // lower-case; unique
    Role role = Role::staff;
    std::string staff_id;  // lead and staff: who they are in the configuration's staff list
    std::string password_hash;
    std::string locale;  // fi, sv, en: the dashboard's language
    bool disabled = false;
    Seconds created_at = 0;
    Seconds password_changed_at = 0;
};

struct SessionRow {
    std::string token_hash;  // SHA-256 of the cookie's value, hex
    std::int64_t user_id = 0;
    std::string csrf;  // the token every POST of this session carries
    Seconds created_at = 0;
    Seconds last_seen_at = 0;
    Seconds expires_at = 0;
};

// Failed logins under one key ("account:ann@example.com", "address:192.0.2.7").
struct LoginFailures {
    int count = 0;
    Seconds first_at = 0;      // the first failure of the current run
    Seconds locked_until = 0;  // no login under this key before then
};

class UserDirectory {
  public:
    // The new user's id; std::nullopt when the email is already taken.
    virtual std::optional<std::int64_t> add_user(const UserRow& user) = 0;
    virtual std::optional<UserRow> find_user(std::int64_t id) = 0;
    virtual std::optional<UserRow> find_user_by_email(const std::string& email) = 0;
    virtual std::vector<UserRow> users() = 0;  // by email
    // Both end the user's sessions; false when there is no such user.
    virtual bool set_password(std::int64_t user_id, const std::string& password_hash,
                              Seconds now) = 0;
    virtual bool set_disabled(std::int64_t user_id, bool disabled) = 0;

    virtual void add_session(const SessionRow& session) = 0;
    virtual std::optional<SessionRow> find_session(const std::string& token_hash) = 0;
    virtual void touch_session(const std::string& token_hash, Seconds now, Seconds expires_at) = 0;
    virtual void end_session(const std::string& token_hash) = 0;
    virtual void end_sessions_of(std::int64_t user_id) = 0;
    // Sessions past their expiry are deleted; returns how many.
    virtual size_t end_expired_sessions(Seconds now) = 0;

    virtual LoginFailures login_failures(const std::string& key) = 0;
    virtual void set_login_failures(const std::string& key, const LoginFailures& failures) = 0;
    virtual void clear_login_failures(const std::string& key) = 0;

  protected:
    ~UserDirectory() = default;
};

}  // namespace cxgate::store
