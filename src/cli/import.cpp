// `cxgate import events.csv|events.jsonl`: a CRM export into a running daemon.
//
// Rows are posted one by one to POST /v1/events, in file order, at most --rate per
// second. Each row's `id` is its event id, so the daemon's idempotency makes a replay
// harmless. Resuming: after every acknowledged row the line number is kept in
// `<input>.import-state` (written every 50 rows, on Ctrl-C and at the end, with the
// file's size and modification time); a new run skips rows up to it. Rows between the
// last save and an interruption are posted again and answered "duplicate".
// A bad row (the daemon's 400, or a CSV row that cannot become an event) is reported
// with its line number and the import goes on; 503 waits for Retry-After and tries the
// same row again; a daemon that cannot be reached stops the import (state saved).
// The state also keeps the bad rows with their errors: a resumed run reports them again
// and exits 1 like the run that found them, so a script rerunning the same command never
// reads success while rows are missing.
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <thread>

#include <nlohmann/json.hpp>

#include "cxgate/cli/command_support.hpp"
#include "cxgate/cli/http_client.hpp"
#include "cxgate/cli/tools.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/csv_reader.hpp"
#include "cxgate/foundation/json_input.hpp"

namespace cxgate::cli {

namespace {

using json = nlohmann::json;
namespace fs = std::filesystem;

volatile std::sig_atomic_t g_interrupted = 0;

const std::set<std::string> kColumns{"id",
                                     "type",
                                     "occurred_at",
                                     "contact.id",
                                     "contact.phone",
                                     "contact.email",
                                     "contact.name",
                                     "contact.locale",
                                     "contact.timezone",
                                     "contact.segment",
                                     "staff.id",
                                     "staff.name",
                                     "staff.email",
                                     "staff.phone"};

struct Row {
    int line = 0;
    json event;
    std::string error;  // the row cannot become an event
};

// A CSV row as an event: empty cells are left out; attributes.X keep numbers as numbers.
Row csv_row(const std::vector<std::string>& header, const std::vector<std::string>& cells,
            int line) {
    Row row;
    row.line = line;
    if (cells.size() != header.size()) {
        row.error = std::to_string(cells.size()) + " fields, the header has " +
                    std::to_string(header.size());
        return row;
    }
    json e = json::object();
    for (size_t i = 0; i < header.size(); ++i) {
        const auto& column = header[i];
        const auto& value = cells[i];
        if (value.empty()) continue;
        auto dot = column.find('.');
        if (dot == std::string::npos) {
            e[column] = value;
            continue;
        }
        auto group = column.substr(0, dot), key = column.substr(dot + 1);
        if (group == "attributes") {
            char* end = nullptr;
            double number = std::strtod(value.c_str(), &end);
            // Numbers stay numbers (up to 15 digits: exact in a double); "1-2" is text.
            const bool plain = end && end != value.c_str() && *end == '\0' && value.size() <= 15 &&
                               value.find_first_not_of("0123456789.-") == std::string::npos;
            if (plain && value.find('.') == std::string::npos)
                e[group][key] = std::strtoll(value.c_str(), nullptr, 10);
            else if (plain)
                e[group][key] = number;
            else
                e[group][key] = value;
        } else {
            e[group][key] = value;
        }
    }
    if (!e.contains("id")) row.error = "id: required (the event id makes the import idempotent)";
    row.event = std::move(e);
    return row;
}

struct State {
    int acknowledged_line = 0;
    std::uintmax_t size = 0;
    long long mtime = 0;
    std::map<int, std::string> bad;  // line -> why, for rows up to acknowledged_line
};

long long mtime_of(const fs::path& p) {
    std::error_code ec;
    auto t = fs::last_write_time(p, ec);
    return ec ? 0 : static_cast<long long>(t.time_since_epoch().count());
}

State read_state(const fs::path& state_file) {
    State s;
    std::ifstream in(state_file);
    if (!in) return s;
    auto j = json::parse(in, nullptr, false);
    if (!j.is_object()) return s;
    try {
        s.acknowledged_line = j.value("acknowledged_line", 0);
        s.size = j.value("input_size", std::uintmax_t{0});
        s.mtime = j.value("input_mtime", 0LL);
        if (auto bad = j.find("bad"); bad != j.end() && bad->is_object())
            for (auto it = bad->begin(); it != bad->end(); ++it)
                s.bad[std::stoi(it.key())] = it->is_string() ? it->get<std::string>() : "bad";
    } catch (const std::exception&) {  // json's type errors, a line that is no number
        return State{};  // a damaged state file: start at the first row (ids make it safe)
    }
    return s;
}

void write_state(const fs::path& state_file, const State& s) {
    // Write then rename: an interrupted write never leaves half a state file.
    auto tmp = state_file.string() + ".tmp";
    {
        json bad = json::object();
        for (const auto& [line, why] : s.bad) bad[std::to_string(line)] = why;
        std::ofstream out(tmp, std::ios::trunc);
        out << json{{"acknowledged_line", s.acknowledged_line},
                    {"input_size", s.size},
                    {"input_mtime", s.mtime},
                    {"bad", bad}}
                   .dump()
            << "\n";
    }
    std::error_code ec;
    fs::rename(tmp, state_file, ec);
}

void progress(bool tty, int done, int total, int bad, double elapsed) {
    if (!tty) return;
    const int width = 30;
    int filled = total ? done * width / total : width;
    std::fprintf(stderr, "\r[%s%s] %d/%d rows %3d%%  %.0f/s  %d bad ",
                 std::string(filled, '#').c_str(), std::string(width - filled, '.').c_str(), done,
                 total, total ? done * 100 / total : 100, elapsed > 0 ? done / elapsed : 0.0, bad);
    std::fflush(stderr);
}

}  // namespace

int import_events(const ImportOptions& options) {
    // The daemon needs the secrets; the import only its URL and the API token.
    auto loaded = config::load(options.config_file, config::LoadOptions{.need_secrets = false});
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        std::cerr << "cxgate import: " << options.config_file << " has errors\n";
        return 2;
    }
    const auto& config = *loaded.config;
    std::string url = options.url.empty() ? "http://" + config.server.listen : options.url;
    std::string token;
    if (const char* env = std::getenv("CXGATE_API_TOKEN"))
        token = env;
    else
        token = api_token(config);
    if (options.rate <= 0) {
        std::cerr << "cxgate import: --rate must be positive\n";
        return 2;
    }

