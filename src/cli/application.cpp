#include "cxgate/cli/application.hpp"

#include <spdlog/spdlog.h>

#include <csignal>

#include "cxgate/channels/dispatcher.hpp"
#include "cxgate/channels/outbound_sender.hpp"
#include "cxgate/cli/config_reloader.hpp"
#include "cxgate/cli/service_manager.hpp"
#include "cxgate/config/flow_versions.hpp"
#include "cxgate/foundation/random.hpp"
#include "cxgate/http/server.hpp"
#include "cxgate/scheduler/scheduler.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::cli {

namespace {

std::shared_ptr<const config::Config> with_overrides(
    const std::shared_ptr<const config::Config>& loaded, const ServeOptions& options) {
    auto copy = std::make_shared<config::Config>(*loaded);
    if (!options.listen.empty()) copy->server.listen = options.listen;
    if (!options.db.empty()) copy->store.path = options.db;
    return copy;
}

struct Database {
    std::unique_ptr<store::DbThread> writer, reader;
    std::string link_secret;  // signs answer and unsubscribe links
};

Database open_database(const config::Config& config) {
    try {
        Database db;
        auto write_connection = store::open_for_writing(config.store.path);
        // Kept in the database so links survive restarts.
        db.link_secret = store::SqliteStore(*write_connection).setting("link_secret", [] {
            return random_hex(32);
        });
        // The reserves hold the daemon's own jobs beyond the bound for requests: at most
        // one scheduler pass, one recovery and one job per dispatcher delivery in flight
        // (256, channels::Dispatcher), so a burst of requests gets 503s while they go on.
        constexpr size_t kInternalReserve = 512;
        db.writer = std::make_unique<store::DbThread>(
            std::move(write_connection), store::DbThread::Mode::writer, config.store.write_queue,
            config.store.max_batch, kInternalReserve);
        db.reader = std::make_unique<store::DbThread>(store::open_for_reading(config.store.path),
                                                      store::DbThread::Mode::reader, 1024, 1,
                                                      kInternalReserve);
        return db;
    } catch (const std::exception& e) {
        throw std::runtime_error("database " + config.store.path + ": " + e.what());
    }
}

void log_failure(const char* what, std::exception_ptr error) {
    if (!error) return;
    try {
        std::rethrow_exception(error);
    } catch (const std::exception& e) {
        spdlog::critical("{}: {}", what, e.what());
    }
}

}  // namespace

// Members in the order they are built; each uses only those above it.
struct Application::Impl {
    ServeOptions options;
    std::shared_ptr<const config::Config> current;
    std::unique_ptr<Clock> clock;
    Database db;
    asio::io_context io{1};
    channels::Dispatcher dispatcher;
    channels::OutboundSender outbound;
    scheduler::Scheduler scheduler;
    http::Counters counters;
    http::ReloadStatus reload;
    http::Services services;
    http::Server server;
    asio::signal_set signals{io, SIGINT, SIGTERM, SIGHUP};
    ConfigReloader reloader;
    ServiceManager service_manager;
    bool stopping = false;

    Impl(const ServeOptions& o, const std::shared_ptr<const config::Config>& loaded,
         std::unique_ptr<Clock> c)
        : options(o),
          current(with_overrides(loaded, o)),
          clock(std::move(c)),
          db(open_database(*current)),
          dispatcher(io, *db.writer, *db.reader, config_source(), *clock),
          outbound(io, *db.writer, *db.reader, config_source(), *clock),
          scheduler(io, *db.writer, config_source(), *clock, dispatcher),
          reload(started(*clock)),
          services{config_source(), *db.writer,     *db.reader,        *clock,
                   scheduler,       dispatcher,     counters,          reload,
                   reload.at,       db.link_secret, http::LogLimiter{}},
          server(io, services),
          reloader(io, o.config_file, [this](const config::LoadResult& next) { apply(next); }),
          service_manager(io, *db.writer, *db.reader) {
        services.outbound = &outbound;
        dispatcher.configure(current, db.link_secret);
        if (current->store.max_size) db.writer->limit_size(current->store.max_size);
        dispatcher.on_new_messages([this](const std::vector<std::int64_t>&) { scheduler.poke(); });
        try {
            server.listen(current->server.listen);
        } catch (const std::exception& e) {
            throw std::runtime_error("cannot listen on " + current->server.listen + ": " +
                                     e.what());
        }
    }

    std::function<std::shared_ptr<const config::Config>()> config_source() {
        return [this] { return current; };
    }

    static http::ReloadStatus started(const Clock& clock) {
        http::ReloadStatus status;
        status.at = clock.now().time_since_epoch().count();
        status.last_success_at = status.at;
        return status;
    }

