#include "cxgate/replies/clicks.hpp"

#include <algorithm>

namespace cxgate::replies {

ClickDecision decide_clicks(std::vector<Click> clicks, store::Seconds now, store::Seconds window) {
    ClickDecision out;
    std::sort(clicks.begin(), clicks.end(), [](const Click& a, const Click& b) {
        return a.first_at != b.first_at ? a.first_at < b.first_at : a.id < b.id;
    });
    size_t begin = 0;
    while (begin < clicks.size()) {
        // One burst: [begin, end), each click less than `window` after the burst's latest.
        store::Seconds latest = clicks[begin].last_at;
        size_t end = begin + 1;
        while (end < clicks.size() && clicks[end].first_at - latest < window) {
            latest = std::max(latest, clicks[end].last_at);
            ++end;
        }
        const store::Seconds settles = latest + window;
        if (now < settles) {
            out.settles_at = settles;  // still open; nothing after it yet
            break;
        }
        const bool mixed =
            std::any_of(clicks.begin() + static_cast<std::ptrdiff_t>(begin),
                        clicks.begin() + static_cast<std::ptrdiff_t>(end),
                        [&](const Click& c) { return c.score != clicks[begin].score; });
        if (mixed) {
            for (size_t i = begin; i < end; ++i) out.void_ids.push_back(clicks[i].id);
            begin = end;
            continue;
        }
        out.winner = clicks[begin];
        out.winner_settled_at = settles;
        for (size_t i = begin + 1; i < clicks.size(); ++i) out.closed_ids.push_back(clicks[i].id);
        break;
    }
    return out;
}

}  // namespace cxgate::replies
