// Digests from the scheduler's pass (digests.hpp): each due digest made once per recipient
// and period, its message queued in the transaction that records it.
#include <spdlog/spdlog.h>

#include <algorithm>

#include <nlohmann/json.hpp>

#include "cxgate/foundation/json_input.hpp"
#include "cxgate/scheduler/digests.hpp"
#include "cxgate/templates/compose.hpp"
#include "cxgate/templates/mail_parts.hpp"

namespace cxgate::scheduler {

namespace {

// A digest runs the report a few times per person (their figures, each team member's): a
// bound per pass keeps the pass, which holds the writer, short; the rest follow in the next
// passes, at once.
constexpr size_t kDigestsPerPass = 20;

// The message of one digest, or none when its recipient has no address on the channel.
std::optional<store::MessageRow> digest_message(const config::Config& config,
                                                const config::Digest& digest,
                                                const DigestContent& content) {
    const auto* channel =
        config.find_channel(digest.channel.empty() ? config.alert_channel : digest.channel);
    if (!channel) return std::nullopt;
    store::MessageRow m;
    m.kind = "digest";
    m.channel = channel->name;
    m.locale = content.locale;
    m.created_at = content.now;
    const auto rendered = render_digest(content);
    m.subject = rendered.subject;
    if (channel->kind == config::ChannelKind::chat) {
        // The channel's URL decides the room; the address names whose digest it is.
        m.address = content.recipient;
        m.body = json_input::dump(nlohmann::json(digest_card(content)));
    } else {
        const auto member = config.staff.find(content.recipient);
        if (member == config.staff.end() || member->second.email.empty()) return std::nullopt;
        m.address = member->second.email;
        m.body = templates::mail_parts_body({rendered.text, rendered.html});
    }
    templates::finish_message(config, m);
    return m;
}

}  // namespace

DigestWatchResult watch_digests(store::Store& db, const config::Config& config, store::Seconds now,
                                size_t limit) {
    DigestWatchResult out;
    size_t budget = std::min(limit, kDigestsPerPass);
    for (const auto& [name, digest] : config.digests) {
        const auto due = digest_due(digest, now);
        if (!due) continue;
        const auto made = db.digests_made(name, due->key);
        for (const auto& to : digest_recipients(config, digest)) {
            if (made.count(to.id)) continue;
            if (budget == 0) {
                out.more = true;
                return out;
            }
            --budget;
            const auto content = digest_content(db, config, digest, to, *due, now);
            store::DigestRun run{name, to.id, due->key, now, std::nullopt, {}};
            // Nothing to tell is recorded too, so the period is not looked at again.
            if (!content.empty()) {
                if (auto m = digest_message(config, digest, content)) {
                    run.message_id = db.insert_message(*m);
                    for (const auto& a : content.answers) run.surveys.push_back(a.survey_id);
                    out.queued_messages.push_back(*run.message_id);
                    ++out.sent;
                } else {
                    spdlog::warn("digest {} for {}: no address on channel {}; skipped", name, to.id,
                                 digest.channel.empty() ? config.alert_channel : digest.channel);
                }
            }
            db.record_digest(run);
            ++out.made;
        }
    }
    return out;
}

}  // namespace cxgate::scheduler
