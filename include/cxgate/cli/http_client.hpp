#pragma once
// A small blocking HTTP client for the command line tools (never used by the daemon,
// whose event loop must not block).
#include <string>
#include <vector>

namespace cxgate::cli {

struct HttpResult {
    long status = 0;  // 0 when the request did not complete
    std::string body;
    std::string error;  // transport error
};

HttpResult http_request(const std::string& method, const std::string& url, const std::string& body,
                        const std::vector<std::string>& headers, long timeout_seconds = 30);

}  // namespace cxgate::cli
