// Password checks on their own threads (password_checks.hpp).
#include "cxgate/http/password_checks.hpp"

#include "cxgate/foundation/passwords.hpp"
#include "cxgate/foundation/random.hpp"

namespace cxgate::http {

namespace {

// Made once, on a pool thread, the first time an unknown email tries to log in.
const std::string& decoy_hash() {
    static const std::string decoy = passwords::hash(random_hex(24)).value_or("");
    return decoy;
}

}  // namespace

PasswordChecks::PasswordChecks(size_t threads, size_t max_waiting)
    : pool_(threads), max_waiting_(max_waiting) {}

PasswordChecks::~PasswordChecks() {
    pool_.join();
}

asio::awaitable<std::optional<bool>> PasswordChecks::verify(std::string password,
                                                            std::string stored) {
    if (waiting_.fetch_add(1) >= max_waiting_) {
        --waiting_;
        co_return std::nullopt;
    }
    auto executor = co_await asio::this_coro::executor;
    auto initiate = [this, executor, password = std::move(password),
                     stored = std::move(stored)](auto handler) mutable {
        asio::post(pool_, [this, executor, handler = std::move(handler),
                           password = std::move(password), stored = std::move(stored)]() mutable {
            const bool ok = stored.empty() ? (passwords::verify(password, decoy_hash()) && false)
                                           : passwords::verify(password, stored);
            --waiting_;
            asio::post(executor, [handler = std::move(handler), ok]() mutable { handler(ok); });
        });
    };
    const bool ok = co_await asio::async_initiate<decltype(asio::use_awaitable), void(bool)>(
        std::move(initiate), asio::use_awaitable);
    co_return ok;
}

}  // namespace cxgate::http
