// Fuzz target: the YAML configuration loader (`cxgate check`, SIGHUP reload). Operations
// edit these files by hand and a reload must never take the daemon down, so no file may
// crash or throw: the loader answers a configuration or errors that point into the file.
// The input is cxgate.yaml, then, after a line "#==flow", one flow file; both are written
// to a scratch directory, as config::load reads files. Built by tests/fuzz/CMakeLists.txt.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>

#include "cxgate/config/config.hpp"

using namespace cxgate;
namespace fs = std::filesystem;

namespace {

fs::path g_dir;

void write(const fs::path& path, std::string_view text) {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(text.data(), static_cast<std::streamsize>(text.size()));
}

// Counts the lines of a file as the loader would number them.
int line_count(std::string_view text) {
    int lines = 1;
    for (char c : text) lines += c == '\n';
    return lines;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_dir = fs::temp_directory_path() / ("cxgate-fuzz-config-" + std::to_string(getpid()));
    fs::create_directories(g_dir / "flows");
    // The bundled templates and calendars, so a well-formed input can load completely.
    fs::remove(g_dir / "templates");
    fs::remove(g_dir / "calendars");
    fs::create_directory_symlink(fs::path(CXGATE_SOURCE_DIR) / "templates", g_dir / "templates");
    fs::create_directory_symlink(fs::path(CXGATE_SOURCE_DIR) / "calendars", g_dir / "calendars");
    std::atexit([] {
        std::error_code ignored;
        fs::remove_all(g_dir, ignored);
    });
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view input(reinterpret_cast<const char*>(data), size);
    constexpr std::string_view kSeparator = "#==flow\n";
    const auto cut = input.find(kSeparator);
    const auto main_file = input.substr(0, cut);
    const auto flow_file =
        cut == std::string_view::npos ? std::string_view() : input.substr(cut + kSeparator.size());
    write(g_dir / "cxgate.yaml", main_file);
    write(g_dir / "flows" / "fuzz.yaml", flow_file);

    config::LoadResult result;
    try {
        result = config::load((g_dir / "cxgate.yaml").string(),
                              config::LoadOptions{.need_secrets = false});
    } catch (...) {
        std::abort();  // a bad file is a diagnostic, never an exception
    }
    // A configuration exactly when there is no error.
    if ((result.config != nullptr) == result.diagnostics.has_errors()) std::abort();
    const int main_lines = line_count(main_file), flow_lines = line_count(flow_file);
    for (const auto& d : result.diagnostics.items) {
        if (d.message.empty() || d.line < 0 || d.column < 0) std::abort();
        // A position in one of the two files lies inside it.
        if (d.file.ends_with("cxgate.yaml") && d.line > main_lines + 1) std::abort();
        if (d.file.ends_with("fuzz.yaml") && d.line > flow_lines + 1) std::abort();
        d.to_string();
    }
    return 0;
}