    const fs::path input(options.input);
    std::ifstream in(input, std::ios::binary);
    if (!in) {
        std::cerr << "cxgate import: cannot read " << options.input << "\n";
        return 2;
    }
    const bool csv = input.extension() == ".csv";
    const fs::path state_file = input.string() + ".import-state";
    State state;
    state.size = fs::file_size(input);
    state.mtime = mtime_of(input);
    if (!options.restart) {
        auto saved = read_state(state_file);
        if (saved.acknowledged_line > 0 && (saved.size != state.size || saved.mtime != state.mtime))
            std::cerr << "cxgate import: " << input.string()
                      << " changed since the last run; starting at the first row (the daemon "
                         "skips ids it already has)\n";
        else {
            state.acknowledged_line = saved.acknowledged_line;
            state.bad = saved.bad;
        }
    }

    // Read all rows up front: the total drives the progress bar, and a CSV header with an
    // unknown column stops the import before anything is posted.
    std::vector<Row> rows;
    int bad = 0, earlier_bad = 0;
    auto report_bad = [&](int line, const std::string& why, bool earlier = false) {
        if (isatty(STDERR_FILENO)) std::fputs("\r\033[K", stderr);
        std::cerr << input.string() << ":" << line << ": " << why
                  << (earlier ? " (in an earlier run)" : "") << "\n";
        ++bad;
        earlier_bad += earlier;
        state.bad[line] = why;
    };
    if (csv) {
        std::vector<std::string> header;
        int lines = 0;
        if (!cxgate::csv::read_record(in, header, lines)) {
            std::cerr << "cxgate import: " << input.string() << " is empty\n";
            return 2;
        }
        if (!header.empty() && header[0].rfind("\xEF\xBB\xBF", 0) == 0) header[0].erase(0, 3);
        for (size_t i = 0; i < header.size(); ++i) {
            if (kColumns.count(header[i]) || header[i].rfind("attributes.", 0) == 0) continue;
            std::cerr << input.string() << ":1:" << i + 1 << ": unknown column \"" << header[i]
                      << "\" (id, type, occurred_at, contact.*, staff.*, attributes.*)\n";
            return 2;
        }
        std::vector<std::string> cells;
        for (;;) {
            int line = lines + 1;
            if (!cxgate::csv::read_record(in, cells, lines)) break;
            if (cells.size() == 1 && cells[0].empty()) continue;
            rows.push_back(csv_row(header, cells, line));
        }
    } else {
        int line = 0;
        for (std::string text; std::getline(in, text);) {
            ++line;
            if (text.find_first_not_of(" \t\r") == std::string::npos) continue;
            Row row;
            row.line = line;
            // The daemon's own limits, so a row it would refuse is reported by line here
            // (and a deeply nested one cannot overflow this process's stack either).
            auto parsed = json_input::parse(text);
            row.event = parsed.value ? std::move(*parsed.value) : json();
            if (!parsed.value)
                row.error = parsed.field == "body" ? parsed.error : parsed.message();
            else if (!row.event.is_object())
                row.error = "an event must be a JSON object";
            rows.push_back(std::move(row));
        }
    }

