#include <doctest/doctest.h>

#include <array>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cxgate/config/config.hpp"

namespace fs = std::filesystem;
using cxgate::config::load;

namespace {

// A throwaway configuration directory: the bundled templates, one flow file per test.
struct ConfigDir {
    fs::path root;
    explicit ConfigDir(const std::string& flow_yaml, const std::string& extra_config = "") {
        root = fs::temp_directory_path() / ("cxgate-config-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        fs::copy(fs::path(CXGATE_SOURCE_DIR) / "templates", root / "templates",
                 fs::copy_options::recursive);
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "channels:\n"
              "  sms: { type: sandbox, kind: sms }\n"
              "  email: { type: sandbox, kind: email }\n" +
                  extra_config);
        write("flows/f.yaml", flow_yaml);
    }
    ~ConfigDir() { fs::remove_all(root); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(root / name) << text;
    }
    std::string file() const { return (root / "cxgate.yaml").string(); }
    std::string flow() const { return (root / "flows/f.yaml").lexically_normal().string(); }
};

bool has(const cxgate::config::Diagnostics& d, const std::string& text) {
    return d.to_string().find(text) != std::string::npos;
}

}  // namespace

TEST_CASE("config: the bundled configuration and mortgage funnel load cleanly") {
    setenv("CXGATE_API_TOKEN", "unit-test-token-0123456789", 1);
    auto r = load(std::string(CXGATE_SOURCE_DIR) + "/cxgate.yaml");
    INFO(r.diagnostics.to_string());
    REQUIRE(r.config);
    const auto* flow = r.config->find_flow("mortgage-funnel");
    REQUIRE(flow);
    REQUIRE(flow->steps.size() == 4);
    const auto* close = flow->find_step("close");
    REQUIRE(close);
    CHECK(close->channels == std::vector<std::string>{"email", "sms"});
    CHECK(close->delay.unit == cxgate::timing::Delay::Unit::business_days);
    CHECK(close->reminder->max == 1);
    CHECK(close->alert->matches(6));
    CHECK_FALSE(close->alert->matches(7));
    CHECK(flow->find_step("booking")->first().low_is_good);
    // The journey: no flow-wide recontact; the booking limits its own repeats; every step
    // asks "why?" and its own question.
    CHECK_FALSE(flow->recontact);
    CHECK(flow->find_step("booking")->recontact->amount == 30);
    CHECK_FALSE(flow->find_step("meeting")->recontact);
    for (const auto& step : flow->steps) {
        CAPTURE(step.id);
        CHECK(step.follow_up_why);
        CHECK_FALSE(step.first().template_name.empty());
        CHECK(step.on_waiting == cxgate::config::OnWaiting::supersede);
    }
    CHECK(flow->find_step("follow-up-call")->first().template_name == "call-csat");
}

TEST_CASE("config: a broken flow reports every error with file:line:column") {
    ConfigDir dir(
        "flow: broken\n"
        "steps:\n"
        "  - id: a\n"
        "    on: x.y\n"
        "    survey: { metric: nps }\n"
        "    channel: smss\n"
        "    delai: 10m\n"
        "  - id: b\n"
        "    on: x.z\n"
        "    survey: { metric: csat, scale: 1-50 }\n"
        "    channel: sms\n"
        "    delay: soon\n"
        "    alert: { when: \"score < two\", notify: [staff, boss] }\n");
    auto r = load(dir.file());
    CHECK_FALSE(r.config);
    const auto& d = r.diagnostics;
    INFO(d.to_string());
    CHECK(
        has(d, dir.flow() +
                   ":6:14: error: step \"a\": undefined channel \"smss\" (did you mean \"sms\"?)"));
    CHECK(has(
        d, dir.flow() + ":7:5: error: unknown key \"delai\" in a step (did you mean \"delay\"?)"));
    CHECK(has(d, dir.flow() + ":10:36: error: step \"b\": \"scale\""));
    CHECK(has(d, dir.flow() + ":12:12: error: \"delay\": "));
    CHECK(has(d, dir.flow() + ":13:20: error: step \"b\": alert condition"));
    CHECK(has(d, "unknown alert target \"boss\""));
}

