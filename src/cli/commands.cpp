#include "cxgate/cli/commands.hpp"

#include <spdlog/spdlog.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <sstream>

#include "cxgate/cli/command_support.hpp"
#include "cxgate/cli/http_client.hpp"
#include "cxgate/cli/insight_commands.hpp"
#include "cxgate/cli/logging.hpp"
#include "cxgate/cli/outbox.hpp"
#include "cxgate/cli/privacy_commands.hpp"
#include "cxgate/cli/serve.hpp"
#include "cxgate/cli/tools.hpp"
#include "cxgate/cli/user_commands.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/foundation/url.hpp"
#include "cxgate/report/parameters.hpp"
#include "cxgate/report/query.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::cli {

namespace {

using json = nlohmann::json;

std::string default_config() {
    const char* env = std::getenv("CXGATE_CONFIG");
    return env ? env : "cxgate.yaml";
}

int reply(const std::string& file, const std::string& override_url, const std::string& address,
          const std::string& text, std::string channel, std::string id,
          const std::string& token_option) {
    auto config = load_or_report(file);
    if (!config) return 2;
    const std::string token = api_token(*config, token_option);
    if (token.empty()) {
        std::cerr << "cxgate reply: no API token: set CXGATE_API_TOKEN or give --token\n";
        return 2;
    }
    if (channel.empty()) {
        auto kind = address.find('@') != std::string::npos ? config::ChannelKind::email
                                                           : config::ChannelKind::sms;
        const auto* ch = config->first_channel(kind);
        if (!ch) {
            std::cerr << "cxgate reply: no " << config::to_string(kind) << " channel configured\n";
            return 2;
        }
        channel = ch->name;
    }
    if (id.empty()) id = "cli-" + random_hex(8);
    json body{{"from", address}, {"text", text}, {"id", id}};
    return post_json(
        base_url(*config, override_url) + "/webhooks/" + url::encode(channel) + "/inbound", token,
        body.dump());
}

int event(const std::string& file, const std::string& override_url, const std::string& source) {
    auto config = load_or_report(file);
    if (!config) return 2;
    std::string body;
    if (source == "-") {
        std::ostringstream in;
        in << std::cin.rdbuf();
        body = in.str();
    } else if (!source.empty() && source.front() == '{') {
        body = source;
    } else {
        std::ifstream in(source);
        if (!in) {
            std::cerr << "cxgate event: cannot read " << source << "\n";
            return 2;
        }
        std::ostringstream buffer;
        buffer << in.rdbuf();
        body = buffer.str();
    }
    return post_json(base_url(*config, override_url) + "/v1/events", api_token(*config), body);
}

}  // namespace

