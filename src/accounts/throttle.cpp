// Login throttling (throttle.hpp).
#include "cxgate/accounts/throttle.hpp"

#include <algorithm>

namespace cxgate::accounts {

namespace {

constexpr store::Seconds kRun = 15 * 60;
constexpr store::Seconds kFirstLock = 60;
constexpr store::Seconds kLongestLock = 3600;

}  // namespace

std::string account_key(const std::string& email) {
    return "account:" + normal_email(email);
}

std::string address_key(const std::string& address) {
    return "address:" + address;
}

bool locked(const store::LoginFailures& failures, store::Seconds now, store::Seconds* retry_after) {
    if (now >= failures.locked_until) return false;
    if (retry_after) *retry_after = failures.locked_until - now;
    return true;
}

store::LoginFailures after_failure(store::LoginFailures failures, store::Seconds now, int allowed) {
    // A run ends 15 minutes after its first failure unless a lock still holds it.
    if (failures.count == 0 || (now - failures.first_at > kRun && now >= failures.locked_until))
        failures = store::LoginFailures{0, now, 0};
    ++failures.count;
    if (failures.count >= allowed) {
        const int doublings = std::min(failures.count - allowed, 6);
        failures.locked_until = now + std::min(kFirstLock << doublings, kLongestLock);
    }
    return failures;
}

std::string normal_email(const std::string& email) {
    auto begin = email.find_first_not_of(" \t");
    auto end = email.find_last_not_of(" \t");
    if (begin == std::string::npos) return {};
    std::string out = email.substr(begin, end - begin + 1);
    std::transform(out.begin(), out.end(), out.begin(), [](unsigned char c) {
        return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : static_cast<char>(c);
    });
    return out;
}

}  // namespace cxgate::accounts
