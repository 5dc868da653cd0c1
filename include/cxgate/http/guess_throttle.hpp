#pragma once
// Guessing slowed per client address: a wrong or missing API token (401), a forged webhook
// signature (403 on /webhooks/), and an answer or unsubscribe link that is not one of ours
// (404 on /r/ and /u/) count as failures of the address that sent them. After
// accounts::kAddressFailuresAllowed of them within 15 minutes the address is locked for a
// minute, doubling per further failure up to an hour (accounts/throttle.hpp, the login's
// rule), and its credentialed requests get 429 with Retry-After before any check runs.
//
// Kept in memory, not in the database: an attack must not turn into writes. Bounded: at
// most kMaxAddresses are tracked; past that, counts older than the window are dropped, and
// when none is, a new address goes uncounted (memory stays bounded under a flood of
// addresses, which per-address counting could not stop anyway).
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "cxgate/store/users.hpp"

namespace cxgate::http {

class GuessThrottle {
  public:
    static constexpr std::size_t kMaxAddresses = 100000;

    // Whether requests of `path` are ones a guesser makes (they carry a credential).
    static bool guarded(std::string_view path);
    // Whether `status` on `path` is a failed guess.
    static bool failed_guess(std::string_view path, unsigned status);

    // Seconds until the address may try again; 0 when it may now.
    long long retry_after(const std::string& address, store::Seconds now);
    void failure(const std::string& address, store::Seconds now);
    std::size_t tracked() const;

  private:
    mutable std::mutex mutex_;
    std::unordered_map<std::string, store::LoginFailures> failures_;
};

}  // namespace cxgate::http
