// `cxgate simulate`: the timeline a flow would produce for a file of events.
//
// Nothing here re-implements planning: each event goes through engine::parse_event and
// engine::record_event, and time moves through scheduler::run_due_work and the
// channels' own record_send_result, exactly as in the daemon, on an in-memory SQLite
// database. The simulated clock jumps from one instant with work to the next (an event,
// a due survey, a reminder, an expiry). Every message is taken as sent at once. Reply
// lines go through replies::handle_inbound like a provider's webhook; without them no one
// answers, and the timeline shows the longest life of each survey: reminders, expiry.
#include <SQLiteCpp/Statement.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <sstream>

#include <nlohmann/json.hpp>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/cli/tools.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/records.hpp"

namespace cxgate::cli {

namespace {

using json = nlohmann::json;
using store::Seconds;

struct PendingEvent {
    int line = 0;
    json body;
    Seconds at = 0;  // when the simulated daemon receives it
};

timing::TimePoint tp(Seconds s) {
    return timing::TimePoint{std::chrono::seconds{s}};
}

class Timeline {
  public:
    explicit Timeline(const date::time_zone& zone) : zone_(zone) {}

    // "Mon 2026-11-23 09:00 EET": weekday first, because send windows are about days.
    std::string when(Seconds t) const {
        return date::format("%a %F %R %Z", date::zoned_seconds{&zone_, tp(t)});
    }
    void line(Seconds t, const std::string& what, const std::string& text) {
        std::string stamp = t == last_ ? std::string(25, ' ') : when(t);
        stamp.resize(25, ' ');
        last_ = t;
        std::string label = what;
        label.resize(10, ' ');
        std::cout << stamp << label << text << "\n";
    }

