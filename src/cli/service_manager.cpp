#include "cxgate/cli/service_manager.hpp"

#include <spdlog/spdlog.h>
#include <systemd/sd-daemon.h>

#include <cstring>
#include <ctime>

#include "cxgate/store/db_thread.hpp"

namespace cxgate::cli {

namespace {

// systemd matches RELOADING=1 to the reload it started by this (CLOCK_MONOTONIC, µs).
std::string monotonic_usec() {
    timespec now{};
    clock_gettime(CLOCK_MONOTONIC, &now);
    return std::to_string(static_cast<unsigned long long>(now.tv_sec) * 1'000'000ULL +
                          static_cast<unsigned long long>(now.tv_nsec) / 1'000ULL);
}

}  // namespace

ServiceManager::ServiceManager(asio::io_context& io, store::DbThread& writer,
                               store::DbThread& reader)
    : io_(io), writer_(writer), reader_(reader), tick_(io) {}

void ServiceManager::notify(const std::string& state) {
    // 0 = no NOTIFY_SOCKET (not under systemd); < 0 = the socket refused: worth a line,
    // never worth stopping the daemon.
    if (const int r = sd_notify(0, state.c_str()); r < 0)
        spdlog::warn("sd_notify: {}", std::strerror(-r));
}

void ServiceManager::ready(const std::string& status) {
    notify("READY=1\nSTATUS=" + status);
}

void ServiceManager::reloading() {
    notify("RELOADING=1\nMONOTONIC_USEC=" + monotonic_usec() + "\nSTATUS=reloading");
}

void ServiceManager::stopping() {
    notify("STOPPING=1\nSTATUS=stopping");
}

std::chrono::microseconds ServiceManager::start_watchdog() {
    uint64_t usec = 0;
    // > 0 only when WATCHDOG_USEC is set (and WATCHDOG_PID, if set, is this process).
    if (sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return {};
    const std::chrono::microseconds every(usec / 2);
    watching_ = true;
    asio::co_spawn(io_, watchdog_loop(every), asio::detached);
    spdlog::info("systemd watchdog: {} ms, pinged every {} ms after a database round trip",
                 usec / 1000, every.count() / 1000);
    return std::chrono::microseconds(usec);
}

void ServiceManager::stop_watchdog() {
    watching_ = false;
    tick_.cancel();
}

asio::awaitable<void> ServiceManager::watchdog_loop(std::chrono::microseconds every) {
    while (watching_) {
        const bool alive = co_await database_alive();
        if (!watching_) break;
        if (alive) notify("WATCHDOG=1");
        tick_.expires_after(every);
        boost::system::error_code ec;
        co_await tick_.async_wait(asio::redirect_error(asio::use_awaitable, ec));
    }
}

asio::awaitable<bool> ServiceManager::database_alive() {
    auto no_op = [](store::Store&) { return true; };
    try {
        auto writer_probe = no_op;
        co_await writer_.execute(std::move(writer_probe), store::Origin::internal);
        auto reader_probe = no_op;
        co_await reader_.execute(std::move(reader_probe), store::Origin::internal);
        co_return true;
    } catch (const store::QueueFull&) {
        // Full even beyond the reserve: alive if it has committed anything since last time.
        const auto jobs = writer_.stats().jobs;
        const bool progressed = jobs != writer_jobs_seen_;
        writer_jobs_seen_ = jobs;
        co_return progressed;
    } catch (const std::exception& e) {
        // A no-op cannot fail on its own; the thread answered, so it is alive.
        spdlog::warn("watchdog probe: {}", e.what());
        co_return true;
    }
}

}  // namespace cxgate::cli
