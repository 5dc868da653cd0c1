#include "cxgate/store/db_thread.hpp"

#include <spdlog/spdlog.h>
#include <sqlite3.h>

#include "cxgate/foundation/thread_name.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "statement_cache.hpp"

namespace cxgate::store {

DbThread::DbThread(std::unique_ptr<SQLite::Database> db, Mode mode, size_t queue_limit,
                   size_t max_batch, size_t reserve)
    : db_(std::move(db)),
      store_(std::make_unique<SqliteStore>(*db_)),
      mode_(mode),
      queue_limit_(queue_limit),
      max_batch_(max_batch),
      reserve_(reserve) {
    thread_ = std::thread([this] { run(); });
}

DbThread::~DbThread() {
    stop();
}

void DbThread::stop() {
    {
        std::lock_guard lock(mutex_);
        if (stopping_ && !thread_.joinable()) return;
        stopping_ = true;
    }
    wake_.notify_all();
    if (thread_.joinable()) thread_.join();
}

bool DbThread::push(Job job, Origin origin) {
    const size_t limit = queue_limit_ + (origin == Origin::internal ? reserve_ : 0);
    {
        std::lock_guard lock(mutex_);
        if (stopping_ || queue_.size() >= limit) return false;
        queue_.push_back(std::move(job));
    }
    wake_.notify_one();
    return true;
}

bool DbThread::submit(std::function<void(Store&)> work,
                      std::function<void(std::exception_ptr)> done, Origin origin) {
    return push(Job{std::move(work), std::move(done), std::nullopt}, origin);
}

DbThread::Stats DbThread::stats() const {
    std::lock_guard lock(mutex_);
    Stats s = stats_;
    s.queued = queue_.size();
    return s;
}

void DbThread::run() {
    name_this_thread(mode_ == Mode::writer ? "db-writer" : "db-reader");
    enable_statement_cache(*db_);
    std::deque<Job> batch;
    while (true) {
        {
            std::unique_lock lock(mutex_);
            wake_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
            if (queue_.empty() && stopping_) {
                clear_statement_cache();
                return;
            }
            // Everything that arrived while the last commit was on disk goes into this
            // one: under load the batches grow by themselves, idle they stay at one.
            size_t take = mode_ == Mode::writer ? std::min(max_batch_, queue_.size()) : 1;
            for (size_t i = 0; i < take; ++i) {
                batch.push_back(std::move(queue_.front()));
                queue_.pop_front();
            }
        }
        run_batch(batch);
        batch.clear();
    }
}

void DbThread::limit_size(std::optional<std::uint64_t> bytes) {
    auto apply = [this, bytes](Store&) {
        const auto page_size =
            static_cast<std::uint64_t>(db_->execAndGet("PRAGMA page_size").getInt64());
        // SQLite's own ceiling (4294967294 pages) when unbounded.
        const std::uint64_t pages =
            bytes ? std::max<std::uint64_t>(1, *bytes / page_size) : 4294967294ULL;
        const auto now =
            db_->execAndGet("PRAGMA max_page_count=" + std::to_string(pages)).getInt64();
        if (bytes)
            spdlog::info(
                "database size bounded at {} bytes ({} pages of {}; the file now holds {})", *bytes,
                now, page_size, db_->execAndGet("PRAGMA page_count").getInt64() * page_size);
    };
    push(Job{std::move(apply), {}, std::nullopt}, Origin::internal);
}

std::exception_ptr DbThread::classify(std::exception_ptr error) {
    try {
        std::rethrow_exception(error);
    } catch (const SQLite::Exception& e) {
        if ((e.getErrorCode() & 0xff) != SQLITE_FULL) return error;
    } catch (...) {
        return error;
    }
    ++full_refused_;
    const auto now = std::chrono::steady_clock::now();
    if (now - full_logged_ >= std::chrono::seconds(10)) {
        spdlog::error(
            "database {} is full (disk full or database.max_size reached): {} write(s) refused "
            "with 503 since the last report; nothing is lost or corrupted, writes resume when "
            "space returns",
            db_->getFilename(), full_refused_);
        full_logged_ = now;
        full_refused_ = 0;
    }
    return std::make_exception_ptr(StorageFull{});
}

void DbThread::scrub_after_commit() {
    try {
        if (!store_->scrub_log())
            spdlog::warn(
                "erased data: the WAL is still in use by a reader; its older copies "
                "go at the next checkpoint");
    } catch (const std::exception& e) {
        // The batch is committed: a failed checkpoint must not fail its jobs.
        spdlog::warn("erased data: checkpoint of the WAL failed: {}", e.what());
    }
}

struct DbThread::Statements {
    explicit Statements(SQLite::Database& db)
        : begin(db, "BEGIN IMMEDIATE"),
          savepoint(db, "SAVEPOINT job"),
          release(db, "RELEASE job"),
          commit(db, "COMMIT") {}
    SQLite::Statement begin, savepoint, release, commit;