  private:
    const date::time_zone& zone_;
    Seconds last_ = -1;
};

// A member as text whatever its JSON type ("" when absent): a wrong type is for
// parse_event to report, not for the simulation to trip over.
std::string text_of(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
}

std::string survey_label(const store::SurveyRow& s) {
    return s.step + " #" + std::to_string(s.id) + " (" + s.metric + ")";
}

std::shared_ptr<config::Config> only_flow(const config::Config& loaded, const std::string& flow) {
    auto copy = std::make_shared<config::Config>(loaded);
    if (flow.empty()) return copy;
    copy->flows.clear();
    for (const auto& f : loaded.flows) {
        auto file = std::filesystem::path(f.file);
        if (f.name == flow || file.filename() == flow || file.stem() == flow ||
            std::filesystem::path(flow).lexically_normal() == file.lexically_normal())
            copy->flows.push_back(f);
    }
    if (copy->flows.empty()) return nullptr;
    return copy;
}

}  // namespace

int simulate(const SimulateOptions& options) {
    auto loaded = config::load(options.config_file, config::LoadOptions{.need_secrets = false});
    if (!loaded.config) {
        std::cerr << loaded.diagnostics.to_string();
        std::cerr << "cxgate simulate: " << options.config_file
                  << " has errors (run `cxgate check`)\n";
        return 2;
    }
    auto config = only_flow(*loaded.config, options.flow);
    if (!config) {
        std::cerr << "cxgate simulate: no flow \"" << options.flow << "\" (flows:";
        for (const auto& f : loaded.config->flows) std::cerr << " " << f.name;
        std::cerr << ")\n";
        return 2;
    }

    std::ifstream in(options.events_file);
    if (!in) {
        std::cerr << "cxgate simulate: cannot read " << options.events_file << "\n";
        return 2;
    }
    std::optional<Seconds> from;
    if (!options.from.empty()) {
        auto t = timing::parse_iso8601(options.from);
        if (!t) {
            std::cerr << "cxgate simulate: --from: expected ISO 8601 with offset, e.g. "
                         "2026-11-20T19:55:00+02:00\n";
            return 2;
        }
        from = t->time_since_epoch().count();
    }
    std::string why;
    auto horizon = timing::parse_delay(options.horizon, &why);
    if (!horizon) {
        std::cerr << "cxgate simulate: --horizon: " << why << "\n";
        return 2;
    }

    // Read every line first: a bad line stops the run before anything is printed.
    std::vector<PendingEvent> events;
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
            std::cerr << options.events_file << ":" << line_no << ": malformed JSON at byte "
                      << err.byte << "\n";
            ++bad;
            continue;
        }
        if (!e.body.is_object()) {
            std::cerr << options.events_file << ":" << line_no
                      << ": an event must be a JSON object\n";
            ++bad;
            continue;
        }
        // {"reply": {"from", "text", "at"?, "channel"?}}: a customer's answer, through the
        // same conversation code as a provider's inbound webhook.
        const bool is_reply = e.body.contains("reply");
        if (is_reply && !(e.body["reply"].is_object() && e.body["reply"].contains("from") &&
                          e.body["reply"].contains("text"))) {
            std::cerr << options.events_file << ":" << line_no
                      << ": a reply needs {\"reply\": {\"from\": ..., \"text\": ...}}\n";
            ++bad;
            continue;
        }
        const json& timed = is_reply ? e.body["reply"] : e.body;
        const char* time_key = is_reply ? "at" : "occurred_at";
        if (auto it = timed.find(time_key); it != timed.end() && it->is_string()) {
            auto t = timing::parse_iso8601(it->get<std::string>());
            if (!t) {
                std::cerr << options.events_file << ":" << line_no << ": " << time_key
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
    if (bad) return 2;
    if (events.empty()) {
        std::cerr << "cxgate simulate: no events in " << options.events_file << "\n";
        return 2;
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    Seconds start = from ? *from : events.front().at;
    if (start == 0) {
        std::cerr << "cxgate simulate: give the first event an occurred_at, or --from\n";
        return 2;
    }
    for (auto& e : events) e.at = std::max(e.at, start);

    // Times are shown in the flow's zone (the first flow's when several are simulated).
    const auto& zone = *date::locate_zone(config->flows.empty() ? config->defaults.timezone
                                                                : config->flows.front().timezone);
    auto db = store::open_for_writing(":memory:");
    Timeline timeline(zone);

    std::cout << "# cxgate simulate: "
              << (options.flow.empty() ? "every flow" : "flow " + options.flow);
    for (const auto& f : config->flows) std::cout << " [" << f.name << " " << f.version << "]";
    std::cout << "; times in " << zone.name() << "; nothing is sent\n";

    std::map<std::int64_t, std::string> states;  // survey id -> last state printed
    std::int64_t last_message = 0;
    int n_events = 0, n_rejected = 0, n_scheduled = 0, n_suppressed = 0, n_sent = 0,
        n_reminders = 0, n_expired = 0, n_other = 0, n_replies = 0;
    std::map<std::string, int> suppressed_by;
    const Seconds end =
        timing::add_delay(tp(events.back().at), *horizon, zone, {}).time_since_epoch().count();

    auto report_changes = [&](Seconds now) {
        // Messages first (what went out), then surveys that ended.
        for (const auto& m :
             store::messages_where(*db, "id > ?", {std::to_string(last_message)}, "ORDER BY id")) {
            last_message = m.id;
            auto survey = m.survey_id ? store::find_survey(*db, *m.survey_id) : std::nullopt;
            std::string about = survey ? survey_label(*survey) + " " : "";
            if (m.kind == "survey") ++n_sent;
            if (m.kind == "reminder") ++n_reminders;
            timeline.line(now, m.kind,
                          about + "via " + m.channel + " to " + m.address +
                              (m.locale.empty() ? "" : " [" + m.locale + "]"));
        }
        for (const auto& s : store::surveys_where(*db, "1=1", {}, "ORDER BY id")) {
            auto& seen = states[s.id];
            if (seen == s.state) continue;
            const bool quiet = s.state == store::state::sending || s.state == store::state::sent ||
                               s.state == store::state::scheduled ||
                               s.state == store::state::suppressed;
            if (!quiet) {
                if (s.state == store::state::expired)
                    ++n_expired;
                else
                    ++n_other;
                if (s.state == store::state::answered || s.state == store::state::commented ||
                    s.state == store::state::closed) {
                    --n_other;
                    seen = s.state;
                    continue;  // the reply line above says it
                }
                auto colon = s.reason.find(": ");
                timeline.line(
                    now, s.state,
                    survey_label(s) +
                        (colon == std::string::npos ? "" : ": " + s.reason.substr(colon + 2)));
            }
            seen = s.state;
        }
    };

    size_t next_event = 0;
    Seconds now = start;
    int sequence = 0;
    for (int guard = 0; guard < 100000; ++guard) {
        while (next_event < events.size() && events[next_event].at <= now) {
            const auto& pending = events[next_event++];
            if (pending.body.contains("reply")) {
                const json& r = pending.body["reply"];
                replies::InboundMessage message;
                message.from = text_of(r, "from");
                message.text = text_of(r, "text");
                message.provider_id = "sim-in-" + std::to_string(pending.line);
                message.channel = text_of(r, "channel");
                if (message.channel.empty()) {
                    const auto kind = message.from.find('@') != std::string::npos
                                          ? config::ChannelKind::email
                                          : config::ChannelKind::sms;
                    if (const auto* ch = config->first_channel(kind)) message.channel = ch->name;
                }
                auto outcome = replies::handle_inbound(*db, *config, message, now);
                ++n_replies;
                std::string about;
                if (outcome.survey_id)
                    if (auto s = store::find_survey(*db, *outcome.survey_id))
                        about = " -> " + survey_label(*s);
                timeline.line(
                    now, "reply",
                    "\"" + message.text + "\" from " + message.from + " (" + outcome.outcome +
                        (outcome.score ? " " + std::to_string(*outcome.score) : "") + ")" + about);
                continue;
            }
            auto parsed = engine::parse_event(pending.body, *config, tp(now));
            std::string id = text_of(pending.body, "id");
            if (!parsed.event) {
                ++n_rejected;
                timeline.line(
                    now, "rejected",
                    "line " + std::to_string(pending.line) + " (" + id + "): " + parsed.error);
                continue;
            }
            ++n_events;
            const auto& e = *parsed.event;
            auto outcome = engine::record_event(*db, *config, e, tp(now));
            std::string who = e.contact.phone.empty() ? e.contact.email : e.contact.phone;
            timeline.line(now, "event",
                          e.id + " " + e.type + " for " + who +
                              (outcome.duplicate ? " (duplicate id: ignored)" : ""));
            if (outcome.surveys.empty() && !outcome.duplicate)
                timeline.line(now, "", "no step of the flow listens to " + e.type);
            for (const auto& s : outcome.surveys) {
                if (outcome.duplicate) continue;
                states[s.id] = s.state;
                if (s.state == store::state::suppressed) {
                    ++n_suppressed;
                    auto colon = s.reason.find(':');
                    suppressed_by[s.reason.substr(0, colon)]++;
                    timeline.line(now, "suppress", survey_label(s) + ": " + s.reason);
                } else {
                    ++n_scheduled;
                    timeline.line(now, "schedule",
                                  survey_label(s) + " via " + s.channel + " to " + s.address +
                                      ", due " + timeline.when(*s.due_at) + ", expires " +
                                      timeline.when(*s.expires_at));
                }
            }
        }
        // Due work at this instant, then every queued message is taken as sent (the
        // channel's answer goes through record_send_result, as a provider's would).
        std::optional<Seconds> next_due;
        for (int pass = 0; pass < 100; ++pass) {
            auto result = scheduler::run_due_work(*db, *config, now);
            int claimed = 0;
            for (auto id : result.queued_messages) {
                auto message = channels::claim_message(*db, id, now);
                if (!message) continue;
                ++claimed;
                channels::SendResult sent;
                sent.provider_id = "sim-" + std::to_string(++sequence);
                channels::record_send_result(*db, *config, *message, sent, now, 0.5);
            }
            if (claimed == 0) {
                next_due = result.next_due;
                break;
            }
        }
        report_changes(now);
        Seconds next = -1;
        if (next_event < events.size()) next = events[next_event].at;
        if (next_due && *next_due > now && (next < 0 || *next_due < next)) next = *next_due;
        if (next < 0 || next > end) break;
        now = next;
    }

    std::cout << "\n" << n_events << " event(s)";
    if (n_rejected) std::cout << ", " << n_rejected << " rejected";
    std::cout << "; " << n_scheduled << " survey(s) scheduled, " << n_suppressed << " suppressed";
    if (!suppressed_by.empty()) {
        std::cout << " (";
        bool first = true;
        for (const auto& [reason, n] : suppressed_by) {
            std::cout << (first ? "" : ", ") << reason << " " << n;
            first = false;
        }
        std::cout << ")";
    }
    std::cout << "; " << n_sent << " sent, " << n_reminders << " reminder(s), " << n_expired
              << " expired";
    if (n_other) std::cout << ", " << n_other << " other";
    if (n_replies) std::cout << "; " << n_replies << " repl" << (n_replies == 1 ? "y" : "ies");
    std::cout << "\n";
    return n_rejected ? 1 : 0;
}

}  // namespace cxgate::cli
