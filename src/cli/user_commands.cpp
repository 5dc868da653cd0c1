// `cxgate user ...` (user_commands.hpp).
#include "cxgate/cli/user_commands.hpp"

#include <SQLiteCpp/Transaction.h>
#include <termios.h>
#include <unistd.h>

#include <algorithm>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "cxgate/accounts/throttle.hpp"
#include "cxgate/cli/command_support.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/passwords.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace cxgate::cli {

namespace {

// One line from the terminal without echo, so the password stays off the screen and out of
// the scrollback.
std::optional<std::string> read_hidden(const char* prompt) {
    std::cerr << prompt << std::flush;
    termios old{};
    const bool tty = tcgetattr(STDIN_FILENO, &old) == 0;
    if (tty) {
        termios quiet = old;
        quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
        tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
    }
    std::string line;
    const bool got = static_cast<bool>(std::getline(std::cin, line));
    if (tty) {
        tcsetattr(STDIN_FILENO, TCSANOW, &old);
        std::cerr << "\n";
    }
    if (!got) return std::nullopt;
    return line;
}

// The new password from --password, one line of stdin, or asked twice at the terminal.
std::optional<std::string> new_password(const UserOptions& o, const char* command) {
    std::optional<std::string> password;
    if (!o.password.empty()) {
        password = o.password;
    } else if (o.password_stdin) {
        std::string line;
        if (std::getline(std::cin, line)) password = line;
        if (password && !password->empty() && password->back() == '\r') password->pop_back();
    } else if (isatty(STDIN_FILENO)) {
        password = read_hidden("Password: ");
        const auto again = password ? read_hidden("Again: ") : std::nullopt;
        if (password && again != password) {
            std::cerr << "cxgate user " << command << ": the passwords differ; nothing changed\n";
            return std::nullopt;
        }
    } else {
        std::cerr << "cxgate user " << command
                  << ": no password: give --password-stdin (one line on standard input), "
                     "--password P, or run it at a terminal to be asked\n";
        return std::nullopt;
    }
    if (!password) {
        std::cerr << "cxgate user " << command << ": no password read\n";
        return std::nullopt;
    }
    if (auto weak = passwords::weakness(*password); !weak.empty()) {
        std::cerr << "cxgate user " << command << ": password: " << weak << "\n";
        return std::nullopt;
    }
    return password;
}

// The database of the configuration (or --db), for writing.
std::unique_ptr<store::SqliteStore> open_store(const UserOptions& o, const char* command,
                                               std::shared_ptr<const config::Config>* config) {
    auto loaded = load_or_report(o.config_file);
    if (!loaded) return nullptr;
    if (config) *config = loaded;
    const std::string path = o.db_override.empty() ? loaded->store.path : o.db_override;
    try {
        return std::make_unique<store::SqliteStore>(store::open_for_writing(path));
    } catch (const std::exception& e) {
        std::cerr << "cxgate user " << command << ": " << e.what() << "\n";
        return nullptr;
    }
}

bool plausible_email(const std::string& email) {
    const auto at = email.find('@');
    return at != std::string::npos && at > 0 && at + 1 < email.size() &&
           email.find_first_of(" \t\r\n<>\",;") == std::string::npos && email.size() <= 254;
}

}  // namespace

