#pragma once
// Checking a login's password off the event loop. An Argon2id check takes tens of
// milliseconds and 64 MiB by design (passwords.hpp); run on the loop it would stall every
// request, run on the database threads every write. A small pool of its own does them, with
// a bound on those waiting: beyond it a login is answered 503 rather than queued without end.
#include <atomic>
#include <optional>
#include <string>

#include "cxgate/net.hpp"

namespace cxgate::http {

class PasswordChecks {
  public:
    explicit PasswordChecks(size_t threads = 1, size_t max_waiting = 16);
    ~PasswordChecks();
    PasswordChecks(const PasswordChecks&) = delete;
    PasswordChecks& operator=(const PasswordChecks&) = delete;

    // Whether `password` matches `stored`; an empty `stored` (no such user) is checked
    // against a made-up hash, so an unknown email takes as long as a wrong password.
    // std::nullopt when too many checks are waiting.
    asio::awaitable<std::optional<bool>> verify(std::string password, std::string stored);

  private:
    asio::thread_pool pool_;
    std::atomic<size_t> waiting_{0};
    size_t max_waiting_;
};

}  // namespace cxgate::http
