#include "cxgate/foundation/metrics.hpp"

#include <algorithm>
#include <cmath>
#include <iterator>

namespace cxgate::metrics {

namespace {

constexpr double kZ95 = 1.96;

// The NPS bands are fixed by the method itself, whatever scale the survey was
// configured with; the scale only decides which answers count.
constexpr int kPromoterMin = 9;
constexpr int kDetractorMax = 6;

double pct(int count, int n) {
    return 100.0 * count / n;
}

Figure proportion_figure(int count, int n) {
    return {pct(count, n), proportion_margin(static_cast<double>(count) / n, n)};
}

// The mean of the counted scores and its margin (1.96 * s / sqrt(n), s the sample standard
// deviation). Two passes rather than a sum of squares, so that large, tightly clustered
// scores do not lose precision to cancellation.
Figure mean_figure(const Scale& scale, const ScoreCounts& counts, int n) {
    double sum = 0;
    for (size_t i = 0; i < counts.at.size(); ++i)
        sum += static_cast<double>(scale.min + static_cast<int>(i)) *
               static_cast<double>(counts.at[i]);
    const double mean = sum / n;
    Figure figure{mean, std::nullopt};
    if (n < 2) return figure;
    double squares = 0;
    for (size_t i = 0; i < counts.at.size(); ++i) {
        const double d = scale.min + static_cast<int>(i) - mean;
        squares += d * d * static_cast<double>(counts.at[i]);
    }
    figure.margin = kZ95 * std::sqrt(squares / (n - 1)) / std::sqrt(static_cast<double>(n));
    return figure;
}

}  // namespace

std::optional<Metric> parse_metric(std::string_view name) {
    if (name == "nps") return Metric::nps;
    if (name == "enps") return Metric::enps;
    if (name == "csat") return Metric::csat;
    if (name == "ces") return Metric::ces;
    return std::nullopt;
}

std::string to_string(Metric m) {
    switch (m) {
        case Metric::nps:
            return "nps";
        case Metric::enps:
            return "enps";
        case Metric::csat:
            return "csat";
        case Metric::ces:
            return "ces";
    }
    // Only reachable through a cast of an out-of-range integer.
    return "unknown";
}

std::string to_string(const Scale& s) {
    if (is_yes_no(s)) return "yes-no";
    return std::to_string(s.min) + "-" + std::to_string(s.max);
}

std::optional<double> proportion_margin(double p, int n) {
    if (n < 2 || !(p >= 0.0 && p <= 1.0)) return std::nullopt;
    return kZ95 * std::sqrt(p * (1.0 - p) / n) * 100.0;
}

std::optional<double> mean_margin(const std::vector<int>& scores) {
    if (scores.empty()) return std::nullopt;
    const auto [low, high] = std::minmax_element(scores.begin(), scores.end());
    const Scale span{*low, *high};
    ScoreCounts counts;
    for (int s : scores) counts.add(s - span.min, 1);
    return mean_figure(span, counts, static_cast<int>(scores.size())).margin;
}

void ScoreCounts::add(int point, long long count) {
    if (point < 0) return;
    if (static_cast<size_t>(point) >= at.size()) at.resize(static_cast<size_t>(point) + 1, 0);
    at[static_cast<size_t>(point)] += count;
}

void ScoreCounts::add(const ScoreCounts& other) {
    for (size_t i = 0; i < other.at.size(); ++i) add(static_cast<int>(i), other.at[i]);
}

MetricResult compute(Metric metric, const Scale& scale, bool low_is_good,
                     const std::vector<int>& scores) {
    ScoreCounts counts;
    for (int s : scores)
        if (s >= scale.min && s <= scale.max) counts.add(s - scale.min, 1);
    return compute(metric, scale, low_is_good, counts);
}

MetricResult compute(Metric metric, const Scale& scale, bool low_is_good,
                     const ScoreCounts& counts) {
    MetricResult result;
    result.metric = metric;

    // Only the points of the scale count (a count beyond scale.max is not an answer to it).
    auto count_if = [&](auto pred) {
        long long total = 0;
        for (size_t i = 0; i < counts.at.size(); ++i) {
            const int score = scale.min + static_cast<int>(i);
            if (score <= scale.max && pred(score)) total += counts.at[i];
        }
        return static_cast<int>(total);
    };
    const int n = count_if([](int) { return true; });
    result.n = n;
    if (n == 0) return result;

    // On a yes/no scale "the top two points" would be every answer, so the figure
    // becomes the share of the single good answer instead.
    const bool two_point = scale.max - scale.min == 1;
    ScoreCounts valid = counts;
    valid.at.resize(static_cast<size_t>(std::max(0, scale.max - scale.min + 1)), 0);

    switch (metric) {
        case Metric::nps:
        case Metric::enps: {
            const int promoters = count_if([](int s) { return s >= kPromoterMin; });
            const int detractors = count_if([](int s) { return s <= kDetractorMax; });
            result.promoters_pct = pct(promoters, n);
            result.detractors_pct = pct(detractors, n);
            result.passives_pct = pct(n - promoters - detractors, n);
            Figure score{pct(promoters - detractors, n), std::nullopt};
            if (n >= 2) {
                const double p = static_cast<double>(promoters) / n;
                const double d = static_cast<double>(detractors) / n;
                // Mathematically never negative, but rounding can dip below zero
                // when everyone answered alike.
                const double variance = std::max(0.0, p + d - (p - d) * (p - d));
                score.margin = kZ95 * 100.0 * std::sqrt(variance / n);
            }
            result.nps = score;
            break;
        }
        case Metric::csat: {
            const int top = two_point ? scale.max : scale.max - 1;
            result.satisfied_pct = proportion_figure(count_if([&](int s) { return s >= top; }), n);
            result.mean = mean_figure(scale, valid, n);
            break;
        }
        case Metric::ces: {
            int easy = 0;
            if (low_is_good) {
                const int bottom = two_point ? scale.min : scale.min + 1;
                easy = count_if([&](int s) { return s <= bottom; });
            } else {
                const int top = two_point ? scale.max : scale.max - 1;
                easy = count_if([&](int s) { return s >= top; });
            }
            result.easy_pct = proportion_figure(easy, n);
            result.mean = mean_figure(scale, valid, n);
            break;
        }
    }
    return result;
}

}  // namespace cxgate::metrics
