#pragma once
// How the daemon's log lines look (docs/operations.md, "Logs"). Every line is one event and
// its time is UTC, whatever the machine's zone: `text` for a person reading journalctl,
// `json` for a collector (Loki, Elasticsearch) that should not have to parse the text.
#include <memory>
#include <optional>
#include <string_view>

#include <spdlog/formatter.h>
#include <spdlog/spdlog.h>

namespace cxgate::cli {

enum class LogFormat {
    // 2026-12-01T10:00:00.123Z info message, with line breaks and other control characters
    // of the message written as \n, \r, \xNN so that one event is one line.
    text,
    // {"ts":"2026-12-01T10:00:00.123Z","level":"info","msg":"message"}, one object a line;
    // invalid UTF-8 in the message becomes U+FFFD.
    json,
};

// "text" or "json"; nullopt for anything else.
std::optional<LogFormat> parse_log_format(std::string_view name);

// A formatter writing lines of that format (a fresh one per logger or sink).
std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format);

// Sets the level and the formatter of every logger, the default one included.
void configure_logging(LogFormat format, spdlog::level::level_enum level);

}  // namespace cxgate::cli