    // A reloaded configuration: swapped in whole if valid, else reported (/healthz,
    // /metrics, the log) while the running one stays.
    void apply(const config::LoadResult& next) {
        if (stopping) return;
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
            service_manager.ready("serving config " + current->version + " (last reload rejected)");
            return;
        }
        auto previous = current;
        auto merged = std::make_shared<config::Config>(*with_overrides(next.config, options));
        current = config::carry_forward(*previous, std::move(merged));
        dispatcher.configure(current, db.link_secret);
        if (current->store.max_size != previous->store.max_size)
            db.writer->limit_size(current->store.max_size);
        reload.result = "ok";
        reload.errors.clear();
        reload.last_success_at = reload.at;
        reload.succeeded++;
        spdlog::info(
            "reloaded configuration {} (was {}; {} earlier flow version(s) kept for scheduled "
            "surveys)",
            current->version, previous->version, current->retired_flows.size());
        service_manager.ready("serving config " + current->version);
        scheduler.poke();
    }

    void wait_for_signal() {
        signals.async_wait([this](const boost::system::error_code& ec, int signal) {
            if (ec) return;
            if (signal == SIGHUP) {
                if (!stopping) {
                    service_manager.reloading();
                    reloader.request();
                }
            } else if (!stopping) {
                spdlog::info("signal {}: stopping", signal);
                stop();
            } else {
                spdlog::warn("signal {} while stopping: stopping now", signal);
                io.stop();
                return;
            }
            wait_for_signal();
        });
    }

    // No new work; what is under way gets shutdown_grace to finish (application.hpp).
    void stop() {
        stopping = true;
        service_manager.stopping();
        service_manager.stop_watchdog();
        server.stop();
        scheduler.stop();
        dispatcher.stop();
        outbound.stop();
        auto drain = [this]() -> asio::awaitable<void> { co_await drain_then_stop(); };
        asio::co_spawn(io, std::move(drain), [this](std::exception_ptr error) {
            log_failure("shutdown", error);
            io.stop();
        });
    }

    // Polls rather than waits for a signal from each part: the counts change in many
    // places, a stop happens once, and 10 ms is far below what anyone notices.
    asio::awaitable<void> drain_then_stop() {
        const auto grace = current->server.shutdown_grace;
        const auto deadline = std::chrono::steady_clock::now() + grace;
        asio::steady_timer tick(io);
        auto busy = [this] {
            return server.open_connections() > 0 || dispatcher.stats().in_flight > 0 ||
                   outbound.stats().in_flight > 0;
        };
        while (busy() && std::chrono::steady_clock::now() < deadline) {
            tick.expires_after(std::chrono::milliseconds(10));
            co_await tick.async_wait(asio::use_awaitable);
        }
        if (busy())
            spdlog::warn(
                "shutdown_grace ({}s) is over with {} connection(s) and {} send(s) still under "
                "way; stopping anyway",
                grace.count(), server.open_connections(), dispatcher.stats().in_flight);
    }

    int run() {
        wait_for_signal();
        auto startup = [this]() -> asio::awaitable<void> {
            co_await dispatcher.recover();
            if (stopping) co_return;
            scheduler.start();
            outbound.start();
            // Ready only now: the sends a crash left open are settled and the scheduler runs.
            service_manager.ready("serving config " + current->version);
            service_manager.start_watchdog();
        };
        asio::co_spawn(io, std::move(startup),
                       [](std::exception_ptr error) { log_failure("start-up failed", error); });

        const auto& listen = current->server.listen;
        const std::string url =
            "http://" + listen.substr(0, listen.rfind(':')) + ":" + std::to_string(server.port());
        spdlog::info("cxgate {} listening on {} (config {}, database {}, clock {}{})",
                     CXGATE_VERSION, url, current->version, current->store.path,
                     clock->is_manual() ? "manual at " : "", timing::format_iso8601(clock->now()));

        io.run();
        // The loop has stopped: nothing new reaches the database threads. What they still
        // have queued is committed (writer) or read, then they end.
        reloader.join();
        db.writer->stop();
        db.reader->stop();
        spdlog::info("cxgate stopped");
        spdlog::default_logger()->flush();
        return 0;
    }
};

Application::Application(const ServeOptions& options,
                         const std::shared_ptr<const config::Config>& loaded,
                         std::unique_ptr<Clock> clock)
    : impl_(std::make_unique<Impl>(options, loaded, std::move(clock))) {}

Application::~Application() = default;

int Application::run() {
    return impl_->run();
}

}  // namespace cxgate::cli
