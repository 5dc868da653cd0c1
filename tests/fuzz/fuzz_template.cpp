// Fuzz target: a message template (templates/<locale>/*.txt|html), as `cxgate check`
// reads it and as the dispatcher renders it. Operations edit templates by hand and SIGHUP
// them in; no text may crash either path, and the check's positions lie inside the text.
// The first byte picks the template's name (its kind and format), the rest is its text.
// Built by tests/fuzz/CMakeLists.txt (README.md there).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <memory>
#include <string>
#include <string_view>

#include "bundled_config.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/check.hpp"
#include "cxgate/templates/compose.hpp"

using namespace cxgate;

namespace {

std::shared_ptr<const config::Config> g_config;
// A copy whose one template is replaced each run (copying a Config per run would dominate).
std::shared_ptr<config::Config> g_rendering;

struct Kind {
    const char* file;    // the template's name under templates/
    const char* render;  // the kind compose() renders with it; nullptr: check only
};
constexpr Kind kKinds[] = {
    {"fi/nps.txt", "survey"},    {"sv/csat.txt", "survey"},       {"en/why.txt", "why"},
    {"fi/thanks.txt", "thanks"}, {"fi/reminder.txt", "reminder"}, {"fi/alert.txt", nullptr},
    {"en/answer.html", nullptr}, {"fi/target.txt", nullptr},
};

store::SurveyRow sample_survey() {
    store::SurveyRow s;
    s.id = 42;
    s.event_id = "evt-1";
    s.flow = "funnel";
    s.step = "close";
    s.metric = "nps";
    s.contact_id = "c-1";
    s.contact_name = "Matti {{Meikäläinen}}";
    s.locale = "fi";
    s.staff_name = "Anna";
    s.channels = R"(["sms"])";
    s.channel = "sms";
    s.address = "+358401234567";
    return s;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    g_config = fuzz::bundled_config();
    g_rendering = std::make_shared<config::Config>(*g_config);
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const Kind& kind = kKinds[data[0] % std::size(kKinds)];
    const std::string source(reinterpret_cast<const char*>(data + 1), size - 1);

    int lines = 1;
    for (char c : source) lines += c == '\n';
    const auto found = templates::check_template(*g_config, kind.file, source, "fuzz");
    for (const auto& d : found)
        if (d.message.empty() || d.line < 1 || d.line > lines || d.column < 1) std::abort();
    if (!kind.render) return 0;

    // The dispatcher renders what passed the check (a reload refuses the rest).
    bool errors = false;
    for (const auto& d : found) errors |= d.severity == config::Diagnostic::Severity::error;
    if (errors) return 0;
    auto& slot = g_rendering->templates[kind.file];
    const std::string bundled = slot;
    slot = source;
    auto survey = sample_survey();
    survey.locale = std::string(kind.file, 2);
    try {
        templates::render(*g_rendering, survey, kind.render, survey.locale);
    } catch (const std::exception&) {
        // A template that passed the check must render: the check should have named it.
        std::abort();
    }
    slot = bundled;
    return 0;
}