TEST_CASE("config: YAML syntax errors carry their position") {
    ConfigDir dir("flow: x\nsteps:\n  - id: a\n    on: [unclosed\n");
    auto r = load(dir.file());
    CHECK_FALSE(r.config);
    REQUIRE_FALSE(r.diagnostics.items.empty());
    CHECK(r.diagnostics.items.front().file == dir.flow());
    CHECK(r.diagnostics.items.front().line > 0);
}

TEST_CASE("config: secrets come from the environment, and a missing one is an error") {
    ConfigDir dir(
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n");
    unsetenv("CXGATE_TEST_TOKEN");
    auto r = load(dir.file());
    CHECK_FALSE(r.config);
    INFO(r.diagnostics.to_string());
    CHECK(has(r.diagnostics,
              "cxgate.yaml:1:14: error: each item of \"api_tokens\": environment variable "
              "CXGATE_TEST_TOKEN is not set"));
    setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
    auto ok = load(dir.file());
    INFO(ok.diagnostics.to_string());
    REQUIRE(ok.config);
    CHECK(ok.config->api_tokens.front().value == "unit-test-token-0123456789");
}

TEST_CASE("config: bad time zone, window, duplicate step and NPS scale") {
    ConfigDir dir(
        "flow: t\n"
        "timezone: Europe/Helsingfors\n"
        "send_window: { days: mon-fri, from: \"25:00\", to: \"20:00\" }\n"
        "steps:\n"
        "  - { id: a, on: x, survey: { metric: nps, scale: 1-5 }, channel: sms }\n"
        "  - { id: a, on: y, survey: { metric: ces }, channel: email }\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK(has(r.diagnostics, ":2:11: error: unknown time zone \"Europe/Helsingfors\""));
    CHECK(has(r.diagnostics, ":3:14: error: \"send_window\""));
    CHECK(has(r.diagnostics, "NPS and eNPS are always asked on 0-10"));
    CHECK(has(r.diagnostics, ":6:11: error: duplicate step id \"a\""));
}

TEST_CASE("config: a missing template for a locale is reported") {
    ConfigDir dir(
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n");
    fs::remove(dir.root / "templates/sv/why.txt");
    auto r = load(dir.file());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics, "sv/why.txt: error: missing template for locale sv"));
}

TEST_CASE(
    "config: provider channels take secrets only as ${ENV}, and Kannel's must survive its URLs") {
    ConfigDir dir("flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n",
                  "  kannel:\n"
                  "    type: kannel\n"
                  "    from: \"12345\"\n"
                  "    sendsms_url: http://127.0.0.1:13013/cgi-bin/sendsms\n"
                  "    username: cx\n"
                  "    password: ${CXGATE_TEST_KANNEL_PASSWORD}\n"
                  "    secret: ${CXGATE_TEST_KANNEL_SECRET}\n"
                  "  twilio:\n"
                  "    type: twilio\n"
                  "    from: \"+358450000001\"\n"
                  "    account_sid: AC0123\n"
                  "    auth_token: written-in-the-file\n");
    setenv("CXGATE_TEST_KANNEL_PASSWORD", "pw", 1);
    setenv("CXGATE_TEST_KANNEL_SECRET", "abc%def", 1);
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics,
              "cxgate.yaml:11:13: error: channel \"kannel\": \"secret\" must be letters and digits "
              "only"));
    CHECK(has(r.diagnostics,
              "cxgate.yaml:16:17: error: channel \"twilio\": \"auth_token\" is a secret"));
}

TEST_CASE("config: defaults.click_settle is elapsed time, 60 s unless set") {
    const std::string flow =
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: email }\n";
    ConfigDir dir(flow);
    auto plain = load(dir.file());
    REQUIRE(plain.config);
    CHECK(plain.config->defaults.click_settle == std::chrono::seconds{60});

    auto with = [&](const std::string& value) {
        dir.write("cxgate.yaml",
                  "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
                  "defaults:\n"
                  "  click_settle: " +
                      value +
                      "\n"
                      "channels:\n"
                      "  sms: { type: sandbox, kind: sms }\n"
                      "  email: { type: sandbox, kind: email }\n");
        return load(dir.file());
    };
    auto two_minutes = with("2m");
    INFO(two_minutes.diagnostics.to_string());
    REQUIRE(two_minutes.config);
    CHECK(two_minutes.config->defaults.click_settle == std::chrono::seconds{120});
    CHECK(with("90s").config->defaults.click_settle == std::chrono::seconds{90});

    auto business = with("1 business day");
    CHECK_FALSE(business.config);
    CHECK(has(business.diagnostics, "cxgate.yaml:3:17: error: \"click_settle\" must be elapsed"));
    CHECK_FALSE(with("0").config);
    CHECK_FALSE(with("soon").config);
}

