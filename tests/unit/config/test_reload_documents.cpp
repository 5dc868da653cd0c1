// A load reuses the parsed document of a flow file whose text has not changed since the
// previous load (parsed_documents.cpp): what a reload builds and reports must be exactly what
// a first load of the same files gives, and any change to a file must be seen.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

#include "cxgate/config/config.hpp"

namespace fs = std::filesystem;
using cxgate::config::load;

namespace {

struct FlowsDir {
    fs::path root;
    FlowsDir() {
        root = fs::temp_directory_path() / ("cxgate-documents-" + std::to_string(std::rand()));
        fs::create_directories(root / "flows");
        setenv("CXGATE_TEST_TOKEN", "unit-test-token-0123456789", 1);
        write("cxgate.yaml",
              "api_tokens: [\"${CXGATE_TEST_TOKEN}\"]\n"
              "channels:\n"
              "  sms: { type: sandbox, kind: sms }\n"
              "templates_dir: " CXGATE_SOURCE_DIR "/templates\n");
    }
    ~FlowsDir() { fs::remove_all(root); }
    void write(const std::string& name, const std::string& text) {
        std::ofstream(root / name) << text;
    }
    std::string file() const { return (root / "cxgate.yaml").string(); }
};

std::string flow(const std::string& name, const std::string& metric) {
    return "flow: " + name +
           "\n"
           "steps:\n"
           "  - id: s\n"
           "    on: " +
           name + ".done\n    survey: { metric: " + metric + " }\n    channel: sms\n";
}

}  // namespace

TEST_CASE("reload: an unchanged flow file gives the same flow, a changed one is read anew") {
    FlowsDir dir;
    dir.write("flows/a.yaml", flow("a", "csat"));
    dir.write("flows/b.yaml", flow("b", "nps"));
    const auto first = load(dir.file());
    REQUIRE(first.config);
    const auto again = load(dir.file());
    REQUIRE(again.config);
    CHECK(again.config->version == first.config->version);
    REQUIRE(again.config->flows.size() == 2);
    for (size_t i = 0; i < 2; ++i) {
        CHECK(again.config->flows[i].name == first.config->flows[i].name);
        CHECK(again.config->flows[i].version == first.config->flows[i].version);
        CHECK(again.config->flows[i].steps.front().first().metric ==
              first.config->flows[i].steps.front().first().metric);
    }

    // Same length, same directory entry: only the text tells the change.
    dir.write("flows/a.yaml", flow("a", "ces "));
    const auto changed = load(dir.file());
    REQUIRE(changed.config);
    CHECK(changed.config->version != first.config->version);
    CHECK(changed.config->flows[0].steps.front().first().metric == cxgate::metrics::Metric::ces);
    CHECK(changed.config->flows[1].steps.front().first().metric == cxgate::metrics::Metric::nps);

    // A removed file is gone from the next load, and comes back when written again.
    fs::remove(dir.root / "flows/b.yaml");
    const auto fewer = load(dir.file());
    REQUIRE(fewer.config);
    CHECK(fewer.config->flows.size() == 1);
    dir.write("flows/b.yaml", flow("b", "nps"));
    const auto back = load(dir.file());
    REQUIRE(back.config);
    CHECK(back.config->flows.size() == 2);
}

TEST_CASE("reload: a broken flow file is reported on every load, at its place") {
    FlowsDir dir;
    dir.write("flows/a.yaml", flow("a", "csat"));
    dir.write("flows/bad.yaml", "flow: bad\nsteps:\n  - id: s\n    on: [unclosed\n");
    dir.write("flows/twice.yaml", flow("twice", "csat") + "flow: again\n");
    const auto first = load(dir.file());
    CHECK_FALSE(first.config);
    const auto again = load(dir.file());
    CHECK_FALSE(again.config);
    CHECK(again.diagnostics.to_string() == first.diagnostics.to_string());
    CHECK(again.diagnostics.to_string().find("bad.yaml:") != std::string::npos);
    CHECK(again.diagnostics.to_string().find("twice.yaml:7:1: error: duplicate key \"flow\"") !=
          std::string::npos);

    // Fixed, the next load is clean; broken again, the error is back.
    dir.write("flows/bad.yaml", flow("bad", "csat"));
    dir.write("flows/twice.yaml", flow("twice", "csat"));
    CHECK(load(dir.file()).config);
    dir.write("flows/bad.yaml", "flow: bad\nsteps:\n  - id: s\n    on: [unclosed\n");
    const auto broken = load(dir.file());
    CHECK_FALSE(broken.config);
    CHECK(broken.diagnostics.to_string().find("bad.yaml:") != std::string::npos);
}
