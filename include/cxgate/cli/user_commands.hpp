#pragma once
// `cxgate user add|passwd|list|disable|enable`: the dashboard's users, written straight
// into the database (the daemon reads users per request, so a change holds at once, and
// needs no API token: whoever may write the database file may manage its users).
#include <string>

namespace cxgate::cli {

struct UserOptions {
    std::string config_file, db_override;
    std::string email, role, staff_id, locale;
    std::string password;  // --password (visible to `ps`: prefer the prompt or stdin)
    bool password_stdin = false;
    bool json = false;
};

int user_add(const UserOptions& options);
int user_passwd(const UserOptions& options);
int user_list(const UserOptions& options);
int user_disable(const UserOptions& options, bool disabled);

}  // namespace cxgate::cli