TEST_CASE("config: api_tokens are ${ENV} references of at least 16 characters, each at its item") {
    const std::string flow =
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n";
    ConfigDir dir(flow);
    auto with = [&](const std::string& tokens) {
        dir.write("cxgate.yaml", "api_tokens:\n" + tokens +
                                     "channels:\n"
                                     "  sms: { type: sandbox, kind: sms }\n"
                                     "  email: { type: sandbox, kind: email }\n");
        return load(dir.file());
    };
    setenv("CXGATE_TEST_SHORT_TOKEN", "short", 1);
    auto r = with(
        "  - ${CXGATE_TEST_TOKEN}\n"
        "  - literal-token-in-the-file-0123456789\n"
        "  - \"prefix-${CXGATE_TEST_TOKEN}\"\n"
        "  - ${CXGATE_TEST_SHORT_TOKEN}\n");
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics,
              "cxgate.yaml:3:5: error: \"api_tokens\": a token is a secret; write it as "
              "${ENV_VAR}"));
    CHECK(has(r.diagnostics, "cxgate.yaml:4:5: error: \"api_tokens\": a token is a secret"));
    CHECK(has(r.diagnostics,
              "cxgate.yaml:5:5: error: \"api_tokens\": ${CXGATE_TEST_SHORT_TOKEN} must be at "
              "least 16 characters, got 5"));
    CHECK_FALSE(has(r.diagnostics, "cxgate.yaml:2:"));

    // The one-line form as well.
    auto inline_literal = with("  [literal-token-in-the-file-0123456789]\n");
    CHECK(has(inline_literal.diagnostics, "cxgate.yaml:2:4: error: \"api_tokens\": a token"));
    auto ok = with("  - ${CXGATE_TEST_TOKEN}\n");
    INFO(ok.diagnostics.to_string());
    CHECK(ok.config);
    CHECK(ok.config->api_tokens.front().scopes == cxgate::config::kAllScopes);

    // A token with scopes: only what it names; an unknown scope is an error at its list.
    setenv("CXGATE_TEST_CRM_TOKEN", "crm-token-0123456789abcdef", 1);
    auto scoped = with(
        "  - ${CXGATE_TEST_TOKEN}\n"
        "  - { token: \"${CXGATE_TEST_CRM_TOKEN}\", scopes: [ingest] }\n");
    INFO(scoped.diagnostics.to_string());
    REQUIRE(scoped.config);
    REQUIRE(scoped.config->api_tokens.size() == 2);
    const auto& crm = scoped.config->api_tokens[1];
    CHECK(crm.value == "crm-token-0123456789abcdef");
    CHECK(crm.allows(cxgate::config::Scope::ingest));
    CHECK_FALSE(crm.allows(cxgate::config::Scope::read));
    CHECK_FALSE(crm.allows(cxgate::config::Scope::admin));
    auto bad = with(
        "  - { token: \"${CXGATE_TEST_CRM_TOKEN}\", scopes: [ingest, write] }\n"
        "  - { scopes: [read] }\n");
    CHECK(has(bad.diagnostics, "cxgate.yaml:2:"));
    CHECK(has(bad.diagnostics, "\"write\" is not one of ingest, read, admin"));
    CHECK(has(bad.diagnostics, "missing \"token\""));

    // A token given by its SHA-256 only: the daemon never holds the token itself, and a
    // malformed digest or a token given both ways is named at its place.
    const std::string digest =
        "8D5E957F297893487BD98FA830FA6413B2C2BE4EF0E3A2D1F8B5F4C5D7E8F9A0";  // any 64 hex
    auto hashed = with("  - { sha256: \"" + digest + "\", scopes: [read] }\n");
    INFO(hashed.diagnostics.to_string());
    REQUIRE(hashed.config);
    const auto& by_digest = hashed.config->api_tokens.front();
    CHECK(by_digest.value.empty());
    CHECK(by_digest.sha256 == "8d5e957f297893487bd98fa830fa6413b2c2be4ef0e3a2d1f8b5f4c5d7e8f9a0");
    CHECK(by_digest.allows(cxgate::config::Scope::read));
    CHECK_FALSE(by_digest.allows(cxgate::config::Scope::ingest));
    auto short_digest = with("  - { sha256: abc123, scopes: [read] }\n");
    CHECK(
        has(short_digest.diagnostics, "cxgate.yaml:2:15: error: \"sha256\": the token's SHA-256"));
    auto both = with("  - { token: \"${CXGATE_TEST_TOKEN}\", sha256: \"" + digest + "\" }\n");
    CHECK(has(both.diagnostics, "give \"token\" or \"sha256\", not both"));
    // A token given by value is kept with its digest too.
    CHECK(ok.config->api_tokens.front().sha256 ==
          "c3b8014dfbaca5102450e12e220d3d0a205d3fa2742c41c127627d2e0dc21ccb");
}

