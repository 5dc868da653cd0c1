// The two log formats (logging.hpp). spdlog writes local time by default; a server's logs
// are read next to other machines' and a provider's, so both formats write UTC and say so.
#include "cxgate/cli/logging.hpp"

#include <spdlog/pattern_formatter.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <iterator>
#include <string>

namespace cxgate::cli {

namespace {

// 2026-12-01T10:00:00.123Z
std::string utc_timestamp(spdlog::log_clock::time_point time) {
    const auto seconds = std::chrono::floor<std::chrono::seconds>(time);
    const auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time - seconds);
    const std::time_t t = std::chrono::system_clock::to_time_t(seconds);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char out[96];  // what the format could take for any int, not what a date takes
    std::snprintf(out, sizeof out, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                  tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
                  static_cast<int>(millis.count()));
    return out;
}

void append_text(spdlog::memory_buf_t& dest, std::string_view text) {
    dest.append(text.data(), text.data() + text.size());
}

// %* of the text pattern: the message with control characters escaped. A provider's error
// text or a configuration error may hold a line break, which would otherwise make one event
// two lines (and let text from outside forge a line of its own).
class EscapedMessage final : public spdlog::custom_flag_formatter {
  public:
    void format(const spdlog::details::log_msg& msg, const std::tm&,
                spdlog::memory_buf_t& dest) override {
        for (const char c : msg.payload) {
            const auto byte = static_cast<unsigned char>(c);
            if (c == '\n') {
                append_text(dest, "\\n");
            } else if (c == '\r') {
                append_text(dest, "\\r");
            } else if (byte < 0x20 && c != '\t') {
                char hex[8];
                std::snprintf(hex, sizeof hex, "\\x%02x", byte);
                append_text(dest, hex);
            } else {
                dest.push_back(c);
            }
        }
    }

    std::unique_ptr<spdlog::custom_flag_formatter> clone() const override {
        return std::make_unique<EscapedMessage>();
    }
};

class JsonFormatter final : public spdlog::formatter {
  public:
    void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
        const auto level = spdlog::level::to_string_view(msg.level);
        // ordered_json: the keys in the order a person reads them, ts first.
        const nlohmann::ordered_json line{
            {"ts", utc_timestamp(msg.time)},
            {"level", std::string(level.data(), level.size())},
            {"msg", std::string(msg.payload.data(), msg.payload.size())}};
        const auto text =
            line.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
        append_text(dest, text);
        dest.push_back('\n');
    }

    std::unique_ptr<spdlog::formatter> clone() const override {
        return std::make_unique<JsonFormatter>();
    }
};

}  // namespace

std::optional<LogFormat> parse_log_format(std::string_view name) {
    if (name == "text") return LogFormat::text;
    if (name == "json") return LogFormat::json;
    return std::nullopt;
}

std::unique_ptr<spdlog::formatter> make_log_formatter(LogFormat format) {
    if (format == LogFormat::json) return std::make_unique<JsonFormatter>();
    auto text = std::make_unique<spdlog::pattern_formatter>(spdlog::pattern_time_type::utc, "\n");
    // %^%l%$: the level, coloured when the output is a terminal.
    text->add_flag<EscapedMessage>('*').set_pattern("%Y-%m-%dT%H:%M:%S.%eZ %^%l%$ %*");
    return text;
}

void configure_logging(LogFormat format, spdlog::level::level_enum level) {
    spdlog::set_level(level);
    spdlog::set_formatter(make_log_formatter(format));
}

}  // namespace cxgate::cli
