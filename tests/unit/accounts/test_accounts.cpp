// Roles, sessions, login throttling and the users' table: the rules the dashboard, the API
// and `cxgate user` share.
#include <doctest/doctest.h>

#include <filesystem>

#include "cxgate/accounts/roles.hpp"
#include "cxgate/accounts/sessions.hpp"
#include "cxgate/accounts/throttle.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

using namespace cxgate;
using store::Role;

namespace {

config::Config directory() {
    config::Config c;
    auto add = [&](const std::string& id, const std::string& lead) {
        config::StaffMember m;
        m.id = id;
        m.name = id;
        m.lead = lead;
        c.staff[id] = m;
    };
    add("lead-1", "");
    add("s-1", "lead-1");
    add("s-2", "lead-1");
    add("s-3", "lead-2");
    add("lead-2", "");
    return c;
}

accounts::Viewer viewer(Role role, const std::string& staff_id) {
    store::UserRow u;
    u.id = 7;
    u.email = "x@example.com";
    u.role = role;
    u.staff_id = staff_id;
    return accounts::viewer_of(u, directory());
}

using Params = std::map<std::string, std::string>;

}  // namespace

TEST_CASE("roles: managers and admins see every result as asked") {
    for (auto role : {Role::admin, Role::manager}) {
        Params p{{"flow", "mortgage"}, {"staff", "s-3"}};
        CHECK_FALSE(accounts::narrow(viewer(role, ""), p));
        CHECK(p == Params{{"flow", "mortgage"}, {"staff", "s-3"}});
        CHECK_FALSE(accounts::needs_everything(viewer(role, "")));
    }
    CHECK(accounts::manages_users(viewer(Role::admin, "")));
    CHECK_FALSE(accounts::manages_users(viewer(Role::manager, "")));
}

TEST_CASE("roles: a lead sees their team and each of its members, nobody else") {
    const auto lead = viewer(Role::lead, "lead-1");
    CHECK(lead.may_see == std::set<std::string>{"lead-1", "s-1", "s-2"});
    Params p{{"flow", "mortgage"}};
    CHECK_FALSE(accounts::narrow(lead, p));
    CHECK(p.at("team") == "lead-1");
    CHECK_FALSE(p.count("staff"));
    for (const char* mine : {"s-1", "s-2", "lead-1"}) {
        Params one{{"staff", mine}};
        CHECK_FALSE(accounts::narrow(lead, one));
        CHECK(one == Params{{"staff", mine}});
    }
    Params other{{"staff", "s-3"}};
    CHECK(accounts::narrow(lead, other));
    Params other_team{{"team", "lead-2"}};
    CHECK(accounts::narrow(lead, other_team));
    Params own_team{{"team", "lead-1"}};
    CHECK_FALSE(accounts::narrow(lead, own_team));
    CHECK(accounts::needs_everything(lead));
    CHECK_FALSE(accounts::manages_users(lead));
}

TEST_CASE("roles: a staff member sees only their own results") {
    const auto staff = viewer(Role::staff, "s-1");
    Params p;
    CHECK_FALSE(accounts::narrow(staff, p));
    CHECK(p == Params{{"staff", "s-1"}});
    Params own{{"staff", "s-1"}};
    CHECK_FALSE(accounts::narrow(staff, own));
    for (Params asked :
         {Params{{"staff", "s-2"}}, Params{{"team", "lead-1"}}, Params{{"team", "s-1"}}}) {
        const auto before = asked;
        CHECK(accounts::narrow(staff, asked));
        CHECK(asked == before);  // refused, never silently widened or emptied
    }
    // A staff member's account without a staff id sees nothing rather than everything.
    Params none;
    CHECK(accounts::narrow(viewer(Role::staff, ""), none));
    CHECK(accounts::narrow(viewer(Role::lead, ""), none));
    CHECK(none.empty());
}

TEST_CASE("sessions: a token is stored only as its hash, idles out and lives at most a week") {
    const store::Seconds t0 = 1'800'000'000;
    const auto s = accounts::open_session(3, t0);
    CHECK(s.token.size() == 64);
    CHECK(s.row.token_hash == accounts::token_hash(s.token));
    CHECK(s.row.token_hash != s.token);
    CHECK(s.row.csrf.size() == 64);
    CHECK(s.row.csrf != s.token);
    CHECK(accounts::open_session(3, t0).token != s.token);
    CHECK(accounts::session_valid(s.row, t0 + accounts::kSessionIdle - 1));
    CHECK_FALSE(accounts::session_valid(s.row, t0 + accounts::kSessionIdle));
    // Used within the idle time it lives on, but never past the week.
    auto row = s.row;
    CHECK_FALSE(accounts::renewed_expiry(row, t0 + 10));  // not yet worth a write
    for (store::Seconds t = t0; t < t0 + 8 * 24 * 3600; t += 6 * 3600) {
        if (!accounts::session_valid(row, t)) {
            CHECK(t >= t0 + accounts::kSessionLifetime);
            break;
        }
        if (auto e = accounts::renewed_expiry(row, t)) {
            row.last_seen_at = t;
            row.expires_at = *e;
        }
        CHECK(row.expires_at <= t0 + accounts::kSessionLifetime);
    }
    CHECK_FALSE(accounts::session_valid(row, t0 + accounts::kSessionLifetime));
}

