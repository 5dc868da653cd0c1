#pragma once
// Signed links in emails: an unsubscribe link names the address it unsubscribes and
// carries an HMAC over it, so nobody can unsubscribe someone else by editing the URL.
#include <optional>
#include <string>

namespace cxgate::links {

std::string unsubscribe_token(const std::string& secret, const std::string& address);
// The address, when the token is intact.
std::optional<std::string> unsubscribe_address(const std::string& secret, const std::string& token);
std::string unsubscribe_url(const std::string& public_url, const std::string& secret, const std::string& address);

}  // namespace cxgate::links
