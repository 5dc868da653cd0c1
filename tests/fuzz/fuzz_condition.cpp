// Fuzz target: the two small expression languages operations write by hand: a flow step's
// `if:` (config/condition.hpp) and a CRM source's `when:` and paths
// (config/source_language.hpp). Parsing must point inside the text or succeed; evaluation
// must never throw, whatever the event holds. Built by tests/fuzz/CMakeLists.txt.
#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>
#include <variant>

#include "cxgate/config/condition.hpp"
#include "cxgate/config/source_language.hpp"

using namespace cxgate;

namespace {

// Documents with every kind of value at the roots the language names.
const nlohmann::json& documents() {
    static const nlohmann::json docs = nlohmann::json::array({
        nlohmann::json::object(),
        {{"contact", {{"locale", "fi"}, {"tags", {"vip", "b2b"}}, {"email", nullptr}}},
         {"staff", {{"id", "s-7"}, {"team", "north"}}},
         {"event", {{"type", "deal.won"}, {"occurred_at", "2026-11-23T10:00:00+02:00"}}},
         {"attributes", {{"amount", 1200.5}, {"segment", "smb"}, {"first", true}, {"n", -3}}}},
        {{"contact", 1}, {"staff", nullptr}, {"event", {1, 2, 3}}, {"attributes", "text"}},
    });
    return docs;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string text(reinterpret_cast<const char*>(data), size);

    auto parsed = config::Condition::parse(text);
    if (auto* error = std::get_if<config::ConditionError>(&parsed)) {
        if (error->message.empty() || error->offset < 0 ||
            static_cast<std::size_t>(error->offset) > text.size())
            std::abort();
    } else {
        const auto& condition = std::get<config::Condition>(parsed);
        for (const auto& doc : documents()) condition.evaluate(doc);
        for (const auto& path : condition.paths())
            if (path.empty()) std::abort();
        // What parsed once parses again from its own source.
        if (!std::holds_alternative<config::Condition>(
                config::Condition::parse(condition.source())))
            std::abort();
    }

    // The CRM mapping language: a condition that checks clean is evaluated; a path that
    // checks clean is looked up. Neither may throw on any body.
    if (!config::check_condition(text)) {
        for (const auto& doc : documents()) config::condition_holds(text, doc);
    }
    if (!config::check_path(text)) {
        for (const auto& doc : documents())
            if (const auto* value = config::lookup(doc, text)) config::as_text(*value);
    }
    return 0;
}
