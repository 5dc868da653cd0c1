#pragma once
// Metric formulas exactly as DESIGN.md defines them, each with n and a 95% margin of
// error. Pure functions over a list of scores, or over how many gave each point.
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace cxgate::metrics {

enum class Metric { nps, enps, csat, ces };
std::optional<Metric> parse_metric(std::string_view name);  // "nps", "enps", "csat", "ces"
std::string to_string(Metric m);

struct Scale {
    int min = 0;
    int max = 10;
    bool operator==(const Scale&) const = default;
};

// A yes/no question (`scale: yes-no`) is the two-point scale 0-1: 1 is yes, 0 is no. Its
// figure is the share of yes (of no, with low_is_good), and replies are words ("kyllä",
// "joo", "nej", "nope") as well as 1 and 0.
inline constexpr Scale kYesNo{0, 1};
inline bool is_yes_no(const Scale& s) {
    return s == kYesNo;
}
// "1-5", "0-10", or "yes-no"; the inverse of the flow language's `scale:`.
std::string to_string(const Scale& s);

// A figure and its 95% margin of error, in the figure's own unit (points for NPS,
// percentage points for a %, scale units for a mean). margin is empty when n < 2.
struct Figure {
    double value = 0;
    std::optional<double> margin;
};

struct MetricResult {
    Metric metric = Metric::nps;
    int n = 0;
    // NPS/eNPS: score (-100..100), promoters %, passives %, detractors %.
    // CSAT: satisfied % (top two points of the scale, 4-5 on 1-5) and mean.
    // CES: mean and easy % (low_is_good: the bottom two points are easy, e.g. 1-2 on
    // 1-5; otherwise the top two). A two-point scale (0-1, yes/no) is % yes.
    std::optional<Figure> nps;
    double promoters_pct = 0, passives_pct = 0, detractors_pct = 0;
    std::optional<Figure> satisfied_pct;
    std::optional<Figure> easy_pct;
    std::optional<Figure> mean;
};

// Wald interval for a proportion p (0..1) over n answers, returned in percentage
// points: 1.96 * sqrt(p(1-p)/n) * 100.
std::optional<double> proportion_margin(double p, int n);
// 1.96 * s / sqrt(n) with the sample standard deviation s (n-1 in the denominator).
std::optional<double> mean_margin(const std::vector<int>& scores);
// NPS as the mean of +1 (promoter), 0 (passive), -1 (detractor), times 100; its margin
// is 1.96 * 100 * sqrt((p + d - (p - d)^2) / n).
MetricResult compute(Metric metric, const Scale& scale, bool low_is_good,
                     const std::vector<int>& scores);

// How many answers gave each point of a scale: at[i] answers gave scale.min + i. Reports
// keep answers this way per day (the store's rollups) and add days up.
struct ScoreCounts {
    std::vector<long long> at;
    void add(int point, long long count);  // point: 0 for scale.min
    void add(const ScoreCounts& other);
};
// The same figures as compute() over the scores the counts stand for.
MetricResult compute(Metric metric, const Scale& scale, bool low_is_good,
                     const ScoreCounts& counts);

}  // namespace cxgate::metrics
