// The holiday calendars one load reads: each file once, however many flows name it.
#include <filesystem>
#include <system_error>

#include "loader.hpp"

namespace cxgate::config::detail {

namespace fs = std::filesystem;

const CalendarFile* CalendarCache::get(const std::string& name) {
    auto it = files_.find(name);
    if (it != files_.end()) return it->second ? &*it->second : nullptr;
    auto path = dir_ / (name + ".yaml");
    std::optional<CalendarFile> file;
    std::error_code ec;
    if (fs::is_regular_file(path, ec))
        file = load_calendar(path.lexically_normal().string(), diag_);
    auto [pos, inserted] = files_.emplace(name, std::move(file));
    return pos->second ? &*pos->second : nullptr;
}

bool CalendarCache::exists(const std::string& name) const {
    std::error_code ec;
    return fs::is_regular_file(dir_ / (name + ".yaml"), ec);
}

std::vector<fs::path> CalendarCache::paths() const {
    std::vector<fs::path> out;
    for (const auto& [name, file] : files_)
        if (file) out.push_back(dir_ / (name + ".yaml"));
    return out;
}

}  // namespace cxgate::config::detail