TEST_CASE("sessions: CSRF tokens compare whole, cookies carry HttpOnly and SameSite=Strict") {
    CHECK(accounts::csrf_matches("abc123", "abc123"));
    CHECK_FALSE(accounts::csrf_matches("abc123", "abc12"));
    CHECK_FALSE(accounts::csrf_matches("abc123", ""));
    CHECK_FALSE(accounts::csrf_matches("", ""));
    const auto plain = accounts::cookie("cxgate_session", "v", 60, false);
    CHECK(plain == "cxgate_session=v; Path=/; Max-Age=60; HttpOnly; SameSite=Strict");
    CHECK(accounts::cookie("cxgate_session", "v", 60, true).find("; Secure") != std::string::npos);
    CHECK(accounts::cookie_value("a=1; cxgate_session=tok; b=2", "cxgate_session") == "tok");
    CHECK(accounts::cookie_value("xcxgate_session=no; cxgate_session=yes", "cxgate_session") ==
          "yes");
    CHECK(accounts::cookie_value("a=1", "cxgate_session").empty());
    CHECK(accounts::cookie_value("", "cxgate_session").empty());
}

TEST_CASE("throttle: a few mistakes pass, a run of them locks, doubling up to an hour") {
    const store::Seconds t0 = 1'800'000'000;
    store::LoginFailures f;
    store::Seconds wait = 0;
    for (int i = 1; i < accounts::kAccountFailuresAllowed; ++i) {
        f = accounts::after_failure(f, t0 + i, accounts::kAccountFailuresAllowed);
        CHECK_FALSE(accounts::locked(f, t0 + i, &wait));
    }
    f = accounts::after_failure(f, t0 + 10, accounts::kAccountFailuresAllowed);
    REQUIRE(accounts::locked(f, t0 + 10, &wait));
    CHECK(wait == 60);
    CHECK_FALSE(accounts::locked(f, t0 + 70, &wait));
    f = accounts::after_failure(f, t0 + 70, accounts::kAccountFailuresAllowed);
    CHECK(f.locked_until == t0 + 70 + 120);
    for (int i = 0; i < 20; ++i) f = accounts::after_failure(f, f.locked_until, 5);
    CHECK(f.locked_until - (f.locked_until - 3600) == 3600);
    CHECK(accounts::locked(f, f.locked_until - 3600, &wait));
    CHECK(wait == 3600);
    // Failures more than 15 minutes apart start a new run.
    store::LoginFailures slow;
    for (int i = 0; i < 10; ++i) {
        slow = accounts::after_failure(slow, t0 + i * 1000, accounts::kAccountFailuresAllowed);
        CHECK_FALSE(accounts::locked(slow, t0 + i * 1000, &wait));
    }
    CHECK(accounts::account_key(" Ann@Example.COM ") == "account:ann@example.com");
    CHECK(accounts::normal_email("  ") == "");
}

TEST_CASE("users: unique by email, a new password or disabling ends the user's sessions") {
    const auto path = (std::filesystem::temp_directory_path() / "cxgate-unit-users.db").string();
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path + suffix);
    store::SqliteStore db(store::open_for_writing(path));
    store::UserRow ann;
    ann.email = "ann@example.com";
    ann.role = Role::lead;
    ann.staff_id = "lead-1";
    ann.password_hash = "$argon2id$stub";
    ann.locale = "fi";
    ann.created_at = ann.password_changed_at = 100;
    const auto id = db.add_user(ann);
    REQUIRE(id);
    CHECK_FALSE(db.add_user(ann));  // the same email again
    auto bob = ann;
    bob.email = "bob@example.com";
    bob.role = Role::staff;
    bob.staff_id = "s-1";
    bob.locale.clear();
    const auto bob_id = db.add_user(bob);
    REQUIRE(bob_id);
    const auto found = db.find_user_by_email("ann@example.com");
    REQUIRE(found);
    CHECK(found->id == *id);
    CHECK(found->role == Role::lead);
    CHECK(found->staff_id == "lead-1");
    CHECK(found->locale == "fi");
    CHECK(db.users().size() == 2);
    CHECK(db.find_user(*bob_id)->locale.empty());

    auto session = [&](std::int64_t user, store::Seconds now) {
        auto s = accounts::open_session(user, now);
        db.add_session(s.row);
        return s.row.token_hash;
    };
    const auto a1 = session(*id, 200), a2 = session(*id, 210), b1 = session(*bob_id, 220);
    CHECK(db.find_session(a1)->csrf.size() == 64);
    db.touch_session(a1, 500, 9999);
    CHECK(db.find_session(a1)->expires_at == 9999);
    CHECK(db.find_session(a1)->last_seen_at == 500);

    CHECK(db.set_password(*id, "$argon2id$new", 600));
    CHECK_FALSE(db.find_session(a1));
    CHECK_FALSE(db.find_session(a2));
    CHECK(db.find_session(b1));
    CHECK(db.find_user(*id)->password_changed_at == 600);
    CHECK(db.set_disabled(*bob_id, true));
    CHECK_FALSE(db.find_session(b1));
    CHECK(db.find_user(*bob_id)->disabled);
    CHECK_FALSE(db.set_disabled(999, true));
    CHECK_FALSE(db.set_password(999, "x", 1));

    const auto a3 = session(*id, 1000);
    db.end_session(a3);
    CHECK_FALSE(db.find_session(a3));
    session(*id, 1000);
    CHECK(db.end_expired_sessions(1000 + accounts::kSessionIdle) == 1);

    const auto key = accounts::account_key("ann@example.com");
    CHECK(db.login_failures(key).count == 0);
    db.set_login_failures(key, {3, 10, 20});
    CHECK(db.login_failures(key).count == 3);
    CHECK(db.login_failures(key).locked_until == 20);
    db.clear_login_failures(key);
    CHECK(db.login_failures(key).count == 0);
}