TEST_CASE("config: without need_secrets an unset ${ENV} is empty and lengths are not checked") {
    ConfigDir dir("flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n",
                  "  twilio:\n"
                  "    type: twilio\n"
                  "    from: \"+358450000001\"\n"
                  "    account_sid: AC0123\n"
                  "    auth_token: ${CXGATE_TEST_UNSET_TWILIO}\n"
                  "sources:\n"
                  "  crm:\n"
                  "    secret: ${CXGATE_TEST_UNSET_SOURCE}\n"
                  "    types: [{ type: deal.won }]\n"
                  "    fields: { id: deal.id }\n");
    unsetenv("CXGATE_TEST_TOKEN");
    unsetenv("CXGATE_TEST_UNSET_TWILIO");
    unsetenv("CXGATE_TEST_UNSET_SOURCE");
    auto strict = load(dir.file());
    CHECK_FALSE(strict.config);
    CHECK(has(strict.diagnostics, "environment variable CXGATE_TEST_TOKEN is not set"));
    CHECK(has(strict.diagnostics, "environment variable CXGATE_TEST_UNSET_TWILIO is not set"));
    CHECK(has(strict.diagnostics, "environment variable CXGATE_TEST_UNSET_SOURCE is not set"));

    auto lenient = load(dir.file(), cxgate::config::LoadOptions{.need_secrets = false});
    INFO(lenient.diagnostics.to_string());
    REQUIRE(lenient.config);
    CHECK(lenient.config->api_tokens.empty());
    CHECK(lenient.config->find_channel("twilio")->setting("auth_token").empty());
    CHECK(lenient.config->sources.at("crm").secret.empty());
    // A short token is not judged either; one that is set is still read.
    setenv("CXGATE_TEST_TOKEN", "short", 1);
    auto short_token = load(dir.file(), cxgate::config::LoadOptions{.need_secrets = false});
    REQUIRE(short_token.config);
    REQUIRE(short_token.config->api_tokens.size() == 1);
    CHECK(short_token.config->api_tokens.front().value == "short");
    // Everything else is still checked: a literal secret is refused as by `check`.
    dir.write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "channels:\n"
              "  sms: { type: twilio, from: \"+358450000001\", account_sid: AC1, auth_token: "
              "literal }\n"
              "  email: { type: sandbox, kind: email }\n");
    auto literal = load(dir.file(), cxgate::config::LoadOptions{.need_secrets = false});
    CHECK_FALSE(literal.config);
    CHECK(has(literal.diagnostics, "\"auth_token\" is a secret"));
    setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
}

