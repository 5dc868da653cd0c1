// `cxgate serve`: wires the components onto one io_context and runs until SIGTERM.
#include "cxgate/cli/serve.hpp"

#include <spdlog/spdlog.h>

#include <malloc.h>

#include <iostream>
#include <thread>

#include "cxgate/channels/dispatcher.hpp"
#include "cxgate/config/flow_versions.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/http/server.hpp"
#include "cxgate/scheduler/scheduler.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::cli {

namespace {

std::shared_ptr<const config::Config> with_overrides(
    const std::shared_ptr<const config::Config>& loaded, const ServeOptions& options) {
    auto copy = std::make_shared<config::Config>(*loaded);
    if (!options.listen.empty()) copy->server.listen = options.listen;
    if (!options.db.empty()) copy->store.path = options.db;
    return copy;
}

}  // namespace

int serve(const ServeOptions& options) {
    // glibc hands freed memory at a heap's top back to the kernel with madvise as soon as
    // it passes a small threshold; SQLite's per-statement temporary structures made the
    // writer thread do that thousands of times a second, and each call is a TLB
    // shootdown across CPUs (a third of the CPU time of bench/dispatch). Keep up to
    // 64 MiB of free heap instead.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    auto loaded = config::load(options.config_file);
    for (const auto& d : loaded.diagnostics.items) std::cerr << d.to_string() << "\n";
    if (!loaded.config) {
        std::cerr << "cxgate: configuration has errors; not starting\n";
        return 2;
    }
    auto current = with_overrides(loaded.config, options);

    std::unique_ptr<Clock> clock;
    Clock::time_point start =
        std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
    if (!options.now.empty()) {
        auto parsed = timing::parse_iso8601(options.now);
        if (!parsed) {
            std::cerr
                << "cxgate: --now: expected ISO 8601 with offset, e.g. 2026-11-20T19:55:00+02:00\n";
            return 2;
        }
        start = *parsed;
    }
    if (options.manual_clock)
        clock = std::make_unique<ManualClock>(start);
    else if (!options.now.empty())
        clock = std::make_unique<SystemClock>(start);
    else
        clock = std::make_unique<SystemClock>();

    std::unique_ptr<store::DbThread> writer, reader;
    std::string link_secret;
    try {
        auto write_connection = store::open_for_writing(current->store.path);
        // Signs unsubscribe links; kept in the database so links survive restarts.
        link_secret =
            store::setting(*write_connection, "link_secret", [] { return random_hex(32); });
        // The reserves hold the daemon's own jobs beyond the bound for requests: at most
        // one scheduler pass, one recovery and one job per dispatcher delivery in flight
        // (256, channels::Dispatcher), so a burst of requests gets 503s while they go on.
        constexpr size_t kInternalReserve = 512;
        writer = std::make_unique<store::DbThread>(
            std::move(write_connection), store::DbThread::Mode::writer, current->store.write_queue,
            current->store.max_batch, kInternalReserve);
        reader = std::make_unique<store::DbThread>(store::open_for_reading(current->store.path),
                                                   store::DbThread::Mode::reader, 1024, 1,
                                                   kInternalReserve);
    } catch (const std::exception& e) {
        std::cerr << "cxgate: database " << current->store.path << ": " << e.what() << "\n";
        return 1;
    }

    asio::io_context io(1);
    auto config_source = [&current]() { return current; };
    channels::Dispatcher dispatcher(io, *writer, *reader, config_source, *clock);
    dispatcher.configure(current, link_secret);
    scheduler::Scheduler scheduler(io, *writer, config_source, *clock, dispatcher);
    dispatcher.on_new_messages(
        [&scheduler](const std::vector<std::int64_t>&) { scheduler.poke(); });
    http::Counters counters;
    http::ReloadStatus reload;
    reload.at = clock->now().time_since_epoch().count();
    reload.last_success_at = reload.at;
    http::Services services{config_source, *writer,     *reader,           *clock,
                            scheduler,     dispatcher,  counters,          reload,
                            reload.at,     link_secret, http::LogLimiter{}};
    http::Server server(io, services);
    try {
        server.listen(current->server.listen);
    } catch (const std::exception& e) {
        std::cerr << "cxgate: cannot listen on " << current->server.listen << ": " << e.what()
                  << "\n";
        return 1;
    }

    // Reload (SIGHUP) re-reads everything: cxgate.yaml, flows, templates, sources. The
    // files are read and validated on a helper thread, never on the event loop; the
    // result is posted back and swapped in on the loop, so no request ever sees half a
    // configuration and requests in flight keep the one they started with. A SIGHUP that
    // arrives during a reload runs one more after it.
    std::thread loader;
    bool loading = false, reload_again = false;
    std::function<void()> start_reload;
    std::function<void(const config::LoadResult&)> apply_reload = [&](const auto& next) {
        loading = false;
        reload.at = clock->now().time_since_epoch().count();
        if (!next.config) {
            // "failed", as /metrics' last_reload label says; the errors themselves are in
            // reload.errors (the first diagnostic could even be a warning).
            reload.result = "failed";
            reload.errors.clear();
            for (const auto& d : next.diagnostics.items)
                if (d.severity == config::Diagnostic::Severity::error)
                    reload.errors.push_back(d.to_string());
            reload.failed++;
            spdlog::error("reload rejected; still running config {}", current->version);
            for (const auto& d : next.diagnostics.items) spdlog::error("{}", d.to_string());
        } else {
            auto previous = current;
            auto merged = std::make_shared<config::Config>(*with_overrides(next.config, options));
            current = config::carry_forward(*previous, std::move(merged));
            dispatcher.configure(current, link_secret);
            reload.result = "ok";
            reload.errors.clear();
            reload.last_success_at = reload.at;
            reload.succeeded++;
            spdlog::info(
                "reloaded configuration {} (was {}; {} earlier flow version(s) kept for "
                "scheduled surveys)",
                current->version, previous->version, current->retired_flows.size());
            scheduler.poke();
        }
        if (reload_again) {
            reload_again = false;
            start_reload();
        }
    };
    start_reload = [&]() {
        if (loading) {
            reload_again = true;
            return;
        }
        loading = true;
        if (loader.joinable()) loader.join();  // the previous one has posted its result
        loader = std::thread([&io, &apply_reload, file = options.config_file]() {
            auto next = std::make_shared<config::LoadResult>(config::load(file));
            // Dropped if the loop has stopped meanwhile; the thread is joined after run().
            asio::post(io, [&apply_reload, next]() { apply_reload(*next); });
        });
    };

    asio::signal_set signals(io, SIGINT, SIGTERM, SIGHUP);
    asio::steady_timer grace(io);
    std::function<void()> wait_for_signal;
    wait_for_signal = [&]() {
        signals.async_wait([&](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                start_reload();
                wait_for_signal();
                return;
            }
            // Stop taking work, let requests in progress and the writer finish.
            spdlog::info("signal {}: shutting down", signal);
            server.stop();
            scheduler.stop();
            signals.cancel();
            // Idle keep-alive connections would otherwise hold the loop until their
            // read timeout; in-flight requests finish well within this.
            grace.expires_after(std::chrono::seconds(3));
            grace.async_wait([&io](const boost::system::error_code& e) {
                if (!e) io.stop();
            });
        });
    };
    wait_for_signal();

    auto startup = [&]() -> asio::awaitable<void> {
        co_await dispatcher.recover();
        scheduler.start();
    };
    asio::co_spawn(io, startup, [](std::exception_ptr e) {
        if (!e) return;
        try {
            std::rethrow_exception(e);
        } catch (const std::exception& ex) {
            spdlog::critical("start-up failed: {}", ex.what());
        }
    });

    const std::string url = "http://" +
                            current->server.listen.substr(0, current->server.listen.rfind(':')) +
                            ":" + std::to_string(server.port());
    spdlog::info("cxgate {} listening on {} (config {}, database {}, clock {}{})", CXGATE_VERSION,
                 url, current->version, current->store.path, clock->is_manual() ? "manual at " : "",
                 timing::format_iso8601(clock->now()));
    std::cout << "cxgate listening on " << url << std::endl;

    io.run();
    if (loader.joinable()) loader.join();
    writer->stop();
    reader->stop();
    spdlog::info("cxgate stopped");
    return 0;
}

}  // namespace cxgate::cli
