// Per-address throttling of failed guesses (guess_throttle.hpp).
#include "cxgate/http/guess_throttle.hpp"

#include "cxgate/accounts/throttle.hpp"

namespace cxgate::http {

namespace {

constexpr store::Seconds kWindow = 15 * 60;

bool starts_with(std::string_view s, std::string_view prefix) {
    return s.substr(0, prefix.size()) == prefix;
}

}  // namespace

bool GuessThrottle::guarded(std::string_view path) {
    return starts_with(path, "/v1/") || starts_with(path, "/webhooks/") ||
           starts_with(path, "/r/") || starts_with(path, "/u/") || path == "/metrics";
}

bool GuessThrottle::failed_guess(std::string_view path, unsigned status) {
    if (status == 401) return true;
    if (status == 403 && starts_with(path, "/webhooks/")) return true;
    return status == 404 && (starts_with(path, "/r/") || starts_with(path, "/u/"));
}

long long GuessThrottle::retry_after(const std::string& address, store::Seconds now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(address);
    if (it == failures_.end()) return 0;
    store::Seconds wait = 0;
    return accounts::locked(it->second, now, &wait) ? std::max<store::Seconds>(wait, 1) : 0;
}

void GuessThrottle::failure(const std::string& address, store::Seconds now) {
    std::lock_guard lock(mutex_);
    auto it = failures_.find(address);
    if (it == failures_.end()) {
        if (failures_.size() >= kMaxAddresses) {
            for (auto old = failures_.begin(); old != failures_.end();) {
                if (old->second.first_at + kWindow < now && old->second.locked_until <= now)
                    old = failures_.erase(old);
                else
                    ++old;
            }
            if (failures_.size() >= kMaxAddresses) return;
        }
        it = failures_.emplace(address, store::LoginFailures{}).first;
    }
    it->second = accounts::after_failure(it->second, now, accounts::kAddressFailuresAllowed);
}

std::size_t GuessThrottle::tracked() const {
    std::lock_guard lock(mutex_);
    return failures_.size();
}

}  // namespace cxgate::http
