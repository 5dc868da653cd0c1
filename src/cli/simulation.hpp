#pragma once
// Private to src/cli/: the parts of `cxgate simulate` (simulate.cpp) that are not the run
// itself: the events file as read (simulate_events.cpp) and the timeline as printed
// (simulate_timeline.cpp).
#include <istream>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <date/tz.h>
#include <nlohmann/json.hpp>

#include "cxgate/foundation/timing.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::cli::detail {

using store::Seconds;

struct PendingEvent {
    int line = 0;
    nlohmann::json body;
    Seconds at = 0;  // when the simulated daemon receives it
};

// Reads every line of an events file (JSON lines: events, and {"reply": ...} lines) before
// anything runs, so a bad line stops the run before anything is printed. Each problem goes
// to stderr as file:line; false if there was any. Lines without a time take the previous
// line's, or `from` (0 when there is none).
bool read_events(std::istream& in, const std::string& file, std::optional<Seconds> from,
                 std::vector<PendingEvent>& events);

inline timing::TimePoint tp(Seconds s) {
    return timing::TimePoint{std::chrono::seconds{s}};
}

// One line of the timeline. The text form is for people; --json prints each entry as one
// JSON object per line with the same fields, for tools that check timelines.
struct Entry {
    Entry(Seconds at_, std::string kind_, std::optional<store::SurveyRow> survey_ = std::nullopt,
          std::string channel_ = "", std::string address_ = "", std::string locale_ = "")
        : at(at_),
          kind(std::move(kind_)),
          survey(std::move(survey_)),
          channel(std::move(channel_)),
          address(std::move(address_)),
          locale(std::move(locale_)) {}
    Seconds at = 0;
    std::string kind;  // event, rejected, schedule, suppress, reply, a message kind, a state
    std::optional<store::SurveyRow> survey;
    std::string channel, address, locale;
    std::string reason, detail;  // suppressions and state changes
    std::string text;            // the rest of the line, as the text form prints it
    nlohmann::json extra = nlohmann::json::object();
};

class Timeline {
  public:
    Timeline(const date::time_zone& zone, bool as_json) : zone_(zone), json_(as_json) {}

    // "Mon 2026-11-23 09:00 EET": weekday first, because send windows are about days.
    std::string when(Seconds t) const;
    // Prints one line of the timeline, or one JSON object.
    void add(const Entry& e);
    bool as_json() const { return json_; }

  private:
    const date::time_zone& zone_;
    bool json_;
    Seconds last_ = -1;
};

// "superseded: survey 4 (...) went to ..." -> {"superseded", "survey 4 (...) went to ..."}
std::pair<std::string, std::string> split_reason(const std::string& reason);
std::string survey_label(const store::SurveyRow& s);

}  // namespace cxgate::cli::detail
