#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "cxgate/config/config.hpp"

namespace fs = std::filesystem;
using cxgate::config::ChannelKind;
using cxgate::config::load;

// Chat channels (slack, teams, webhook): staff alerts only, their URL a secret, a webhook's
// signing secret long enough; alert targets on them need no address.

namespace {

struct ChatConfig {
    fs::path root;
    explicit ChatConfig(const std::string& config_tail, const std::string& flow_yaml = "") {
        root = fs::temp_directory_path() / ("cxgate-chat-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        fs::copy(fs::path(CXGATE_SOURCE_DIR) / "templates", root / "templates",
                 fs::copy_options::recursive);
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        setenv("CXGATE_TEST_SLACK_URL", "https://hooks.slack.com/services/T0/B0/x", 1);
        setenv("CXGATE_TEST_TEAMS_URL", "https://prod-01.westeurope.logic.azure.com/workflows/x",
               1);
        setenv("CXGATE_TEST_HOOK_URL", "http://127.0.0.1:9/hook", 1);
        setenv("CXGATE_TEST_HOOK_SECRET", "hook-secret-0123456789", 1);
        write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "channels:\n"
              "  sms: { type: sandbox, kind: sms }\n"
              "  email: { type: sandbox, kind: email }\n"
              "  slack: { type: slack, url: \"${CXGATE_TEST_SLACK_URL}\" }\n"
              "  teams: { type: teams, url: \"${CXGATE_TEST_TEAMS_URL}\" }\n"
              "  hook: { type: webhook, url: \"${CXGATE_TEST_HOOK_URL}\", secret: "
              "\"${CXGATE_TEST_HOOK_SECRET}\" }\n" +
                  config_tail);
        write("flows/f.yaml",
              flow_yaml.empty()
                  ? "flow: f\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms }\n"
                  : flow_yaml);
    }
    ~ChatConfig() { fs::remove_all(root); }
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

TEST_CASE("config: slack, teams and webhook channels are chat channels with their settings") {
    ChatConfig dir(
        "alerts:\n"
        "  targets:\n"
        "    \"#sales-alerts\": { channel: slack }\n"
        "    teams-room: { channel: teams }\n"
        "    crm: { channel: hook }\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    REQUIRE(r.config);
    CHECK(r.diagnostics.items.empty());
    const auto* slack = r.config->find_channel("slack");
    REQUIRE(slack);
    CHECK(slack->kind == ChannelKind::chat);
    CHECK(cxgate::config::to_string(slack->kind) == "chat");
    CHECK(slack->setting("url") == "https://hooks.slack.com/services/T0/B0/x");
    CHECK(r.config->find_channel("teams")->kind == ChannelKind::chat);
    CHECK(r.config->find_channel("hook")->setting("secret") == "hook-secret-0123456789");
    const auto& target = r.config->alert_targets.at("#sales-alerts");
    CHECK(target.channel == "slack");
    CHECK(target.address.empty());
    // The staff alert channel stays the first email channel.
    CHECK(r.config->alert_channel == "email");
}

TEST_CASE("config: a chat channel's url is a secret, an http(s) URL, its secret long enough") {
    ChatConfig dir(
        "  literal: { type: slack, url: \"https://hooks.slack.com/services/T0/B0/x\" }\n"
        "  ftp: { type: teams, url: \"${CXGATE_TEST_BAD_URL}\" }\n"
        "  short: { type: webhook, url: \"${CXGATE_TEST_HOOK_URL}\", secret: "
        "\"${CXGATE_TEST_SHORT}\" }\n"
        "  nosecret: { type: webhook, url: \"${CXGATE_TEST_HOOK_URL}\" }\n"
        "  sms-kind: { type: slack, kind: sms, url: \"${CXGATE_TEST_SLACK_URL}\" }\n"
        "  chat-sandbox: { type: sandbox, kind: chat }\n");
    setenv("CXGATE_TEST_BAD_URL", "ftp://files.example.com/x", 1);
    setenv("CXGATE_TEST_SHORT", "too-short", 1);
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    const auto& d = r.diagnostics;
    CHECK(has(d,
              "cxgate.yaml:8:32: error: channel \"literal\": \"url\" is a secret; write it as "
              "${ENV_VAR}"));
    CHECK(has(d,
              "cxgate.yaml:9:28: error: channel \"ftp\": \"url\" must be an http:// or "
              "https:// URL"));
    CHECK(has(d,
              "cxgate.yaml:10:67: error: channel \"short\": \"secret\" must be at least 16 "
              "characters"));
    CHECK(has(d, "channel \"nosecret\": missing required key \"secret\" for type webhook"));
    CHECK(has(d, "cxgate.yaml:12:34: error: channel \"sms-kind\": a slack channel sends chat"));
    CHECK(has(d,
              "cxgate.yaml:13:40: error: channel \"chat-sandbox\": \"kind\" must be sms or "
              "email, got \"chat\""));

    // Without the secrets (report, outbox) nothing of theirs is judged.
    unsetenv("CXGATE_TEST_BAD_URL");
    unsetenv("CXGATE_TEST_SHORT");
    ChatConfig lenient_dir("");
    unsetenv("CXGATE_TEST_SLACK_URL");
    unsetenv("CXGATE_TEST_HOOK_SECRET");
    auto lenient = load(lenient_dir.file(), cxgate::config::LoadOptions{.need_secrets = false});
    INFO(lenient.diagnostics.to_string());
    CHECK(lenient.config);
}

TEST_CASE("config: a step cannot send its survey on a chat channel") {
    ChatConfig dir("",
                   "flow: f\n"
                   "steps:\n"
                   "  - id: a\n"
                   "    on: x\n"
                   "    survey: { metric: nps }\n"
                   "    channel: [email, slack]\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics,
              dir.flow() + ":6:22: error: step \"a\": channel \"slack\" is a chat channel "
                           "(slack) for staff alerts; a survey needs an sms or email channel"));
}

TEST_CASE("config: alerts.channel cannot be a chat channel; a target's address is not used") {
    ChatConfig dir(
        "alerts:\n"
        "  channel: slack\n"
        "  targets:\n"
        "    \"#sales-alerts\": { channel: slack, address: \"#sales\" }\n");
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK_FALSE(r.config);
    CHECK(has(r.diagnostics,
              "cxgate.yaml:9:12: error: alerts: \"channel\" reaches each staff "
              "member at their own email or phone; \"slack\" is a chat channel"));
    CHECK(has(r.diagnostics,
              "cxgate.yaml:11:49: warning: alert target \"#sales-alerts\": "
              "\"address\" is not used on chat channel \"slack\""));

    // An email target still needs its address.
    ChatConfig email_target(
        "alerts:\n"
        "  targets:\n"
        "    boss: { channel: email }\n");
    auto missing = load(email_target.file());
    CHECK_FALSE(missing.config);
    CHECK(has(missing.diagnostics, "missing required key \"address\""));
}

TEST_CASE("config: a step alerting only a chat target needs no staff alert channel") {
    ChatConfig dir(
        "alerts:\n"
        "  targets:\n"
        "    \"#sales-alerts\": { channel: slack }\n",
        "flow: f\n"
        "steps:\n"
        "  - id: a\n"
        "    on: x\n"
        "    survey: { metric: nps }\n"
        "    channel: sms\n"
        "    alert: { when: \"score <= 6\", notify: \"#sales-alerts\" }\n");
    // No email channel: nothing could reach staff, and nothing needs to.
    std::string text;
    {
        std::ifstream in(dir.file());
        text.assign(std::istreambuf_iterator<char>(in), {});
    }
    text.replace(text.find("  email: { type: sandbox, kind: email }\n"),
                 std::string("  email: { type: sandbox, kind: email }\n").size(), "");
    dir.write("cxgate.yaml", text);
    auto r = load(dir.file());
    INFO(r.diagnostics.to_string());
    CHECK(r.config);
    CHECK(r.config->alert_channel.empty());

    dir.write("flows/f.yaml",
              "flow: f\nsteps:\n  - { id: a, on: x, survey: { metric: nps }, channel: sms,\n"
              "      alert: { when: \"score <= 6\", notify: [staff, \"#sales-alerts\"] } }\n");
    auto staff = load(dir.file());
    CHECK_FALSE(staff.config);
    CHECK(has(staff.diagnostics, "alerts need an email channel or alerts.channel"));
}