TEST_CASE("config: every duplicate key is an error at the repeat, in config, flows and calendars") {
    ConfigDir dir(
        "flow: dup\n"
        "send_window: { days: mon-fri, from: \"09:00\", to: \"20:00\" }\n"
        "send_window: { mon-fri: \"09:00-20:00\", sat: \"10:00-14:00\" }\n"
        "send_window:\n"
        "  - { days: sat, from: \"10:00\", to: \"14:00\" }\n"
        "calendar: company\n"
        "steps:\n"
        "  - { id: a, on: x, survey: { metric: nps, metric: csat }, channel: sms }\n",
        "  email: { type: sandbox, kind: email }\n"
        "defaults:\n"
        "  timezone: Europe/Helsinki\n"
        "  timezone: Europe/Stockholm\n");
    fs::create_directories(dir.root / "calendars");
    dir.write("calendars/company.yaml",
              "calendar: company\n"
              "name: Company\n"
              "name: Company again\n"
              "days:\n"
              "  - { date: 2026-12-31, name: \"A\" }\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    const auto calendar = (dir.root / "calendars/company.yaml").lexically_normal().string();
    CHECK(has(r.diagnostics, dir.flow() +
                                 ":3:1: error: duplicate key \"send_window\" (first at line 2; "
                                 "only the first would be read)"));
    CHECK(has(r.diagnostics, dir.flow() + ":4:1: error: duplicate key \"send_window\""));
    CHECK(has(r.diagnostics, dir.flow() + ":8:44: error: duplicate key \"metric\""));
    CHECK(has(r.diagnostics, "cxgate.yaml:5:3: error: duplicate key \"email\""));
    CHECK(has(r.diagnostics, "cxgate.yaml:8:3: error: duplicate key \"timezone\""));
    CHECK(has(r.diagnostics, calendar + ":3:1: error: duplicate key \"name\""));
}

TEST_CASE("config: a send window's days may be a YAML list") {
    ConfigDir dir(
        "flow: list\n"
        "send_window: { days: [mon, wed, fri], from: \"09:00\", to: \"17:00\" }\n"
        "steps:\n"
        "  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    REQUIRE(r.config);
    const auto& w = r.config->find_flow("list")->send_window;
    CHECK(w.days == std::array<bool, 7>{true, false, true, false, true, false, false});
    CHECK(w.from_minute == 9 * 60);
    CHECK(w.to_minute == 17 * 60);
}

TEST_CASE("config: a Vonage signature_method must be one Vonage signs with") {
    ConfigDir dir("flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n",
                  "  vonage:\n"
                  "    type: vonage\n"
                  "    from: Asiakas\n"
                  "    api_key: k\n"
                  "    api_secret: ${CXGATE_TEST_TOKEN}\n"
                  "    signature_secret: ${CXGATE_TEST_TOKEN}\n"
                  "    signature_method: sha256_hmac\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics,
              "cxgate.yaml:11:23: error: channel \"vonage\": unknown \"signature_method\" "
              "\"sha256_hmac\" (valid: md5hash, md5, sha1, sha256, sha512)"));
    for (const char* method : {"md5hash", "md5", "sha1", "sha256", "sha512"}) {
        CAPTURE(method);
        std::string text;
        {
            std::ifstream in(dir.file());
            text.assign(std::istreambuf_iterator<char>(in), {});
        }
        auto at = text.find("signature_method: ");
        text = text.substr(0, at) + "signature_method: " + method + "\n";
        dir.write("cxgate.yaml", text);
        auto ok = load(dir.file());
        INFO(ok.diagnostics.to_string());
        CHECK(ok.config);
    }
}

TEST_CASE("config: server connection bounds and timeouts, with defaults") {
    const std::string flow =
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: email }\n";
    ConfigDir dir(flow);
    auto plain = load(dir.file());
    REQUIRE(plain.config);
    CHECK(plain.config->server.max_connections == 1024);
    CHECK(plain.config->server.max_connections_per_address == 128);
    CHECK(plain.config->server.header_timeout == std::chrono::seconds{10});
    CHECK(plain.config->server.idle_timeout == std::chrono::seconds{15});
    CHECK(plain.config->server.shutdown_grace == std::chrono::seconds{10});

    ConfigDir set(flow,
                  "server:\n"
                  "  max_connections: 200\n"
                  "  max_connections_per_address: 0\n"
                  "  header_timeout: 5s\n"
                  "  idle_timeout: 1m\n"
                  "  shutdown_grace: 25s\n");
    auto r = load(set.file());
    INFO(r.diagnostics.to_string());
    REQUIRE(r.config);
    CHECK(r.config->server.max_connections == 200);
    CHECK(r.config->server.max_connections_per_address == 0);
    CHECK(r.config->server.header_timeout == std::chrono::seconds{5});
    CHECK(r.config->server.idle_timeout == std::chrono::seconds{60});
    CHECK(r.config->server.shutdown_grace == std::chrono::seconds{25});

    ConfigDir bad(flow,
                  "server:\n"
                  "  idle_timeout: 2 business days\n"
                  "  header_timeout: 0s\n"
                  "  shutdown_grace: 2h\n"
                  "  max_connection_per_address: 3\n");
    auto b = load(bad.file());
    CHECK_FALSE(b.config);
    CHECK(has(b.diagnostics, "\"idle_timeout\" must be elapsed time from 1s to 1h"));
    CHECK(has(b.diagnostics, "\"header_timeout\" must be elapsed time from 1s to 1h"));
    CHECK(has(b.diagnostics, "\"shutdown_grace\" must be elapsed time from 1s to 1h"));
    CHECK(has(b.diagnostics, "did you mean \"max_connections_per_address\""));
}

