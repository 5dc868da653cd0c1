// bench/scale's claim figure: on a database where every pending survey is due (the clock
// moved to Monday after a weekend of bookings), how long the scheduler's pass takes to claim
// the next 500 due surveys and mark them: each survey `sending`, its message composed and
// queued, its reminder planned. The pass is the daemon's own (scheduler::run_due_work, limit
// 500, on the writer's kind of connection), run PASSES times in a row, each in its own
// transaction as the writer thread runs it. Prints the median and the slowest pass, without
// and with its COMMIT (synchronous=FULL: an fsync of the WAL).
//
// usage: bench_scale_claim CONFIG DB NOW [PASSES]
#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/timing.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"

using namespace cxgate;

namespace {

double ms_since(std::chrono::steady_clock::time_point t) {
    return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t).count();
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v[v.size() / 2];
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 4 || argc > 5) {
        std::cerr << "usage: bench_scale_claim CONFIG DB NOW [PASSES]\n";
        return 2;
    }
    auto loaded = config::load(argv[1]);
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        return 1;
    }
    const auto now = timing::parse_iso8601(argv[3]);
    if (!now) {
        std::cerr << "NOW: not an ISO 8601 instant\n";
        return 2;
    }
    const int passes = argc == 5 ? std::stoi(argv[4]) : 20;
    store::SqliteStore db(store::open_for_writing(argv[2]));
    const auto t = now->time_since_epoch().count();

    // The first pass of the day also runs the day's retention and the weekly target checks:
    // not the claim, so it is run and reported apart.
    auto first_start = std::chrono::steady_clock::now();
    db.database().exec("BEGIN IMMEDIATE");
    auto first = scheduler::run_due_work(db, *loaded.config, t, 500);
    db.database().exec("COMMIT");
    const double first_ms = ms_since(first_start);

    std::vector<double> work, total;
    int claimed = 0;
    for (int i = 0; i < passes; ++i) {
        const auto start = std::chrono::steady_clock::now();
        db.database().exec("BEGIN IMMEDIATE");
        auto pass = scheduler::run_due_work(db, *loaded.config, t, 500);
        work.push_back(ms_since(start));
        db.database().exec("COMMIT");
        total.push_back(ms_since(start));
        claimed += pass.claimed;
        if (pass.claimed != 500) {
            std::cerr << "pass " << i << " claimed " << pass.claimed << ", not 500\n";
            return 1;
        }
    }
    std::cout << "first pass " << first_ms << " ms (claimed " << first.claimed << ")\n";
    std::cout << "claim500 median " << median(work) << " ms, slowest "
              << *std::max_element(work.begin(), work.end()) << " ms; with commit median "
              << median(total) << " ms, slowest " << *std::max_element(total.begin(), total.end())
              << " ms; passes " << passes << ", claimed " << claimed << std::endl;
    return 0;
}