    // Reset after every run, failed or not: a statement left unreset keeps the pager's
    // error state (a full disk) from clearing, and writes never resumed.
    static void run(SQLite::Statement& st) {
        try {
            st.exec();
        } catch (...) {
            st.tryReset();
            throw;
        }
        st.reset();
    }
};

void DbThread::run_batch(std::deque<Job>& batch) {
    std::vector<std::exception_ptr> errors(batch.size());
    if (mode_ == Mode::reader) {
        for (size_t i = 0; i < batch.size(); ++i) {
            try {
                batch[i].work(*store_);
            } catch (...) {
                errors[i] = std::current_exception();
            }
        }
    } else {
        std::exception_ptr commit_error;
        try {
            if (!statements_) statements_ = std::make_unique<Statements>(*db_);
            auto& st = *statements_;
            Statements::run(st.begin);
            for (size_t i = 0; i < batch.size(); ++i) {
                Statements::run(st.savepoint);
                try {
                    batch[i].work(*store_);
                    Statements::run(st.release);
                } catch (...) {
                    errors[i] = classify(std::current_exception());
                    try {
                        db_->exec("ROLLBACK TO job");
                        db_->exec("RELEASE job");
                    } catch (...) {
                        // SQLite rolled back the whole transaction (it may, on a full
                        // disk): the batch fails, for this job's reason.
                        std::rethrow_exception(errors[i]);
                    }
                }
            }
            Statements::run(st.commit);
            // Erased personal data leaves no older copy in the WAL once its callers hear
            // it is gone (personal_data.hpp).
            if (store_->scrub_pending()) scrub_after_commit();
        } catch (...) {
            // The commit itself failed (disk full, I/O error): nothing of the batch is
            // durable, so every job fails and no caller acknowledges anything.
            commit_error = classify(std::current_exception());
            try {
                db_->exec("ROLLBACK");
            } catch (...) {
            }
            bool full = false;
            try {
                std::rethrow_exception(commit_error);
            } catch (const StorageFull&) {
                full = true;  // classify() has said so, at most every 10 s
            } catch (...) {
            }
            if (!full) spdlog::error("group commit of {} jobs failed", batch.size());
        }
        if (commit_error)
            for (auto& e : errors) e = commit_error;
    }
    {
        std::lock_guard lock(mutex_);
        stats_.jobs += batch.size();
        stats_.batches += 1;
        for (auto& e : errors)
            if (e) ++stats_.failed;
    }
    // One wake-up of the event loop per batch, not per job: cross-thread posts cost an
    // eventfd write and an epoll round trip each.
    using Completion = std::pair<std::function<void(std::exception_ptr)>, std::exception_ptr>;
    std::vector<Completion> completions;
    std::optional<asio::any_io_executor> target;
    for (size_t i = 0; i < batch.size(); ++i) {
        auto& job = batch[i];
        if (!job.done) continue;
        if (!job.executor) {
            job.done(errors[i]);
        } else if (!target || *target == *job.executor) {
            target = *job.executor;
            // Moved, not copied: the exception is then freed on the thread that reads it,
            // not here through a reference count no race detector can see (libstdc++'s).
            completions.emplace_back(std::move(job.done), std::move(errors[i]));
        } else {
            asio::post(*job.executor,
                       [done = std::move(job.done), error = std::move(errors[i])] { done(error); });
        }
    }
    if (target && !completions.empty()) {
        asio::post(*target, [completions = std::move(completions)] {
            for (const auto& [done, error] : completions) done(error);
        });
    }
}

}  // namespace cxgate::store
