// Flow documents kept from the previous load. A reload reads every flow file again, and
// parsing with yaml-cpp was about half of a reload's time with 100 flows (issue 15); most
// files have not changed since the last load. A document is reused only for the same file
// with the same text, so what a reload reports and builds is what a fresh parse gives.
#include <map>
#include <mutex>
#include <set>

#include "loader.hpp"

namespace cxgate::config::detail {

namespace {

struct Kept {
    std::string text;
    ParsedDocument document;
};

// The documents of the last load's flow files. Readers take YAML nodes by const reference
// only (flows.cpp), so a kept document is never changed by the load that reads it.
struct Documents {
    std::mutex lock;
    std::map<std::string, Kept> by_file;
};

Documents& documents() {
    static Documents all;
    return all;
}

}  // namespace

ParsedDocument parse_flow_document(const std::string& text, const std::string& file) {
    auto& kept = documents();
    {
        std::lock_guard guard(kept.lock);
        if (auto it = kept.by_file.find(file); it != kept.by_file.end() && it->second.text == text)
            return it->second.document;
    }
    ParsedDocument parsed;
    parsed.root = parse_yaml(text, file, parsed.diag);
    std::lock_guard guard(kept.lock);
    kept.by_file[file] = Kept{text, parsed};
    return parsed;
}

void keep_flow_documents(const std::vector<std::string>& files) {
    const std::set<std::string> wanted(files.begin(), files.end());
    auto& kept = documents();
    std::lock_guard guard(kept.lock);
    std::erase_if(kept.by_file, [&](const auto& entry) { return !wanted.count(entry.first); });
}

}  // namespace cxgate::config::detail