int user_add(const UserOptions& o) {
    const auto email = accounts::normal_email(o.email);
    if (!plausible_email(email)) {
        std::cerr << "cxgate user add: email: \"" << o.email << "\" is not an email address\n";
        return 2;
    }
    const auto role = store::parse_role(o.role);
    if (!role) {
        std::cerr << "cxgate user add: --role: one of admin, manager, lead, staff\n";
        return 2;
    }
    const bool personal = *role == store::Role::lead || *role == store::Role::staff;
    if (personal && o.staff_id.empty()) {
        std::cerr << "cxgate user add: --staff-id: a " << o.role
                  << " sees results by their staff id; give the id from the staff list\n";
        return 2;
    }
    std::shared_ptr<const config::Config> config;
    auto db = open_store(o, "add", &config);
    if (!db) return 2;
    if (!o.staff_id.empty() && !config->staff.count(o.staff_id)) {
        std::cerr << "cxgate user add: --staff-id: \"" << o.staff_id
                  << "\" is not in the configuration's staff list\n";
        return 2;
    }
    if (!o.locale.empty() &&
        std::find(config->defaults.locales.begin(), config->defaults.locales.end(), o.locale) ==
            config->defaults.locales.end()) {
        std::cerr << "cxgate user add: --locale: \"" << o.locale
                  << "\" is not one of defaults.locales\n";
        return 2;
    }
    if (db->find_user_by_email(email)) {
        std::cerr << "cxgate user add: " << email
                  << " already has an account (cxgate user passwd to change its password)\n";
        return 1;
    }
    const auto password = new_password(o, "add");
    if (!password) return 2;
    const auto hashed = passwords::hash(*password);
    if (!hashed) {
        std::cerr << "cxgate user add: not enough memory to hash the password\n";
        return 1;
    }
    store::UserRow user;
    user.email = email;
    user.role = *role;
    user.staff_id = o.staff_id;
    user.password_hash = *hashed;
    user.locale = o.locale;
    user.created_at = user.password_changed_at = now_seconds();
    const auto id = db->add_user(user);
    if (!id) {
        std::cerr << "cxgate user add: " << email << " already has an account\n";
        return 1;
    }
    std::cout << "added " << email << " (" << o.role
              << (o.staff_id.empty() ? "" : ", staff " + o.staff_id) << ")\n";
    return 0;
}

int user_passwd(const UserOptions& o) {
    auto db = open_store(o, "passwd", nullptr);
    if (!db) return 2;
    const auto user = db->find_user_by_email(accounts::normal_email(o.email));
    if (!user) {
        std::cerr << "cxgate user passwd: no user " << o.email << "\n";
        return 1;
    }
    const auto password = new_password(o, "passwd");
    if (!password) return 2;
    const auto hashed = passwords::hash(*password);
    if (!hashed) {
        std::cerr << "cxgate user passwd: not enough memory to hash the password\n";
        return 1;
    }
    // The new password, the end of the old sessions and of the lock, together.
    SQLite::Transaction transaction(db->database());
    db->set_password(user->id, *hashed, now_seconds());
    db->clear_login_failures(accounts::account_key(user->email));
    transaction.commit();
    std::cout << "new password for " << user->email << "; their sessions are ended\n";
    return 0;
}

int user_list(const UserOptions& o) {
    auto db = open_store(o, "list", nullptr);
    if (!db) return 2;
    const auto users = db->users();
    auto when = [](store::Seconds t) {
        return timing::format_iso8601(timing::TimePoint{std::chrono::seconds{t}});
    };
    if (o.json) {
        auto out = nlohmann::json::array();
        for (const auto& u : users)
            out.push_back({{"email", u.email},
                           {"role", store::to_string(u.role)},
                           {"staff_id", u.staff_id.empty() ? nlohmann::json(nullptr)
                                                           : nlohmann::json(u.staff_id)},
                           {"locale", u.locale},
                           {"disabled", u.disabled},
                           {"created_at", when(u.created_at)},
                           {"password_changed_at", when(u.password_changed_at)}});
        std::cout << json_input::dump(out, 2) << "\n";
        return 0;
    }
    if (users.empty()) std::cout << "(no users: cxgate user add EMAIL --role admin)\n";
    for (const auto& u : users)
        std::cout << u.email << "  " << store::to_string(u.role)
                  << (u.staff_id.empty() ? "" : "  staff " + u.staff_id)
                  << (u.locale.empty() ? "" : "  " + u.locale) << (u.disabled ? "  DISABLED" : "")
                  << "\n";
    return 0;
}

int user_disable(const UserOptions& o, bool disabled) {
    const char* command = disabled ? "disable" : "enable";
    auto db = open_store(o, command, nullptr);
    if (!db) return 2;
    const auto user = db->find_user_by_email(accounts::normal_email(o.email));
    if (!user) {
        std::cerr << "cxgate user " << command << ": no user " << o.email << "\n";
        return 1;
    }
    SQLite::Transaction transaction(db->database());
    db->set_disabled(user->id, disabled);
    transaction.commit();
    std::cout << user->email << (disabled ? " disabled; their sessions are ended\n" : " enabled\n");
    return 0;
}

}  // namespace cxgate::cli
