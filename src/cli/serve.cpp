// `cxgate serve`: reads the configuration and the options, then runs the Application.
#include "cxgate/cli/serve.hpp"

#include <malloc.h>

#include <iostream>

#include "cxgate/cli/application.hpp"

namespace cxgate::cli {

namespace {

// --now and --manual-clock: the clock the daemon runs on. Null after printing why not.
std::unique_ptr<Clock> make_clock(const ServeOptions& options) {
    Clock::time_point start =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!options.now.empty()) {
        auto parsed = timing::parse_iso8601(options.now);
        if (!parsed) {
            std::cerr
                << "cxgate: --now: expected ISO 8601 with offset, e.g. 2026-11-20T19:55:00+02:00\n";
            return nullptr;
        }
        start = *parsed;
    }
    if (options.manual_clock) return std::make_unique<ManualClock>(start);
    if (!options.now.empty()) return std::make_unique<SystemClock>(start);
    return std::make_unique<SystemClock>();
}

}  // namespace

int serve(const ServeOptions& options) {
    // glibc hands freed memory at a heap's top back to the kernel with madvise as soon as
    // it passes a small threshold; SQLite's per-statement temporary structures made the
    // writer thread do that thousands of times a second, and each call is a TLB
    // shootdown across CPUs (a third of the CPU time of bench/dispatch). Keep up to
    // 64 MiB of free heap instead. (The daemon is linked with jemalloc unless built with
    // -DCXGATE_JEMALLOC=OFF; then this is what keeps glibc's malloc from doing so.)
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    auto loaded = config::load(options.config_file);
    for (const auto& d : loaded.diagnostics.items) std::cerr << d.to_string() << "\n";
    if (!loaded.config) {
        std::cerr << "cxgate: configuration has errors; not starting\n";
        return 2;
    }
    auto clock = make_clock(options);
    if (!clock) return 2;
    std::unique_ptr<Application> app;
    try {
        app = std::make_unique<Application>(options, loaded.config, std::move(clock));
    } catch (const std::exception& e) {
        std::cerr << "cxgate: " << e.what() << "\n";
        return 1;
    }
    return app->run();
}

}  // namespace cxgate::cli
