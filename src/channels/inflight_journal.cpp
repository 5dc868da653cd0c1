#include "cxgate/channels/inflight_journal.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

namespace cxgate::channels {

namespace {
// The file is rewritten with only the open requests once it has this many lines, so it
// stays small however long the daemon runs.
constexpr std::size_t kRewriteAfter = 50000;

bool write_all(int fd, const std::string& text) {
    const char* p = text.data();
    std::size_t left = text.size();
    while (left > 0) {
        const ssize_t n = ::write(fd, p, left);
        if (n < 0) return false;
        p += n;
        left -= static_cast<std::size_t>(n);
    }
    return true;
}
}  // namespace

InFlightJournal::~InFlightJournal() {
    if (fd_ >= 0) ::close(fd_);
}

bool InFlightJournal::open(const std::string& path) {
    path_ = path;
    if (fd_ >= 0) ::close(fd_);
    fd_ = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd_ < 0)
        spdlog::error(
            "in-flight journal {}: cannot open; a crash will leave claimed messages unknown", path);
    open_.clear();
    lines_ = 0;
    return fd_ >= 0;
}

void InFlightJournal::started(std::int64_t id) {
    open_.insert(id);
    if (fd_ < 0) return;
    if (!write_all(fd_, std::to_string(id) + "\n")) {
        // Without the line recovery cannot prove this request never started; it will
        // be counted as possibly sent, which is the safe side.
        spdlog::error("in-flight journal {}: write failed", path_);
    }
    if (++lines_ >= kRewriteAfter) rewrite();
}

void InFlightJournal::finished(std::int64_t id) {
    open_.erase(id);
}

void InFlightJournal::rewrite() {
    // Written beside and renamed over the old file, so a crash in between leaves one
    // complete file or the other.
    const std::string tmp = path_ + ".tmp";
    int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
    if (fd < 0) return;
    std::string text;
    for (auto id : open_) text += std::to_string(id) + "\n";
    if (!write_all(fd, text) || std::rename(tmp.c_str(), path_.c_str()) != 0) {
        ::close(fd);
        return;
    }
    ::close(fd_);
    fd_ = fd;
    lines_ = open_.size();
}

std::optional<std::unordered_set<std::int64_t>> InFlightJournal::read(const std::string& path) {
    std::ifstream in(path);
    if (!in) return std::nullopt;
    std::unordered_set<std::int64_t> ids;
    std::string line;
    while (std::getline(in, line)) {
        try {
            if (!line.empty()) ids.insert(std::stoll(line));
        } catch (const std::exception&) {
            return std::nullopt;  // a torn or foreign file proves nothing
        }
    }
    return ids;
}

std::string InFlightJournal::boot_id() {
    std::ifstream in("/proc/sys/kernel/random/boot_id");
    std::string id;
    std::getline(in, id);
    return id;
}

}  // namespace cxgate::channels
