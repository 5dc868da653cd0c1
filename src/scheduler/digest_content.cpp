// What a digest says (digests.hpp): the report's figures of the period against the period
// before, the period's comments and the alerts still open, for one person or their team.
#include <algorithm>
#include <cctype>
#include <set>

#include "cxgate/scheduler/digests.hpp"

namespace cxgate::scheduler {

namespace detail {

std::string first_name(const std::string& name) {
    const auto space = name.find(' ');
    return space == std::string::npos ? name : name.substr(0, space);
}

const config::Step* step_of(const config::Config& config, const store::SurveyRow& s) {
    const auto* flow = config.flow_for(s.flow, s.flow_version);
    return flow ? flow->find_step(s.step) : nullptr;
}

std::string metric_name(const std::string& metric) {
    if (metric == "enps") return "eNPS";
    std::string out = metric;
    for (char& c : out) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return out;
}

}  // namespace detail

namespace {

// A digest lists at most this many answers (the newest are left out, with their count):
// a week of a busy team is for the dashboard, not for one email.
constexpr size_t kMaxAnswers = 50;
// Alerts still open are few; this bounds the look-up of their surveys.
constexpr int kMaxAlerts = 500;

std::vector<report::ComparisonRow> figures_of(store::Store& db, const config::Config& config,
                                              const DigestContent& c,
                                              const report::Filters& where) {
    report::CompareQuery q;
    q.where = where;
    q.before = c.when.previous;
    q.after = c.when.period;
    q.timezone = c.timezone;
    return report::compare(db, config, q);
}

using detail::first_name;
using detail::step_of;

bool anonymous(const config::Config& config, const store::SurveyRow& s) {
    const auto* flow = config.flow_for(s.flow, s.flow_version);
    return s.anonymous || (flow && flow->anonymous);
}

std::string staff_name(const config::Config& config, const std::string& id) {
    const auto it = config.staff.find(id);
    return it == config.staff.end() || it->second.name.empty() ? id : it->second.name;
}

}  // namespace

std::string staff_locale(const config::Config& config, const std::string& staff_id) {
    return config.locale_of(staff_id);
}

bool DigestContent::empty() const {
    const auto none = [](const std::optional<std::vector<report::ComparisonRow>>& rows) {
        return !rows || rows->empty();
    };
    return none(own) && none(team) && answers.empty() && alerts.empty();
}

std::vector<DigestRecipient> digest_recipients(const config::Config& config,
                                               const config::Digest& digest) {
    std::set<std::string> leads;
    for (const auto& [id, member] : config.staff)
        if (!member.lead.empty() && member.lead != id) leads.insert(member.lead);
    std::map<std::string, DigestRecipient> out;
    for (const auto& name : digest.to) {
        if (name == "staff") {
            for (const auto& [id, member] : config.staff) out[id].own = true;
        } else if (name == "team-lead") {
            for (const auto& id : leads) out[id].team = true;
        } else if (config.staff.count(name)) {
            out[name].own = true;
            if (leads.count(name)) out[name].team = true;
        }
    }
    std::vector<DigestRecipient> list;
    for (auto& [id, r] : out) {
        r.id = id;
        list.push_back(r);
    }
    return list;
}

DigestContent digest_content(store::Store& db, const config::Config& config,
                             const config::Digest& digest, const DigestRecipient& to,
                             const DigestPeriod& when, store::Seconds now) {
    DigestContent c;
    c.digest = digest.name;
    c.recipient = to.id;
    c.name = staff_name(config, to.id);
    c.locale = staff_locale(config, to.id);
    c.every = digest.every;
    c.timezone = digest.timezone;
    c.when = when;
    c.now = now;
    // Whose answers the digest tells of: the person's own, their team's, or both.
    std::vector<std::string> people;
    if (to.own) {
        report::Filters mine;
        mine.staff = to.id;
        c.own = figures_of(db, config, c, mine);
        people.push_back(to.id);
    }
    if (to.team) {
        report::Filters team;
        team.team = to.id;
        c.team = figures_of(db, config, c, team);
        for (const auto& id : config.team_members(to.id)) {
            if (std::find(people.begin(), people.end(), id) == people.end()) people.push_back(id);
            if (id == to.id && to.own) continue;  // their own figures are shown already
            report::Filters one;
            one.staff = id;
            DigestMember m{id, staff_name(config, id), figures_of(db, config, c, one)};
            if (!m.figures.empty()) c.members.push_back(std::move(m));
        }
    }

    // The period's answers: those with a comment, and every answer of a step that shares
    // them in the digest. Never one of an anonymous flow: alone, it names who gave it.
    store::ResponsePage page;
    page.since = when.period.since;
    page.until = when.period.until;
    page.staff = people;
    page.limit = 1000;
    for (const auto& s : db.answered_surveys(page)) {
        if (!s.score || anonymous(config, s)) continue;
        const auto* step = step_of(config, s);
        const bool every = step && step->share_answers == config::ShareAnswers::digest;
        if (s.comment.empty() && !every) continue;
        if (c.answers.size() == kMaxAnswers) {
            ++c.more_answers;
            continue;
        }
        c.answers.push_back({s.id, s.flow, s.step, s.metric,
                             s.staff_name.empty() ? staff_name(config, s.staff_id) : s.staff_name,
                             *s.score, s.scale_min, s.scale_max, s.comment,
                             first_name(s.contact_name), s.answered_at.value_or(0)});
    }

    // Alerts not yet resolved, oldest first, with how long they have waited.
    const std::set<std::string> whose(people.begin(), people.end());
    for (const auto state : {store::AlertHandling::open, store::AlertHandling::acknowledged}) {
        store::AlertFilter filter;
        filter.state = state;
        filter.limit = kMaxAlerts;
        for (const auto& a : db.alerts_where(filter)) {
            const auto s = db.find_survey(a.survey_id);
            if (!s || !whose.count(s->staff_id)) continue;
            c.alerts.push_back(
                {a.id, s->flow, s->step, s->metric,
                 s->staff_name.empty() ? staff_name(config, s->staff_id) : s->staff_name, s->score,
                 s->scale_min, s->scale_max, state == store::AlertHandling::acknowledged,
                 a.opened_at});
        }
    }
    std::sort(c.alerts.begin(), c.alerts.end(),
              [](const DigestAlert& a, const DigestAlert& b) { return a.opened_at < b.opened_at; });
    return c;
}

}  // namespace cxgate::scheduler
