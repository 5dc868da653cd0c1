// `cxgate simulate`: the timeline a flow would produce for a file of events.
//
// Nothing here re-implements planning: each event goes through engine::parse_event and
// engine::record_event, and time moves through scheduler::run_due_work and the
// channels' own record_send_result, exactly as in the daemon, on an in-memory SQLite
// database. The simulated clock jumps from one instant with work to the next (an event,
// a due survey, a reminder, an expiry). Every message is taken as sent at once. Reply
// lines go through replies::handle_inbound like a provider's webhook; without them no one
// answers, and the timeline shows the longest life of each survey: reminders, expiry.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <optional>

#include <nlohmann/json.hpp>

#include "cxgate/channels/delivery.hpp"
#include "cxgate/cli/tools.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/engine/event.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/replies/conversation.hpp"
#include "cxgate/scheduler/due_work.hpp"
#include "cxgate/store/database.hpp"
#include "cxgate/store/sqlite_store.hpp"
#include "cxgate/store/store.hpp"
#include "simulation.hpp"

namespace cxgate::cli {

using namespace detail;

namespace {

using json = nlohmann::json;

// A member as text whatever its JSON type ("" when absent): a wrong type is for
// parse_event to report, not for the simulation to trip over.
std::string text_of(const json& object, const char* key) {
    auto it = object.find(key);
    if (it == object.end() || it->is_null()) return "";
    return it->is_string() ? it->get<std::string>() : it->dump();
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

    std::vector<PendingEvent> events;
    if (!read_events(in, options.events_file, from, events)) return 2;
    // A recurring survey needs no events: its schedule makes them, from --from on.
    const bool scheduled =
        std::any_of(config->flows.begin(), config->flows.end(),
                    [](const config::Flow& f) { return f.schedule.has_value(); });
    if (events.empty() && !(scheduled && from)) {
        std::cerr << "cxgate simulate: no events in " << options.events_file
                  << (scheduled ? " (give --from to simulate the schedule alone)" : "") << "\n";
        return 2;
    }
    std::stable_sort(events.begin(), events.end(),
                     [](const auto& a, const auto& b) { return a.at < b.at; });
    Seconds start = from ? *from : events.front().at;
    const Seconds last_event = events.empty() ? start : events.back().at;
    if (start == 0) {
        std::cerr << "cxgate simulate: give the first event an occurred_at, or --from\n";
        return 2;
    }
    for (auto& e : events) e.at = std::max(e.at, start);

    // Times are shown in the flow's zone (the first flow's when several are simulated).
    const auto& zone = *date::locate_zone(config->flows.empty() ? config->defaults.timezone
                                                                : config->flows.front().timezone);
    auto db = std::make_unique<store::SqliteStore>(store::open_for_writing(":memory:"));
    Timeline timeline(zone, options.json);

    if (!options.json) {
        std::cout << "# cxgate simulate: "
                  << (options.flow.empty() ? "every flow" : "flow " + options.flow);
        for (const auto& f : config->flows) std::cout << " [" << f.name << " " << f.version << "]";
        std::cout << "; times in " << zone.name() << "; nothing is sent\n";
    }

    std::map<std::int64_t, std::optional<store::SurveyState>> states;  // last state printed
    std::int64_t last_message = 0;
    int n_events = 0, n_rejected = 0, n_scheduled = 0, n_suppressed = 0, n_sent = 0,
        n_reminders = 0, n_expired = 0, n_superseded = 0, n_other = 0, n_replies = 0;
    std::map<std::string, int> suppressed_by;
    const Seconds end =
        timing::add_delay(tp(last_event), *horizon, zone, {}).time_since_epoch().count();

    auto report_changes = [&](Seconds now) {
        // Messages first (what went out), then surveys that ended.
        for (const auto& m : db->messages_after(last_message)) {
            last_message = m.id;
            auto survey = m.survey_id ? db->find_survey(*m.survey_id) : std::nullopt;
            std::string about = survey ? survey_label(*survey) + " " : "";
            if (m.kind == "survey") ++n_sent;
            if (m.kind == "reminder") ++n_reminders;
            Entry e{now, m.kind, survey, m.channel, m.address, m.locale};
            e.text = about + "via " + m.channel + " to " + m.address +
                     (m.locale.empty() ? "" : " [" + m.locale + "]");
            e.extra["message"] = m.id;
            // What the customer reads: the question of each step, in their language.
            e.extra["body"] = m.body;
            timeline.add(e);
            if (!timeline.as_json() && (m.kind == "survey" || m.kind == "question")) {
                std::string words = m.body;
                for (auto& c : words)
                    if (c == '\n') c = ' ';
                Entry quote{now, ""};
                quote.text = "  \"" + words + "\"";
                timeline.add(quote);
            }
        }
        for (const auto& s : db->all_surveys()) {
            auto& seen = states[s.id];
            if (seen == s.state) continue;
            // Suppressed at planning time is printed with its event; later (on_waiting:
            // skip) it is news.
            const bool quiet = s.state == store::SurveyState::sending ||
                               s.state == store::SurveyState::sent ||
                               s.state == store::SurveyState::scheduled ||
                               (s.state == store::SurveyState::suppressed && !seen);
            if (!quiet) {
                if (s.state == store::SurveyState::answered ||
                    s.state == store::SurveyState::commented ||
                    (s.state == store::SurveyState::closed && !s.superseded_by)) {
                    seen = s.state;
                    continue;  // the reply line above says it
                }
                if (s.state == store::SurveyState::expired)
                    ++n_expired;
                else if (s.state == store::SurveyState::superseded ||
                         (s.state == store::SurveyState::closed && s.superseded_by))
                    ++n_superseded;
                else
                    ++n_other;
                auto [reason, detail] = split_reason(s.reason);
                Entry e{now,
                        s.state == store::SurveyState::closed
                            ? "superseded"
                            : std::string(store::to_string(s.state)),
                        s, s.channel, s.address};
                e.reason = reason;
                e.detail = detail;
                e.text = survey_label(s) + (detail.empty() ? "" : ": " + detail);
                if (s.superseded_by) e.extra["superseded_by"] = *s.superseded_by;
                timeline.add(e);
            }
            seen = s.state;
        }
    };

    // An event and what it planned: printed for the file's events and the schedule's alike.
    auto print_event = [&](Seconds now, const std::string& id, const std::string& type,
                           const std::string& who, const std::string& contact,
                           const engine::EventOutcome& outcome) {
        {
            Entry line{now, "event"};
            line.text = id + " " + type + " for " + who +
                        (outcome.duplicate ? " (duplicate id: ignored)" : "");
            line.extra["event"] = id;
            line.extra["type"] = type;
            line.extra["contact"] = contact;
            if (outcome.duplicate) line.extra["duplicate"] = true;
            timeline.add(line);
        }
        if (outcome.surveys.empty() && !outcome.duplicate) {
            Entry line{now, timeline.as_json() ? "no_step" : ""};
            line.text = "no step of the flow listens to " + type;
            line.extra["type"] = type;
            timeline.add(line);
        }
        for (const auto& s : outcome.surveys) {
            if (outcome.duplicate) continue;
            states[s.id] = s.state;
            if (s.state == store::SurveyState::suppressed) {
                ++n_suppressed;
                auto [reason, detail] = split_reason(s.reason);
                suppressed_by[reason]++;
                Entry line{now, "suppress", s, s.channel, s.address};
                line.reason = reason;
                line.detail = detail;
                line.text = survey_label(s) + ": " + s.reason;
                timeline.add(line);
            } else {
                ++n_scheduled;
                Entry line{now, "schedule", s, s.channel, s.address};
                line.text = survey_label(s) + " via " + s.channel + " to " + s.address + ", due " +
                            timeline.when(*s.due_at) + ", expires " + timeline.when(*s.expires_at);
                line.extra["due_at"] = timing::format_local(tp(*s.due_at), zone);
                line.extra["expires_at"] = timing::format_local(tp(*s.expires_at), zone);
                if (auto note = outcome.notes.find(s.id); note != outcome.notes.end()) {
                    line.extra["waiting"] = note->second;
                    if (!timeline.as_json()) {
                        timeline.add(line);
                        Entry more{now, ""};
                        more.text = "  " + note->second;
                        timeline.add(more);
                        continue;
                    }
                }
                timeline.add(line);
            }
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
                std::optional<store::SurveyRow> answered;
                if (outcome.survey_id)
                    if ((answered = db->find_survey(*outcome.survey_id)))
                        about = " -> " + survey_label(*answered);
                Entry e{now, "reply", answered, message.channel, message.from};
                e.text = "\"" + message.text + "\" from " + message.from + " (" + outcome.outcome +
                         (outcome.score ? " " + std::to_string(*outcome.score) : "") + ")" + about;
                e.extra["text"] = message.text;
                e.extra["outcome"] = outcome.outcome;
                if (outcome.score) e.extra["score"] = *outcome.score;
                timeline.add(e);
                continue;
            }
            auto parsed = engine::parse_event(pending.body, *config, tp(now));
            std::string id = text_of(pending.body, "id");
            if (!parsed.event) {
                ++n_rejected;
                Entry e{now, "rejected"};
                e.text = "line " + std::to_string(pending.line) + " (" + id + "): " + parsed.error;
                e.detail = parsed.error;
                e.extra["line"] = pending.line;
                e.extra["event"] = id;
                timeline.add(e);
                continue;
            }
            ++n_events;
            const auto& e = *parsed.event;
            auto outcome = engine::record_event(*db, *config, e, tp(now));
            print_event(now, e.id, e.type,
                        e.contact.phone.empty() ? e.contact.email : e.contact.phone, e.contact.id,
                        outcome);
        }
        // Due work at this instant, then every queued message is taken as sent (the
        // channel's answer goes through record_send_result, as a provider's would).
        std::optional<Seconds> next_due;
        for (int pass = 0; pass < 100; ++pass) {
            auto result = scheduler::run_due_work(*db, *config, now);
            for (const auto& outcome : result.schedule_events) {
                ++n_events;
                const std::string contact =
                    outcome.surveys.empty() ? "" : outcome.surveys.front().contact_id;
                print_event(now, outcome.event_id, "schedule", contact, contact, outcome);
            }
            for (const auto& why : result.schedule_rejected) {
                ++n_rejected;
                Entry line{now, "rejected"};
                line.text = why;
                line.detail = why;
                timeline.add(line);
            }
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

    if (options.json) {
        json summary{{"kind", "summary"},          {"events", n_events},
                     {"rejected", n_rejected},     {"scheduled", n_scheduled},
                     {"suppressed", n_suppressed}, {"sent", n_sent},
                     {"reminders", n_reminders},   {"expired", n_expired},
                     {"superseded", n_superseded}, {"replies", n_replies}};
        summary["suppressed_by"] = suppressed_by;
        std::cout << summary.dump() << "\n";
        return n_rejected ? 1 : 0;
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
    if (n_superseded) std::cout << ", " << n_superseded << " superseded";
    if (n_other) std::cout << ", " << n_other << " other";
    if (n_replies) std::cout << "; " << n_replies << " repl" << (n_replies == 1 ? "y" : "ies");
    std::cout << "\n";
    return n_rejected ? 1 : 0;
}

}  // namespace cxgate::cli
