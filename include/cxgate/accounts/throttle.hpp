#pragma once
// Login throttling: failed logins are counted per account and per client address, so
// guessing one person's password and trying one password on many accounts both slow to a
// crawl, while a person who mistypes twice is not locked out. After `allowed` failures in a
// row (within 15 minutes of the first) the key is locked for a minute, doubling with each
// further failure up to an hour. A success clears the account's count.
#include <string>

#include "cxgate/store/users.hpp"

namespace cxgate::accounts {

// An address is shared by an office behind one NAT: it gets more tries than an account.
inline constexpr int kAccountFailuresAllowed = 5;
inline constexpr int kAddressFailuresAllowed = 20;

std::string account_key(const std::string& email);
std::string address_key(const std::string& address);

// Whether the key is locked at `now`; when it is, `retry_after` is the seconds left.
bool locked(const store::LoginFailures& failures, store::Seconds now, store::Seconds* retry_after);
// The count after one more failure at `now`.
store::LoginFailures after_failure(store::LoginFailures failures, store::Seconds now, int allowed);

// "Ann@Example.com " -> "ann@example.com": one account per address however it is typed.
std::string normal_email(const std::string& email);

}  // namespace cxgate::accounts
