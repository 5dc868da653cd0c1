#pragma once
// Why the figures move: the themes of the "why?" comments. Each comment is matched against
// the configured themes in its survey's language (word_forms.hpp says how); per theme the
// report gives the mentions, their share of all comments, the metric among the answers that
// mention it (beside the same metric over all comments), and the mentions per ISO week.
// Comments that match no theme are listed for someone to read, newest first.
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/report/word_forms.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::report {

// The themes a comment mentions, in the order the configuration lists them.
class ThemeMatcher {
  public:
    // Throws std::runtime_error when Finnish themes exist and Voikko cannot start.
    explicit ThemeMatcher(const std::vector<config::Theme>& themes);
    std::vector<std::string> themes_of(const std::string& comment, const std::string& locale);
    // Whether it was made from exactly these themes.
    bool made_from(const std::vector<config::Theme>& themes) const;

    // This thread's matcher for `themes`, made again only when they change (a reload):
    // starting Voikko and reading the keywords' base forms is not for every request.
    static ThemeMatcher& for_thread(const std::vector<config::Theme>& themes);

  private:
    std::vector<config::Theme> themes_;  // a copy: a reload may free the configuration
    std::unique_ptr<FinnishForms> finnish_;
    // Finnish keywords read as Voikko reads them: their own base forms too.
    std::map<std::string, std::vector<std::string>> finnish_keywords_;
};

struct ThemeQuery {
    std::string flow, step;
    std::optional<long long> since, until;
    std::string timezone = "UTC";
    size_t unmatched_limit = 100;
};

struct ThemeRow {
    std::string theme;
    int mentions = 0;
    std::optional<metrics::Figure> share;  // % of all comments
    // Per flow and metric: the figure among the comments that mention the theme.
    std::vector<std::pair<std::string, metrics::MetricResult>> figures;
    std::map<std::string, int> weeks;  // ISO week -> mentions
};

struct ThemeReport {
    int comments = 0;
    std::vector<ThemeRow> themes;
    std::vector<store::CommentRow> unmatched;  // newest first, at most unmatched_limit
    int unmatched_total = 0;
};

ThemeReport theme_report(store::Store& db, const config::Config& config, const ThemeQuery& query);
nlohmann::json to_json(const ThemeReport& report);

}  // namespace cxgate::report
