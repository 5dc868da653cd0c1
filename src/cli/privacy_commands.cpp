// `cxgate forget`, `export-person`, `audit` (privacy_commands.hpp).
#include "cxgate/cli/privacy_commands.hpp"

#include <SQLiteCpp/Transaction.h>
#include <pwd.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <thread>

#include "cxgate/cli/command_support.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace cxgate::cli {

namespace {

// Who ran the command, for the audit: the login behind sudo when there is one.
std::string actor() {
    if (const char* sudo = std::getenv("SUDO_USER"); sudo && *sudo)
        return std::string("cli:") + sudo;
    if (const auto* pw = getpwuid(geteuid())) return std::string("cli:") + pw->pw_name;
    return "cli:uid " + std::to_string(geteuid());
}

struct Opened {
    std::shared_ptr<const config::Config> config;
    std::unique_ptr<store::SqliteStore> db;
    store::PersonSelector selector;
};

// The configuration's database (or --db), for writing; null after saying why.
std::unique_ptr<store::SqliteStore> open_database(const config::Config& config,
                                                  const PrivacyOptions& o, const char* command) {
    const std::string path = o.db_override.empty() ? config.store.path : o.db_override;
    try {
        return std::make_unique<store::SqliteStore>(store::open_for_writing(path));
    } catch (const std::exception& e) {
        std::cerr << "cxgate " << command << ": " << e.what() << "\n";
        return nullptr;
    }
}

std::optional<Opened> open(const PrivacyOptions& o, const char* command) {
    Opened out;
    out.config = load_or_report(o.config_file);
    if (!out.config) return std::nullopt;
    std::string error;
    auto selector = privacy::selector_for(o.person, *out.config, &error);
    if (!selector) {
        std::cerr << "cxgate " << command << ": " << error << "\n";
        return std::nullopt;
    }
    out.selector = std::move(*selector);
    out.db = open_database(*out.config, o, command);
    if (!out.db) return std::nullopt;
    return out;
}

// The daemon's readers may hold the log for a moment; a few tries get past them.
bool scrub(store::SqliteStore& db) {
    for (int attempt = 0; attempt < 50; ++attempt) {
        if (db.scrub_log()) return true;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    return false;
}

bool confirmed(const store::PersonTraces& traces, bool drop_answers) {
    std::cerr << "Erase everything held about this person: " << traces.contact_ids.size()
              << " contact id(s), " << traces.survey_ids.size() << " survey(s)"
              << (drop_answers ? " with their answers" : " (their scores stay, anonymous)")
              << "? This cannot be undone. [y/N] " << std::flush;
    std::string line;
    return std::getline(std::cin, line) && (line == "y" || line == "Y" || line == "yes");
}

}  // namespace

int forget_command(const PrivacyOptions& o) {
    auto opened = open(o, "forget");
    if (!opened) return 2;
    auto& db = *opened->db;
    if (!o.yes) {
        if (!isatty(STDIN_FILENO)) {
            std::cerr << "cxgate forget: give --yes to erase without being asked (standard "
                         "input is not a terminal)\n";
            return 2;
        }
        if (!confirmed(db.find_person(opened->selector), o.drop_answers)) {
            std::cerr << "cxgate forget: nothing erased\n";
            return 1;
        }
    }
    privacy::Forgotten done;
    {
        SQLite::Transaction transaction(db.database());
        done = privacy::forget(db, opened->selector, o.person.kinds(), actor(), o.drop_answers,
                               now_seconds());
        transaction.commit();
    }
    const bool scrubbed = scrub(db);
    if (!done.found) {
        std::cout << "nothing is held about this person (audit " << done.audit_id << ")\n";
        return 0;
    }
    const auto& n = done.counts;
    std::cout << "erased (audit " << done.audit_id << "): contacts " << n.contacts
              << ", event payloads " << n.events << ", messages " << n.messages << ", replies "
              << n.inbound << ", clicks " << n.clicks << "; surveys " << n.surveys
              << (o.drop_answers ? " deleted with " + std::to_string(n.answers_dropped) + " answers"
                                 : " kept as anonymous scores")
              << (n.closed ? " (" + std::to_string(n.closed) + " closed before their end)" : "")
              << (n.optouts ? "; the opt-out stays in force as a keyed hash" : "") << "\n";
    if (!scrubbed) {
        std::cerr << "cxgate forget: the database's write-ahead log is still in use, so older "
                     "copies of the erased rows remain in it until the daemon's next "
                     "checkpoint; run cxgate forget again with the same key later to empty it\n";
        return 3;
    }
    return 0;
}

int export_person_command(const PrivacyOptions& o) {
    auto opened = open(o, "export-person");
    if (!opened) return 2;
    auto& db = *opened->db;
    nlohmann::json out;
    {
        SQLite::Transaction transaction(db.database());
        out =
            privacy::export_person(db, opened->selector, o.person.kinds(), actor(), now_seconds());
        transaction.commit();
    }
    const auto text = json_input::dump(out, 2) + "\n";
    if (o.out.empty()) {
        std::cout << text;
    } else {
        std::ofstream file(o.out, std::ios::binary | std::ios::trunc);
        file << text;
        if (!file.flush()) {
            std::cerr << "cxgate export-person: cannot write " << o.out << "\n";
            return 1;
        }
        std::cerr << "wrote " << o.out << "\n";
    }
    return out.value("found", false) ? 0 : 1;
}

int audit_command(const PrivacyOptions& o) {
    auto config = load_or_report(o.config_file);
    if (!config) return 2;
    auto db = open_database(*config, o, "audit");
    if (!db) return 2;
    const auto rows = db->privacy_audit(o.limit);
    if (o.json) {
        auto out = nlohmann::json::array();
        for (const auto& r : rows) out.push_back(privacy::to_json(r));
        std::cout << json_input::dump(out, 2) << "\n";
        return 0;
    }
    for (const auto& r : rows)
        std::cout << r.id << "  "
                  << timing::format_iso8601(timing::TimePoint{std::chrono::seconds{r.at}}) << "  "
                  << r.action << "  " << r.actor << "  by " << r.selector << "  " << r.counts
                  << "\n";
    if (rows.empty()) std::cout << "no erasure, export or retention run yet\n";
    return 0;
}

}  // namespace cxgate::cli
