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
#include <condition_variable>
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

    std::unique_ptr<SQLite::Database> db_;
    std::unique_ptr<SqliteStore> store_;  // jobs see the connection only through it
    Mode mode_;
    size_t queue_limit_;
    size_t max_batch_;
    size_t reserve_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    std::deque<Job> queue_;
    bool stopping_ = false;
    Stats stats_;
    std::thread thread_;
};

}  // namespace cxgate::store
