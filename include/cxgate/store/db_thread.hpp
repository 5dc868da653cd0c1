#pragma once
// A thread that owns one SQLite connection and runs jobs for the event loop, so no
// SQLite call ever blocks it. The writer flavour runs jobs in groups inside one
// transaction (group commit): each job gets a SAVEPOINT so one failing job does not
// undo the others, and every job's completion runs only after COMMIT has returned,
// which is what "durable before acknowledged" means in this code base.
//
// Every queue is bounded, and overload must not starve the daemon's own work: requests
// from outside may fill the queue up to its bound (then QueueFull, which HTTP answers
// with 503 + Retry-After); the daemon's internal work (scheduler passes, dispatcher
// claims and results, recovery) may go `reserve` jobs beyond it. Internal work is
// bounded by its producers (one scheduler pass at a time, the dispatcher's in-flight
// limit), so the reserve is sized to hold all of it.
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include <SQLiteCpp/Database.h>

#include "cxgate/net.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::store {

class SqliteStore;

// Thrown to the caller when the queue is at its bound; HTTP turns it into 503.
struct QueueFull : std::runtime_error {
    QueueFull() : std::runtime_error("database queue is full") {}
};

// Thrown to the caller when SQLite could not write for want of space: the disk is full, or
// the database reached database.max_size. Nothing of the job is kept (its transaction rolled
// back, the file intact); HTTP answers 503 with Retry-After, and writes succeed again as
// soon as space returns (freed on disk, or a larger max_size reloaded).
struct StorageFull : std::runtime_error {
    StorageFull()
        : std::runtime_error("database is full (disk full or database.max_size reached)") {}
};

// Who a job is for: a request from outside (refused at the queue's bound) or the daemon's
// own work (may use the reserve beyond it).
enum class Origin { request, internal };

class DbThread {
  public:
    enum class Mode { writer, reader };
    struct Stats {
        unsigned long long jobs = 0, batches = 0, failed = 0;
        size_t queued = 0;
    };

    // Takes ownership of an open connection and runs every job on the SQLite store over it
    // (sqlite_store.hpp); starts the thread. queue_limit bounds jobs
    // from requests; internal jobs may go `reserve` beyond it.
    DbThread(std::unique_ptr<SQLite::Database> db, Mode mode, size_t queue_limit, size_t max_batch,
             size_t reserve = 0);
    ~DbThread();
    DbThread(const DbThread&) = delete;
    DbThread& operator=(const DbThread&) = delete;

    // Runs work(store) on the thread and resumes the coroutine with its result once it is
    // committed (writer) or read (reader). Exceptions from work() and QueueFull are
    // rethrown in the coroutine.
    template <typename Work>
    auto execute(Work work, Origin origin = Origin::request)
        -> asio::awaitable<decltype(work(std::declval<Store&>()))> {
        using Result = decltype(work(std::declval<Store&>()));
        auto executor = co_await asio::this_coro::executor;
        auto initiate = [this, executor, origin, work = std::move(work)](auto completion) mutable {
            using Handler = decltype(completion);
            // One allocation holds the work, its result and the coroutine's handler; the
            // two std::functions below only carry a shared_ptr (no further allocation).
            struct State {
                Work work;
                Result result{};
                Handler handler;
            };
            auto state =
                std::make_shared<State>(State{std::move(work), Result{}, std::move(completion)});
            auto run = [state](Store& db) { state->result = state->work(db); };
            // Runs on the executor: the DB thread posts all completions of a batch at once.
            auto done = [state](std::exception_ptr error) {
                state->handler(error, error ? Result{} : std::move(state->result));
            };
            if (!push(Job{std::move(run), done, executor}, origin))
                asio::post(executor, [done] { done(std::make_exception_ptr(QueueFull{})); });
        };
        co_return co_await asio::async_initiate<decltype(asio::use_awaitable),
                                                void(std::exception_ptr, Result)>(
            std::move(initiate), asio::use_awaitable);
    }

    // Fire-and-forget variant; done(error) runs on the DB thread after commit.
    bool submit(std::function<void(Store&)> work, std::function<void(std::exception_ptr)> done,
                Origin origin = Origin::request);

    // database.max_size: bounds the file (SQLite's max_page_count) on this connection, from
    // the next job on; nullopt removes the bound. A bound below the current size holds it
    // there. Writer only.
    void limit_size(std::optional<std::uint64_t> bytes);
    // Runs the queued jobs, then ends the thread. Called on shutdown.
    void stop();
    Stats stats() const;

  private:
    struct Job {
        std::function<void(Store&)> work;
        std::function<void(std::exception_ptr)> done;
        // Where done runs; empty: on the DB thread itself.
        std::optional<asio::any_io_executor> executor;
    };
    bool push(Job job, Origin origin);
    void run();
    void run_batch(std::deque<Job>& batch);
    void scrub_after_commit();
    // SQLITE_FULL becomes StorageFull (logged at most every 10 s); anything else stays.
    std::exception_ptr classify(std::exception_ptr error);

    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<SqliteStore> store_;  // jobs see the connection only through it
    // BEGIN, SAVEPOINT, RELEASE and COMMIT, prepared once on the DB thread: run as text
    // they were parsed again for every job, a fifth of the writer's time in a send.
    struct Statements;
    std::unique_ptr<Statements> statements_;
    Mode mode_;
    size_t queue_limit_;
    size_t max_batch_;
    size_t reserve_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    std::chrono::steady_clock::time_point full_logged_{};
    unsigned long long full_refused_ = 0;  // jobs refused since the last log line
    Stats stats_;
    std::thread thread_;
};

}  // namespace cxgate::store
