// The events file of `cxgate simulate`: JSON lines, each an event or a customer's reply,
// checked and timed before the run starts.
#include <iostream>
#include <utility>

#include "simulation.hpp"

namespace cxgate::cli::detail {

using json = nlohmann::json;

bool read_events(std::istream& in, const std::string& file, std::optional<Seconds> from,
                 std::vector<PendingEvent>& events) {
    int line_no = 0, bad = 0;
    for (std::string text; std::getline(in, text);) {
        ++line_no;
        auto first = text.find_first_not_of(" \t\r");
        if (first == std::string::npos || text[first] == '#') continue;
        PendingEvent e;
        e.line = line_no;
        try {
            e.body = json::parse(text);
        } catch (const json::parse_error& err) {
            std::cerr << file << ":" << line_no << ": malformed JSON at byte " << err.byte << "\n";
            ++bad;
            continue;
        }
        if (!e.body.is_object()) {
            std::cerr << file << ":" << line_no << ": an event must be a JSON object\n";
            ++bad;
            continue;
        }
        // {"reply": {"from", "text", "at"?, "channel"?}}: a customer's answer, through the
        // same conversation code as a provider's inbound webhook.
        const bool is_reply = e.body.contains("reply");
        if (is_reply && !(e.body["reply"].is_object() && e.body["reply"].contains("from") &&
                          e.body["reply"].contains("text"))) {
            std::cerr << file << ":" << line_no
                      << ": a reply needs {\"reply\": {\"from\": ..., \"text\": ...}}\n";
            ++bad;
            continue;
        }
        const json& timed = is_reply ? e.body["reply"] : e.body;
        const char* time_key = is_reply ? "at" : "occurred_at";
        if (auto it = timed.find(time_key); it != timed.end() && it->is_string()) {
            auto t = timing::parse_iso8601(it->get<std::string>());
            if (!t) {
                std::cerr << file << ":" << line_no << ": " << time_key
                          << ": expected ISO 8601 with offset\n";
                ++bad;
                continue;
            }
            e.at = t->time_since_epoch().count();
        } else {
            e.at = events.empty() ? from.value_or(0) : events.back().at;
        }
        events.push_back(std::move(e));
    }
    return bad == 0;
}

}  // namespace cxgate::cli::detail