    const bool tty = isatty(STDERR_FILENO);
    std::signal(SIGINT, [](int) { g_interrupted = 1; });
    std::signal(SIGTERM, [](int) { g_interrupted = 1; });
    const auto started = std::chrono::steady_clock::now();
    int total = static_cast<int>(rows.size()), done = 0, accepted = 0, duplicates = 0, skipped = 0,
        posted = 0, since_save = 0;
    int exit_code = 0;
    for (const auto& row : rows) {
        if (g_interrupted) break;
        if (row.line <= state.acknowledged_line) {
            if (auto earlier = state.bad.find(row.line); earlier != state.bad.end()) {
                report_bad(row.line, std::string(earlier->second), true);
            } else {
                ++skipped;
            }
            ++done;
            continue;
        }
        if (!row.error.empty()) {
            report_bad(row.line, row.error);
        } else {
            // Throttle: row k of this run goes no earlier than k / rate seconds in.
            auto due = started + std::chrono::duration<double>(posted / options.rate);
            std::this_thread::sleep_until(
                std::chrono::time_point_cast<std::chrono::steady_clock::duration>(due));
            ++posted;
            HttpResult result;
            for (int attempt = 0;; ++attempt) {
                result = http_request(
                    "POST", url + "/v1/events", row.event.dump(),
                    {"Content-Type: application/json", "Authorization: Bearer " + token}, 10);
                const bool busy = result.status == 503 || result.status == 429;
                if ((result.error.empty() && !busy) || attempt >= 8 || g_interrupted) break;
                std::this_thread::sleep_for(std::chrono::milliseconds(250 << std::min(attempt, 4)));
            }
            if (!result.error.empty() || result.status == 503 || result.status == 429 ||
                result.status == 401 || result.status >= 500 || result.status == 0) {
                if (tty) std::fputs("\r\033[K", stderr);
                std::cerr << "cxgate import: " << input.string() << ":" << row.line << ": "
                          << (result.error.empty()
                                  ? "HTTP " + std::to_string(result.status) + " " + result.body
                                  : result.error)
                          << "; stopping (run the same command again to resume here)\n";
                exit_code = 1;
                break;
            }
            if (result.status == 202) {
                auto body = json_input::parse_or_discarded(result.body);
                ++accepted;
                if (body.is_object() && body.value("duplicate", false)) ++duplicates;
            } else {
                auto body = json_input::parse_or_discarded(result.body);
                std::string why = body.is_object() ? body.value("error", result.body) : result.body;
                report_bad(row.line, "HTTP " + std::to_string(result.status) + ": " + why);
            }
        }
        state.acknowledged_line = row.line;
        ++done;
        if (++since_save >= 50) {
            write_state(state_file, state);
            since_save = 0;
        }
        double elapsed =
            std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        progress(tty, done, total, bad, elapsed);
    }
    write_state(state_file, state);
    if (tty) std::fputs("\r\033[K", stderr);
    double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    if (g_interrupted) exit_code = 130;
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.1f", elapsed);
    std::cout << "cxgate import: " << total << " row(s): " << accepted << " accepted ("
              << duplicates << " duplicate), " << bad << " bad"
              << (earlier_bad ? " (" + std::to_string(earlier_bad) + " in an earlier run)" : "")
              << ", " << skipped << " skipped (imported before), " << (total - done)
              << " not done, in " << seconds << " s"
              << (g_interrupted ? "; interrupted, run again to resume" : "") << "\n";
    if (exit_code == 0 && done == total && bad == 0) {
        // Finished cleanly: the state file has nothing left to say.
        std::error_code ec;
        fs::remove(state_file, ec);
    }
    return exit_code ? exit_code : (bad ? 1 : 0);
}

}  // namespace cxgate::cli
