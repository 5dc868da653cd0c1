#pragma once
// A fresh database file and an NPS survey sent by email, for the tests of what a
// customer's answer does to a survey.
#include <filesystem>
#include <memory>
#include <string>

#include "cxgate/store/database.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/store/sqlite_store.hpp"

namespace cxgate::testing {

inline std::unique_ptr<store::SqliteStore> fresh_database(const std::string& prefix) {
    static int n = 0;
    auto path = std::filesystem::temp_directory_path() / (prefix + std::to_string(++n) + ".db");
    for (auto suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
    return std::make_unique<store::SqliteStore>(store::open_for_writing(path.string()));
}

inline store::SurveyRow sent_email_nps(store::SurveyState state) {
    store::SurveyRow s;
    s.event_id = "e1";
    s.event_type = "deal.won";
    s.flow = "f";
    s.flow_version = "v";
    s.step = "close";
    s.metric = "nps";
    s.contact_id = "c1";
    s.locale = "fi";
    s.channels = "[\"email\"]";
    s.channel = "email";
    s.address = "matti@example.com";
    s.state = state;
    s.follow_up_why = true;
    s.sent_at = 1000;
    s.created_at = s.updated_at = 1000;
    return s;
}

}  // namespace cxgate::testing