TEST_CASE("config: by default the write queue's bound is reached before the connection bound") {
    // Each connection has at most one job waiting for the writer, so with a queue at least
    // as large as the connection bound, overload would show up as refused connections
    // and never as the documented 503 + Retry-After.
    cxgate::config::Config c;
    CHECK(c.store.write_queue < c.server.max_connections);
}

TEST_CASE("config: database.max_size takes a size with a unit and refuses anything else") {
    const char* flow =
        "flow: t\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n";
    ConfigDir none(flow, "database:\n  path: x.db\n");
    auto plain = load(none.file());
    REQUIRE(plain.config);
    CHECK_FALSE(plain.config->store.max_size);

    for (auto [text, bytes] : {std::pair{"512MB", 512ULL << 20}, std::pair{"2GB", 2ULL << 30},
                               std::pair{"1TB", 1ULL << 40}, std::pair{"1048576", 1ULL << 20}}) {
        ConfigDir set(flow, std::string("database:\n  max_size: ") + text + "\n");
        auto r = load(set.file());
        INFO(text, r.diagnostics.to_string());
        REQUIRE(r.config);
        CHECK(r.config->store.max_size == bytes);
    }
    for (auto text : {"2 GB", "2gb", "-1GB", "100KB", "GB", "99999999999TB"}) {
        ConfigDir bad(flow, std::string("database:\n  max_size: \"") + text + "\"\n");
        auto r = load(bad.file());
        INFO(text);
        CHECK_FALSE(r.config);
        CHECK(has(r.diagnostics, "\"max_size\": expected a size of at least 1MB"));
    }
}

TEST_CASE("config: sales event types, their defaults, and a misspelt key") {
    const char* flow =
        "flow: t\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n";
    {
        ConfigDir dir(flow);
        auto r = load(dir.file());
        REQUIRE(r.config);
        CHECK(r.config->sales.kind_of("booking.created") == "lead");
        CHECK(r.config->sales.kind_of("deal.won") == "won");
        CHECK(r.config->sales.kind_of("deal.lost") == "lost");
        CHECK(r.config->sales.kind_of("meeting.completed").empty());
    }
    {
        ConfigDir dir(flow, "sales: { leads: [lead.created, booking.created], won: order.paid }\n");
        auto r = load(dir.file());
        REQUIRE(r.config);
        CHECK(r.config->sales.kind_of("lead.created") == "lead");
        CHECK(r.config->sales.kind_of("order.paid") == "won");
        CHECK(r.config->sales.kind_of("deal.won").empty());
        CHECK(r.config->sales.kind_of("deal.lost") == "lost");  // the default stays
    }
    {
        ConfigDir dir(flow, "sales: { leeds: [x] }\n");
        auto r = load(dir.file());
        INFO(r.diagnostics.to_string());
        CHECK_FALSE(r.config);
        CHECK(has(r.diagnostics, "leeds"));
    }
}