int run(int argc, char** argv) {
    CLI::App app{"cxgate: customer-experience surveys by SMS and email"};
    // The schema too: whether a build can open a database (or will migrate it) is decided
    // by it (docs/operations.md, "Upgrade and rollback").
    app.set_version_flag("--version", std::string("cxgate ") + CXGATE_VERSION +
                                          " (database schema " +
                                          std::to_string(store::schema_version()) + ")");
    app.require_subcommand(1);
    app.fallthrough();  // --log-level may follow the subcommand
    std::string config_file = default_config();
    std::string log_level = "info";
    app.add_option("--config", config_file,
                   "Configuration file (default: $CXGATE_CONFIG or cxgate.yaml)");
    app.add_option("--log-level", log_level, "trace, debug, info, warn, error")
        ->capture_default_str();
    // An option of every command, as --log-level is, and an environment variable, so that
    // a service can set it in its environment file without changing its command line.
    std::string log_format = "text";
    app.add_option("--log-format", log_format,
                   "text (one line per event, UTC) or json (one object per line): "
                   "docs/operations.md, \"Logs\"")
        ->envname("CXGATE_LOG_FORMAT")
        ->check(CLI::IsMember({"text", "json"}))
        ->capture_default_str();

    ServeOptions serve_options;
    auto* serve_cmd = app.add_subcommand("serve", "Run the daemon");
    serve_cmd->add_option("--config", config_file, "Configuration file");
    serve_cmd->add_option("--listen", serve_options.listen,
                          "HOST:PORT to listen on (port 0: any free port)");
    serve_cmd->add_option("--db", serve_options.db, "SQLite database file");
    serve_cmd->add_option(
        "--now", serve_options.now,
        "Start the clock at this ISO 8601 instant (e.g. 2026-11-20T19:55:00+02:00)");
    serve_cmd->add_flag("--manual-clock", serve_options.manual_clock,
                        "Time stands still until moved with POST /v1/clock (tests and demos)");

    auto* check_cmd = app.add_subcommand("check", "Validate configuration, flows and templates");
    check_cmd->add_option("--config", config_file, "Configuration file");

    std::string db_override, url_override, channel, id;
    bool as_json = false;
    OutboxOptions outbox_options;
    outbox_options.program = argc > 0 ? argv[0] : "cxgate";
    auto* outbox_cmd =
        app.add_subcommand("outbox", "Show messages sent or queued (sandbox channels land here)");
    outbox_cmd->add_option("--config", config_file, "Configuration file");
    outbox_cmd->add_option("--db", db_override, "SQLite database file");
    outbox_cmd->add_flag("--json", as_json, "JSON output");
    outbox_cmd->add_option("--to", outbox_options.to, "Only messages to this address");
    outbox_cmd->add_option("--kind", outbox_options.kind,
                           "survey, reminder, why, retry, thanks, alert, reply, optout, help");
    outbox_cmd->add_option("--limit", outbox_options.limit, "Newest N messages")
        ->capture_default_str();
    std::int64_t outbox_id = 0;
    auto* outbox_id_option = outbox_cmd->add_option("id", outbox_id, "Only this message");
    auto* outbox_html = outbox_cmd->add_flag(
        "--html", outbox_options.html,
        "Write a sandbox email's HTML part to a file to open in a browser (message ID, else "
        "the newest email of --to/--kind); its score buttons answer the running daemon");
    outbox_cmd
        ->add_flag("--eml", outbox_options.eml,
                   "Write a sandbox email as a whole (.eml) to open in a mail client")
        ->excludes(outbox_html);
    outbox_cmd->add_option("--out", outbox_options.out,
                           "With --html/--eml: the file to write (default: outbox-ID.html or "
                           ".eml beside the database; - for standard output)");

    auto* report_cmd =
        app.add_subcommand("report", "Metrics per step, staff, segment, channel, outcome or week");
    report_cmd->add_option("--config", config_file, "Configuration file");
    report_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> report_options;
    report_cmd->add_option("--flow", report_options["flow"], "Only this flow");
    report_cmd
        ->add_option("--by", report_options["by"],
                     "One or two of step, staff, team, segment, channel, outcome, week "
                     "(step,week)")
        ->default_str("step");
    for (const char* filter : {"step", "staff", "team", "segment", "channel", "outcome"})
        report_cmd->add_option(std::string("--") + filter, report_options[filter],
                               std::string("Only answers with this ") + filter);
    report_cmd->add_option("--since", report_options["since"],
                           "From this date (midnight in the flow's zone) or ISO 8601 time");
    report_cmd->add_option("--until", report_options["until"],
                           "Up to (not including) this date or time");
    report_cmd->add_flag("--json", as_json, "JSON output");

    auto* alerts_cmd = app.add_subcommand(
        "alerts", "How alerts were handled: opened, acknowledged, resolved, time to each");
    alerts_cmd->add_option("--config", config_file, "Configuration file");
    alerts_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> alerts_options;
    alerts_cmd->add_option("--flow", alerts_options["flow"], "Only this flow");
    alerts_cmd->add_option("--by", alerts_options["by"],
                           "Group by flow, step, staff, team or segment (default: all together)");
    alerts_cmd->add_option("--since", alerts_options["since"],
                           "Alerts opened from this date or ISO 8601 time");
    alerts_cmd->add_option("--until", alerts_options["until"],
                           "Alerts opened before this date or time");
    alerts_cmd->add_flag("--json", as_json, "JSON output");

    auto* compare_cmd = app.add_subcommand(
        "compare", "Each step before and after a change marker (or two periods), with a verdict");
    compare_cmd->add_option("--config", config_file, "Configuration file");
    compare_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> compare_options;
    compare_cmd->add_option("--mark", compare_options["mark"],
                            "The marker's id (cxgate mark list)");
    compare_cmd->add_option("--days", compare_options["days"],
                            "Days on each side of the marker (28)");
    compare_cmd->add_option("--before", compare_options["before"], "A period: SINCE..UNTIL");
    compare_cmd->add_option("--after", compare_options["after"], "A period: SINCE..UNTIL");
    compare_cmd->add_option("--flow", compare_options["flow"], "Only this flow");
    for (const char* filter : {"step", "staff", "team", "segment", "channel", "outcome"})
        compare_cmd->add_option(std::string("--") + filter, compare_options[filter],
                                std::string("Only answers with this ") + filter);
    compare_cmd->add_flag("--json", as_json, "JSON output");

    auto* sales_cmd = app.add_subcommand(
        "sales", "Leads, deals won and lost, win rate and value beside experience");
    sales_cmd->add_option("--config", config_file, "Configuration file");
    sales_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> sales_options;
    sales_cmd->add_option("--by", sales_options["by"], "week, staff, team or segment");
    sales_cmd->add_option("--since", sales_options["since"], "From this date or time");
    sales_cmd->add_option("--until", sales_options["until"], "Up to this date or time");
    sales_cmd->add_option("--flow", sales_options["flow"], "With --win-rates: only this flow");
    sales_cmd->add_option("--as-of", sales_options["as_of"],
                          "With --retention: count the windows closed by then (default: now)");
    bool win_rates = false, retention = false;
    sales_cmd->add_flag("--win-rates", win_rates,
                        "The win rate of closed deals by the answer given earlier in the deal");
    sales_cmd
        ->add_flag("--retention", retention,
                   "The share of won customers who came back, by their NPS group")
        ->excludes(sales_cmd->get_option("--win-rates"));
    sales_cmd->add_flag("--json", as_json, "JSON output");

    auto* themes_cmd =
        app.add_subcommand("themes", "Themes of the \"why?\" comments, and those of none");
    themes_cmd->add_option("--config", config_file, "Configuration file");
    themes_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> themes_options;
    for (const char* option : {"flow", "step", "since", "until"})
        themes_cmd->add_option(std::string("--") + option, themes_options[option],
                               std::string("Only comments of this ") + option);
    themes_cmd->add_flag("--json", as_json, "JSON output");

    auto* targets_cmd = app.add_subcommand(
        "targets", "Each step's weekly figure against its target and the four weeks before");
    targets_cmd->add_option("--config", config_file, "Configuration file");
    targets_cmd->add_option("--db", db_override, "SQLite database file");
    std::map<std::string, std::string> targets_options;
    targets_cmd->add_option("--flow", targets_options["flow"], "Only this flow");
    targets_cmd->add_option("--week", targets_options["week"],
                            "ISO week (2026-W48); default the last whole week");
    targets_cmd->add_flag("--json", as_json, "JSON output");

    auto* mark_cmd = app.add_subcommand("mark", "Change markers: what changed, when");
    mark_cmd->require_subcommand(1);
    std::string mark_label, mark_flow, mark_at;
    auto* mark_add_cmd = mark_cmd->add_subcommand("add", "Mark a change (through the daemon)");
    mark_add_cmd->add_option("--config", config_file, "Configuration file");
    mark_add_cmd->add_option("label", mark_label, "What changed")->required();
    mark_add_cmd->add_option("--flow", mark_flow, "The flow it concerns (default: every flow)");
    mark_add_cmd->add_option("--at", mark_at, "When it took effect: date or ISO 8601 (now)");
    mark_add_cmd->add_option("--url", url_override,
                             "Daemon base URL (default: from server.listen)");
    auto* mark_list_cmd = mark_cmd->add_subcommand("list", "The markers, oldest change first");
    mark_list_cmd->add_option("--config", config_file, "Configuration file");
    mark_list_cmd->add_option("--db", db_override, "SQLite database file");
    mark_list_cmd->add_option("--flow", mark_flow, "Those of this flow (and of every flow)");
    mark_list_cmd->add_flag("--json", as_json, "JSON output");

    UserOptions user_options;
    auto* user_cmd = app.add_subcommand("user", "Dashboard users: add, passwd, list, disable");
    user_cmd->require_subcommand(1);
    auto user_sub = [&](const char* name, const char* what) {
        auto* cmd = user_cmd->add_subcommand(name, what);
        cmd->add_option("--config", config_file, "Configuration file");
        cmd->add_option("--db", user_options.db_override, "SQLite database file");
        return cmd;
    };
    auto password_options = [&](CLI::App* cmd) {
        cmd->add_option("--password", user_options.password,
                        "The password (visible to other users of the machine: prefer the "
                        "prompt or --password-stdin)");
        cmd->add_flag("--password-stdin", user_options.password_stdin,
                      "Read the password as one line of standard input");
    };
    auto* user_add_cmd = user_sub("add", "Add a user (asks for the password at a terminal)");
    user_add_cmd->add_option("email", user_options.email, "Their email, the login name")
        ->required();
    user_add_cmd->add_option("--role", user_options.role, "admin, manager, lead or staff")
        ->required();
    user_add_cmd->add_option("--staff-id", user_options.staff_id,
                             "Who they are in the staff list (required for lead and staff)");
    user_add_cmd->add_option("--locale", user_options.locale,
                             "The dashboard's language: fi, sv, en (default: the browser's)");
    password_options(user_add_cmd);
    auto* user_passwd_cmd = user_sub("passwd", "Set a user's password; ends their sessions");
    user_passwd_cmd->add_option("email", user_options.email, "The user")->required();
    password_options(user_passwd_cmd);
    auto* user_list_cmd = user_sub("list", "The users, by email");
    user_list_cmd->add_flag("--json", user_options.json, "JSON output");
    auto* user_disable_cmd = user_sub("disable", "Stop a user logging in; ends their sessions");
    user_disable_cmd->add_option("email", user_options.email, "The user")->required();
    auto* user_enable_cmd = user_sub("enable", "Let a disabled user log in again");
    user_enable_cmd->add_option("email", user_options.email, "The user")->required();

    std::string backup_file;
    auto* backup_cmd = app.add_subcommand(
        "backup",
        "A consistent copy of the database while the daemon serves (SQLite online backup)");
    backup_cmd->add_option("--config", config_file, "Configuration file");
    backup_cmd->add_option("--db", db_override, "SQLite database file");
    backup_cmd->add_option("file", backup_file, "Where the copy goes")->required();

    auto* token_cmd = app.add_subcommand("token", "API tokens");
    token_cmd->require_subcommand(1);
    auto* token_new_cmd = token_cmd->add_subcommand(
        "new", "A new random API token and its SHA-256 (for api_tokens: {sha256: ...})");

    PrivacyOptions privacy_options;
    auto person_options = [&](CLI::App* cmd) {
        cmd->add_option("--config", config_file, "Configuration file");
        cmd->add_option("--db", privacy_options.db_override, "SQLite database file");
        cmd->add_option("--phone", privacy_options.person.phone,
                        "Their phone number, in any spelling (+358 40 123 4567, 0401234567)");
        cmd->add_option("--email", privacy_options.person.email, "Their email address");
        cmd->add_option("--contact", privacy_options.person.contact, "Their contact id");
        cmd->add_option("--event", privacy_options.person.event,
                        "An event id: the person that event was about");
    };
    auto* forget_cmd = app.add_subcommand(
        "forget", "Erase one person's data (their scores stay, anonymous, unless --drop-answers)");
    person_options(forget_cmd);
    forget_cmd->add_flag("--drop-answers", privacy_options.drop_answers,
                         "Delete their surveys and answers too, so the figures lose them");
    forget_cmd->add_flag("--yes", privacy_options.yes, "Erase without asking");
    auto* export_person_cmd =
        app.add_subcommand("export-person", "Everything held about one person, as JSON");
    person_options(export_person_cmd);
    export_person_cmd->add_option("--out", privacy_options.out, "Write the JSON to this file");
    auto* audit_cmd =
        app.add_subcommand("audit", "Erasures, exports and retention runs, newest first");
    audit_cmd->add_option("--config", config_file, "Configuration file");
    audit_cmd->add_option("--db", privacy_options.db_override, "SQLite database file");
    audit_cmd->add_option("--limit", privacy_options.limit, "How many")->capture_default_str();
    audit_cmd->add_flag("--json", privacy_options.json, "JSON output");

    std::string address, text;
    auto* reply_cmd =
        app.add_subcommand("reply", "Send a reply as a customer, through the inbound webhook");
    reply_cmd->add_option("--config", config_file, "Configuration file");
    reply_cmd->add_option("address", address, "The customer's phone or email")->required();
    reply_cmd->add_option("text", text, "The reply text")->required();
    reply_cmd->add_option("--url", url_override, "Daemon base URL (default: from server.listen)");
    reply_cmd->add_option("--channel", channel,
                          "Channel name (default: the first sms or email channel)");
    reply_cmd->add_option("--id", id, "Provider message id (default: random)");
    std::string token_option;
    reply_cmd->add_option("--token", token_option, "API token (default: $CXGATE_API_TOKEN)");

    std::string source;
    auto* event_cmd =
        app.add_subcommand("event", "Post an event (JSON file, inline JSON, or - for stdin)");
    event_cmd->add_option("--config", config_file, "Configuration file");
    event_cmd->add_option("source", source, "Event JSON")->required();
    event_cmd->add_option("--url", url_override, "Daemon base URL (default: from server.listen)");

    SimulateOptions simulate_options;
    auto* simulate_cmd = app.add_subcommand(
        "simulate", "Print the timeline a flow would produce for a file of events (sends nothing)");
    simulate_cmd->add_option("--config", config_file, "Configuration file");
    simulate_cmd->add_option("--flow", simulate_options.flow, "Flow name or file (default: all)");
    simulate_cmd->add_option("--events", simulate_options.events_file, "Events, one JSON per line")
        ->required();
    simulate_cmd->add_option("--from", simulate_options.from,
                             "Start the simulated clock here (ISO 8601; default: first event)");
    simulate_cmd
        ->add_option("--horizon", simulate_options.horizon, "Stop this long after the last event")
        ->capture_default_str();
    simulate_cmd->add_flag(
        "--json", simulate_options.json,
        "One JSON object per line (time, kind, step, survey, channel, address, reason)");

    ImportOptions import_options;
    auto* import_cmd = app.add_subcommand(
        "import", "Post events from a CSV or JSON-lines file to the daemon (resumable)");
    import_cmd->add_option("--config", config_file, "Configuration file");
    import_cmd->add_option("input", import_options.input, "events.csv or events.jsonl")->required();
    import_cmd->add_option("--url", import_options.url,
                           "Daemon base URL (default: from server.listen)");
    import_cmd->add_option("--rate", import_options.rate, "Events per second")
        ->capture_default_str();
    import_cmd->add_flag("--restart", import_options.restart,
                         "Ignore the state file and start at the first row");

    CLI11_PARSE(app, argc, argv);
    configure_logging(parse_log_format(log_format).value_or(LogFormat::text),
                      spdlog::level::from_str(log_level));

    if (*serve_cmd) {
        serve_options.config_file = config_file;
        return serve(serve_options);
    }
    if (*check_cmd) return check(config_file);
    if (*outbox_cmd) {
        outbox_options.config_file = config_file;
        outbox_options.db_override = db_override;
        outbox_options.json = as_json;
        if (outbox_id_option->count()) outbox_options.id = outbox_id;
        return outbox_command(outbox_options);
    }
    if (*report_cmd) return report_command(config_file, db_override, report_options, as_json);
    if (*alerts_cmd) return alerts_command(config_file, db_override, alerts_options, as_json);
    if (*compare_cmd) return compare_command(config_file, db_override, compare_options, as_json);
    if (*themes_cmd) return themes_command(config_file, db_override, themes_options, as_json);
    if (*targets_cmd) return targets_command(config_file, db_override, targets_options, as_json);
    if (*sales_cmd)
        return sales_command(config_file, db_override, sales_options,
                             win_rates   ? SalesView::win_rates
                             : retention ? SalesView::retention
                                         : SalesView::cells,
                             as_json);
    if (*mark_add_cmd) return mark_add(config_file, url_override, mark_label, mark_flow, mark_at);
    if (*mark_list_cmd) return mark_list(config_file, db_override, mark_flow, as_json);
    user_options.config_file = config_file;
    if (*user_add_cmd) return user_add(user_options);
    if (*user_passwd_cmd) return user_passwd(user_options);
    if (*user_list_cmd) return user_list(user_options);
    if (*user_disable_cmd) return user_disable(user_options, true);
    if (*user_enable_cmd) return user_disable(user_options, false);
    if (*backup_cmd) {
        auto config = load_or_report(config_file);
        if (!config) return 2;
        const auto& path = db_override.empty() ? config->store.path : db_override;
        try {
            const auto done = store::backup_to(path, backup_file);
            std::cout << "backed up " << path << " to " << backup_file << ": " << done.pages
                      << " pages, " << done.bytes << " bytes, integrity ok\n";
            return 0;
        } catch (const std::exception& e) {
            std::cerr << "cxgate backup: " << e.what() << "\n";
            return 1;
        }
    }
    if (*token_new_cmd) {
        // 32 random bytes: no guessing, and a SHA-256 of it is safe to write in a file.
        const auto token = random_hex(32);
        std::cout << "token:  " << token << "\n"
                  << "sha256: " << crypto::sha256_hex(token) << "\n\n"
                  << "Give the token to the client. In cxgate.yaml either keep the token in the "
                     "service's environment\n  api_tokens:\n    - { token: \"${NEW_TOKEN}\", "
                     "scopes: [read] }\nor write only its digest, which is no secret:\n  "
                     "api_tokens:\n    - { sha256: \""
                  << crypto::sha256_hex(token) << "\", scopes: [read] }\n";
        return 0;
    }
    privacy_options.config_file = config_file;
    if (*forget_cmd) return forget_command(privacy_options);
    if (*export_person_cmd) return export_person_command(privacy_options);
    if (*audit_cmd) return audit_command(privacy_options);
    if (*reply_cmd)
        return reply(config_file, url_override, address, text, channel, id, token_option);
    if (*event_cmd) return event(config_file, url_override, source);
    if (*simulate_cmd) {
        simulate_options.config_file = config_file;
        return simulate(simulate_options);
    }
    if (*import_cmd) {
        import_options.config_file = config_file;
        return import_events(import_options);
    }
    return 1;
}

}  // namespace cxgate::cli
