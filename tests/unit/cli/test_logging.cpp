#include <doctest/doctest.h>

#include <date/date.h>
#include <nlohmann/json.hpp>

#include <cstdlib>
#include <ctime>
#include <string>

#include "cxgate/cli/logging.hpp"

using namespace cxgate::cli;
using namespace std::chrono_literals;

namespace {

// The machine's zone for the length of a test: the lines must not follow it.
class LocalZone {
  public:
    explicit LocalZone(const char* zone) {
        if (const char* tz = std::getenv("TZ")) saved_ = tz;
        setenv("TZ", zone, 1);
        tzset();
    }
    ~LocalZone() {
        if (saved_.empty())
            unsetenv("TZ");
        else
            setenv("TZ", saved_.c_str(), 1);
        tzset();
    }
    LocalZone(const LocalZone&) = delete;
    LocalZone& operator=(const LocalZone&) = delete;

  private:
    std::string saved_;
};

std::string format_line(LogFormat format, spdlog::level::level_enum level, std::string_view text) {
    // 2026-12-01 10:00:00.123 UTC, 05:00:00.123 in New York.
    const auto time = date::sys_days{date::year{2026} / 12 / 1} + 10h + 123ms;
    const spdlog::details::log_msg msg(
        std::chrono::time_point_cast<spdlog::log_clock::duration>(time), spdlog::source_loc{}, "",
        level, spdlog::string_view_t(text.data(), text.size()));
    spdlog::memory_buf_t out;
    make_log_formatter(format)->format(msg, out);
    return std::string(out.data(), out.size());
}

}  // namespace

TEST_CASE("logging: the format's name") {
    CHECK(parse_log_format("text") == LogFormat::text);
    CHECK(parse_log_format("json") == LogFormat::json);
    CHECK_FALSE(parse_log_format("JSON"));
    CHECK_FALSE(parse_log_format(""));
}

TEST_CASE("logging: text is one line per event, in UTC marked Z") {
    LocalZone zone("America/New_York");
    CHECK(format_line(LogFormat::text, spdlog::level::info, "listening on 127.0.0.1:8080") ==
          "2026-12-01T10:00:00.123Z info listening on 127.0.0.1:8080\n");
    CHECK(format_line(LogFormat::text, spdlog::level::warn, "x") ==
          "2026-12-01T10:00:00.123Z warning x\n");
    // A line break (a provider's error text, say) cannot start a line of its own.
    CHECK(format_line(LogFormat::text, spdlog::level::err,
                      "send failed: 400 bad\r\n2026-12-01T00:00:00.000Z info forged\x1b[0m\tend") ==
          "2026-12-01T10:00:00.123Z error send failed: 400 bad\\r\\n2026-12-01T00:00:00.000Z "
          "info forged\\x1b[0m\tend\n");
}

TEST_CASE("logging: json is one object per line: ts (UTC, Z), level, msg") {
    LocalZone zone("America/New_York");
    const auto line =
        format_line(LogFormat::json, spdlog::level::warn, "webhook \"sms\": 403\nsecond line \\ é");
    CHECK(line ==
          "{\"ts\":\"2026-12-01T10:00:00.123Z\",\"level\":\"warning\","
          "\"msg\":\"webhook \\\"sms\\\": 403\\nsecond line \\\\ é\"}\n");
    CHECK(line.find('\n') == line.size() - 1);
    const auto parsed = nlohmann::json::parse(line);
    CHECK(parsed["msg"] == "webhook \"sms\": 403\nsecond line \\ é");

    // Bytes that are not UTF-8 (a sender's raw text) still give valid JSON.
    const auto bad = format_line(LogFormat::json, spdlog::level::info, "from \xff\xfe end");
    CHECK(nlohmann::json::parse(bad)["msg"] == "from \xEF\xBF\xBD\xEF\xBF\xBD end");
    CHECK(nlohmann::json::parse(
              format_line(LogFormat::json, spdlog::level::critical, ""))["level"] == "critical");
}
