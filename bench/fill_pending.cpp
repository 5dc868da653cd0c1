// Fills a database with pending surveys for bench/events and bench/scale, through the
// store's own write path: each is a real event (engine::parse_event) recorded and planned by
// engine::record_event, exactly as POST /v1/events does on the writer thread, minus HTTP and
// one commit per event: here 5,000 events go in one transaction (a million in about a minute
// and a half on two cores). On a manual clock on a Saturday every survey waits for Monday.
//
// usage: bench_fill_pending CONFIG DB COUNT NOW [FIRST]
//   events fill-FIRST .. fill-(FIRST+COUNT-1), contact phones +35850 followed by 7 digits
//   (the bench's own posted events use +3584...), so none meets another on its address.
// Prints the number of pending (scheduled) surveys after the fill and how long it took.
#include <chrono>
#include <cstdio>
#include <iostream>
#include <string>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

using namespace cxgate;

int main(int argc, char** argv) {
    if (argc < 5 || argc > 6) {
        std::cerr << "usage: bench_fill_pending CONFIG DB COUNT NOW [FIRST]\n";
        return 2;
    }
    const std::string config_path = argv[1];
    const std::string db_path = argv[2];
    const long count = std::stol(argv[3]);
    const auto now = timing::parse_iso8601(argv[4]);
    const long first = argc == 6 ? std::stol(argv[5]) : 0;
    if (!now) {
        std::cerr << "NOW: not an ISO 8601 instant: " << argv[4] << "\n";
        return 2;
    }
    auto loaded = config::load(config_path);
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        return 1;
    }
    const auto& config = *loaded.config;
    store::SqliteStore db(store::open_for_writing(db_path));

    constexpr long kBatch = 5000;
    const auto t0 = std::chrono::steady_clock::now();
    long refused = 0;
    for (long i = first; i < first + count;) {
        db.database().exec("BEGIN IMMEDIATE");
        for (const long end = std::min(i + kBatch, first + count); i < end; ++i) {
            char phone[32];
            std::snprintf(phone, sizeof phone, "+35850%07ld", i % 10000000);
            nlohmann::json body{
                {"id", "fill-" + std::to_string(i)},
                {"type", "appointment.booked"},
                {"contact", {{"id", "fill-c" + std::to_string(i)}, {"phone", phone}}}};
            auto parsed = engine::parse_event(body, config, *now);
            if (!parsed.event) {
                if (!refused++) std::cerr << "event refused: " << parsed.error << "\n";
                continue;
            }
            engine::record_event(db, config, *parsed.event, *now);
        }
        db.database().exec("COMMIT");
    }
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const auto pending = db.database()
                             .execAndGet("SELECT COUNT(*) FROM surveys WHERE state = 'scheduled'")
                             .getInt64();
    std::cout << "filled " << count << " events in " << seconds << " seconds, " << pending
              << " pending surveys, " << refused << " refused" << std::endl;
    return refused ? 1 : 0;
}
