#include "cxgate/http/log_limit.hpp"

namespace cxgate::http {

bool LogLimiter::allow(const std::string& key, Clock::time_point now,
                       unsigned long long* suppressed) {
    static const std::string other = "(other)";
    auto it = entries_.find(key);
    if (it == entries_.end()) {
        // Forget quiet keys, at most once a second: a flood of new keys must not make
        // every request scan the table.
        if (entries_.size() >= max_keys_ && now - pruned_ >= std::chrono::seconds(1)) {
            pruned_ = now;
            for (auto e = entries_.begin(); e != entries_.end();) {
                if (now - e->second.last >= interval_)
                    e = entries_.erase(e);
                else
                    ++e;
            }
        }
        if (entries_.size() >= max_keys_ && key != other) return allow(other, now, suppressed);
        entries_.emplace(key, Entry{now, 0});
        *suppressed = 0;
        return true;
    }
    if (now - it->second.last < interval_) {
        ++it->second.suppressed;
        return false;
    }
    *suppressed = it->second.suppressed;
    it->second = Entry{now, 0};
    return true;
}

std::string loggable_path(std::string_view target, size_t max_chars) {
    static const char* hex = "0123456789abcdef";
    auto path = target.substr(0, target.find('?'));
    std::string out;
    for (unsigned char c : path) {
        if (out.size() >= max_chars) {
            out += "...";
            break;
        }
        if (c >= 0x20 && c < 0x7f && c != '\\') {
            out += static_cast<char>(c);
        } else {
            out += "\\x";
            out += hex[c >> 4];
            out += hex[c & 15];
        }
    }
    if (path.size() < target.size()) out += "?...";
    return out;
}

}  // namespace cxgate::http