TEST_CASE("config: sales.retention names its events and a window in days") {
    const char* flow =
        "flow: t\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n";
    {
        ConfigDir dir(flow);
        auto r = load(dir.file());
        REQUIRE(r.config);
        CHECK(r.config->sales.retention.events.empty());  // no retention report by default
    }
    {
        ConfigDir dir(flow, "sales:\n  retention: { events: [contract.renewed, product.added] }\n");
        auto r = load(dir.file());
        REQUIRE(r.config);
        CHECK(r.config->sales.retention.events ==
              std::vector<std::string>{"contract.renewed", "product.added"});
        CHECK(r.config->sales.retention.within_days == 365);
    }
    struct Case {
        const char* yaml;
        const char* error;
    };
    for (const auto& c : std::array<Case, 4>{{
             {"sales:\n  retention: { events: [x], within: 12h }\n",
              "cxgate.yaml:6:37: error: \"within\": a number of days"},
             {"sales:\n  retention: { within: 30d }\n", "missing required key \"events\""},
             {"sales:\n  retention: { events: [], within: 30d }\n",
              "\"events\": name at least one event type"},
             {"sales:\n  retention: { event: [x] }\n", "event"},
         }}) {
        ConfigDir dir(flow, c.yaml);
        auto r = load(dir.file());
        INFO(std::string(c.yaml), r.diagnostics.to_string());
        CHECK_FALSE(r.config);
        CHECK(has(r.diagnostics, c.error));
    }
}

TEST_CASE("config: a step's targets name its metrics, within their range, and who hears") {
    const std::string head =
        "flow: t\nsteps:\n  - id: a\n    on: x\n    survey: { metric: ces, scale: 1-5 }\n"
        "    channel: sms\n";
    const std::string managers =
        "alerts:\n  targets:\n    \"#cx\": { channel: email, address: cx@example.com }\n"
        "  managers: [s-1]\nstaff:\n  - { id: s-1, name: Lead, email: lead@example.com }\n";
    {
        ConfigDir dir(head + "    target: { ces: 4.2, notify: [\"#cx\"], min_answers: 10 }\n",
                      managers);
        auto r = load(dir.file());
        INFO(r.diagnostics.to_string());
        REQUIRE(r.config);
        const auto& targets = r.config->flows.at(0).steps.at(0).targets;
        REQUIRE(targets);
        REQUIRE(targets->figures.size() == 1);
        CHECK(targets->figures[0].metric == cxgate::metrics::Metric::ces);
        CHECK(targets->figures[0].value == doctest::Approx(4.2));
        CHECK(targets->notify == std::vector<std::string>{"#cx"});
        CHECK(targets->min_answers == 10);
        CHECK(r.config->alert_managers == std::vector<std::string>{"s-1"});
    }
    struct Case {
        const char* target;
        const char* error;
    };
    for (const auto& c : std::array<Case, 5>{{
             {"    target: { nps: 40 }\n", "not a metric this step asks (ces"},
             {"    target: { ces: 7 }\n", "target ces must be a number from 1 to 5, got \"7\""},
             {"    target: { ces: high }\n", "target ces must be a number"},
             {"    target: { ces: 4, notify: [s-9] }\n", "unknown recipient \"s-9\""},
             {"    target: { notify: [s-1] }\n", "\"target\" names no metric"},
         }}) {
        ConfigDir dir(head + c.target, managers);
        auto r = load(dir.file());
        INFO(std::string(c.target), r.diagnostics.to_string());
        CHECK_FALSE(r.config);
        CHECK(has(r.diagnostics, c.error));
    }
    {
        ConfigDir dir(head, "alerts:\n  managers: [nobody]\n");
        auto r = load(dir.file());
        CHECK_FALSE(r.config);
        CHECK(has(r.diagnostics, "alerts.managers: unknown recipient \"nobody\""));
    }
}

TEST_CASE("config: retention ages are calendar time, each kind on its own, errors at their place") {
    const std::string flow =
        "flow: ok\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n";
    ConfigDir dir(flow, "retention:\n  events: 400d\n  comments: 36h\n");
    auto ok = load(dir.file());
    INFO(ok.diagnostics.to_string());
    REQUIRE(ok.config);
    CHECK(ok.config->retention.events == 400 * 86400);
    CHECK(ok.config->retention.comments == 36 * 3600);
    CHECK_FALSE(ok.config->retention.messages);
    CHECK(ok.config->retention.any());

    ConfigDir bad(flow, "retention:\n  inbound: 10bd\n  messges: 30d\n");
    auto refused = load(bad.file());
    CHECK_FALSE(refused.config);
    CHECK(has(refused.diagnostics, "\"inbound\": an age such as 90d"));
    CHECK(has(refused.diagnostics, "messges"));
}
