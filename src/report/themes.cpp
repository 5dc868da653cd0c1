// Themes of the "why?" comments (themes.hpp).
#include "cxgate/report/themes.hpp"

#include <algorithm>
#include <cmath>

#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/compare.hpp"
#include "figures.hpp"

namespace cxgate::report {

using namespace cxgate::metrics;
using namespace cxgate::report::detail;

ThemeMatcher::ThemeMatcher(const std::vector<config::Theme>& themes) : themes_(themes) {
    for (const auto& theme : themes_) {
        auto fi = theme.keywords.find("fi");
        if (fi == theme.keywords.end()) continue;
        if (!finnish_) finnish_ = std::make_unique<FinnishForms>();
        auto& keywords = finnish_keywords_[theme.name];
        for (const auto& k : fi->second)
            for (const auto& form : finnish_->forms(k))
                if (std::find(keywords.begin(), keywords.end(), form) == keywords.end())
                    keywords.push_back(form);
    }
}

bool ThemeMatcher::made_from(const std::vector<config::Theme>& themes) const {
    if (themes.size() != themes_.size()) return false;
    for (size_t i = 0; i < themes.size(); ++i)
        if (themes[i].name != themes_[i].name || themes[i].keywords != themes_[i].keywords)
            return false;
    return true;
}

ThemeMatcher& ThemeMatcher::for_thread(const std::vector<config::Theme>& themes) {
    thread_local std::unique_ptr<ThemeMatcher> matcher;
    if (!matcher || !matcher->made_from(themes)) matcher = std::make_unique<ThemeMatcher>(themes);
    return *matcher;
}

std::vector<std::string> ThemeMatcher::themes_of(const std::string& comment,
                                                 const std::string& locale) {
    const auto words = words_of(comment);
    std::vector<std::vector<std::string>> finnish_forms;
    if (locale == "fi" && finnish_)
        for (const auto& w : words) finnish_forms.push_back(finnish_->forms(w));
    std::vector<std::string> out;
    for (const auto& theme : themes_) {
        bool found = false;
        if (locale == "fi") {
            const auto& keywords = finnish_keywords_[theme.name];
            for (const auto& forms : finnish_forms)
                for (const auto& form : forms)
                    found = found ||
                            std::find(keywords.begin(), keywords.end(), form) != keywords.end();
        } else if (auto k = theme.keywords.find(locale); k != theme.keywords.end()) {
            for (const auto& w : words)
                for (const auto& keyword : k->second) found = found || prefix_match(w, keyword);
        }
        if (found) out.push_back(theme.name);
    }
    return out;
}

ThemeReport theme_report(store::Store& db, const config::Config& config, const ThemeQuery& query) {
    store::AnswerFilter filter;
    filter.flow = query.flow;
    filter.since = query.since;
    filter.until = query.until;
    auto& matcher = ThemeMatcher::for_thread(config.themes);
    const date::time_zone* fallback = date::locate_zone("UTC");
    try {
        fallback = date::locate_zone(query.timezone);
    } catch (const std::exception&) {
    }
    ThemeReport report;
    std::map<std::string, ThemeRow> rows;
    // theme -> (flow, metric, scale, low_is_good) -> scores
    using FigureKey = std::tuple<std::string, std::string, int, int, bool>;
    std::map<std::string, std::map<FigureKey, std::vector<int>>> scores;
    for (const auto& c : db.comments(filter)) {
        if (!query.step.empty() && c.step != query.step) continue;
        ++report.comments;
        const auto found = matcher.themes_of(c.comment, c.locale);
        if (found.empty()) {
            ++report.unmatched_total;
            report.unmatched.push_back(c);
            continue;
        }
        const date::time_zone* zone = fallback;
        try {
            if (!c.timezone.empty()) zone = date::locate_zone(c.timezone);
        } catch (const std::exception&) {
        }
        const auto week =
            timing::iso_week_label(timing::TimePoint{std::chrono::seconds{c.at}}, *zone);
        for (const auto& theme : found) {
            auto& row = rows[theme];
            row.theme = theme;
            ++row.mentions;
            ++row.weeks[week];
            if (c.score)
                scores[theme][{c.flow, c.metric, c.scale_min, c.scale_max, c.low_is_good}]
                    .push_back(*c.score);
        }
    }
    // An anonymous flow's comments are shown only among at least kAnonymousMinimum of them,
    // and its figures only over as many answers: a few would point at the people.
    std::map<std::string, int> per_flow;
    for (const auto& c : report.unmatched) ++per_flow[c.flow];
    auto too_few = [&config](const std::string& flow, size_t n) {
        const auto* f = config.find_flow(flow);
        return f && f->anonymous && n < static_cast<size_t>(config::kAnonymousMinimum);
    };
    std::erase_if(report.unmatched, [&](const store::CommentRow& c) {
        return too_few(c.flow, static_cast<size_t>(per_flow[c.flow]));
    });
    std::reverse(report.unmatched.begin(), report.unmatched.end());
    if (report.unmatched.size() > query.unmatched_limit)
        report.unmatched.resize(query.unmatched_limit);
    for (const auto& theme : config.themes) {
        auto it = rows.find(theme.name);
        ThemeRow row = it == rows.end() ? ThemeRow{theme.name, 0, {}, {}, {}} : it->second;
        if (report.comments > 0) {
            const double p = static_cast<double>(row.mentions) / report.comments;
            row.share = Figure{100.0 * p, proportion_margin(p, report.comments)};
        }
        for (const auto& [key, values] : scores[theme.name]) {
            const auto& [flow, metric, min, max, low_is_good] = key;
            if (too_few(flow, values.size())) continue;
            row.figures.emplace_back(flow, compute(parse_metric(metric).value_or(Metric::csat),
                                                   Scale{min, max}, low_is_good, values));
        }
        report.themes.push_back(std::move(row));
    }
    std::stable_sort(report.themes.begin(), report.themes.end(),
                     [](const ThemeRow& a, const ThemeRow& b) { return a.mentions > b.mentions; });
    return report;
}

nlohmann::json to_json(const ThemeReport& report) {
    nlohmann::json out{{"comments", report.comments},
                       {"themes", nlohmann::json::array()},
                       {"unmatched_total", report.unmatched_total},
                       {"unmatched", nlohmann::json::array()}};
    for (const auto& t : report.themes) {
        nlohmann::json figures = nlohmann::json::array();
        for (const auto& [flow, result] : t.figures)
            figures.push_back({{"flow", flow},
                               {"metric", to_string(result.metric)},
                               {"n", result.n},
                               {"figure", figure_json(headline(result))}});
        out["themes"].push_back({{"theme", t.theme},
                                 {"mentions", t.mentions},
                                 {"share", figure_json(t.share)},
                                 {"figures", figures},
                                 {"weeks", t.weeks}});
    }
    for (const auto& c : report.unmatched) {
        nlohmann::json j{{"survey", c.survey_id},
                         {"step", c.step},
                         {"locale", c.locale},
                         {"comment", c.comment}};
        j["score"] = c.score ? nlohmann::json(*c.score) : nlohmann::json(nullptr);
        out["unmatched"].push_back(j);
    }
    return out;
}

}  // namespace cxgate::report
