#pragma once
// A throwaway configuration for tests that run the real loader and the real writer code:
// a directory in /tmp with a cxgate.yaml (sandbox `sms` and `email` channels, the project's
// templates and calendars, Helsinki time), the given flow files and an SQLite file. Lines
// given as `extra` are appended to cxgate.yaml (a staff directory, fatigue, ...).
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "cxgate/config/config.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace cxgate::testing {

struct ConfigDir {
    std::filesystem::path root;
    std::shared_ptr<const config::Config> config;
    config::Diagnostics diagnostics;
    std::unique_ptr<store::SqliteStore> db;  // the store the components work on

    ConfigDir(const std::map<std::string, std::string>& flows, const std::string& defaults,
              const std::string& extra = "") {
        root = std::filesystem::temp_directory_path() /
               ("cxgate-test-" + std::to_string(std::rand()) + std::to_string(std::rand()));
        std::filesystem::create_directories(root / "flows");
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "defaults: { timezone: Europe/Helsinki" +
                  (defaults.empty() ? "" : ", " + defaults) +
                  " }\n"
                  "channels:\n  sms: { type: sandbox, kind: sms }\n"
                  "  email: { type: sandbox, kind: email }\n"
                  "templates_dir: " CXGATE_SOURCE_DIR
                  "/templates\n"
                  "calendars_dir: " CXGATE_SOURCE_DIR "/calendars\n" +
                  extra);
        for (const auto& [name, text] : flows) write("flows/" + name + ".yaml", text);
        reload();
        db = std::make_unique<store::SqliteStore>(
            store::open_for_writing((root / "cxgate.db").string()));
    }
    ~ConfigDir() {
        db.reset();
        std::filesystem::remove_all(root);
    }
    ConfigDir(const ConfigDir&) = delete;
    ConfigDir& operator=(const ConfigDir&) = delete;

    void write(const std::string& name, const std::string& text) const {
        std::ofstream(root / name) << text;
    }
    // Loads the files as they are now; `config` keeps the last good load.
    void reload() {
        auto loaded = config::load((root / "cxgate.yaml").string());
        diagnostics = loaded.diagnostics;
        if (loaded.config) config = loaded.config;
    }
};

}  // namespace cxgate::testing
