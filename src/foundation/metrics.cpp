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

Figure mean_figure(const std::vector<int>& scores) {
    double sum = 0;
    for (int s : scores) sum += s;
    return {sum / static_cast<double>(scores.size()), mean_margin(scores)};
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
    const auto n = scores.size();
    if (n < 2) return std::nullopt;
    double sum = 0;
    for (int s : scores) sum += s;
    const double mean = sum / static_cast<double>(n);
    // Two passes rather than sum-of-squares so that large, tightly clustered scores
    // do not lose precision to cancellation.
    double squares = 0;
    for (int s : scores) squares += (s - mean) * (s - mean);
    const double sd = std::sqrt(squares / static_cast<double>(n - 1));
    return kZ95 * sd / std::sqrt(static_cast<double>(n));
}

MetricResult compute(Metric metric, const Scale& scale, bool low_is_good,
                     const std::vector<int>& scores) {
    MetricResult result;
    result.metric = metric;

    std::vector<int> valid;
    valid.reserve(scores.size());
    std::copy_if(scores.begin(), scores.end(), std::back_inserter(valid),
                 [&](int s) { return s >= scale.min && s <= scale.max; });
    const int n = static_cast<int>(valid.size());
    result.n = n;
    if (n == 0) return result;

    const auto count_if = [&](auto pred) {
        return static_cast<int>(std::count_if(valid.begin(), valid.end(), pred));
    };
    // On a yes/no scale "the top two points" would be every answer, so the figure
    // becomes the share of the single good answer instead.
    const bool two_point = scale.max - scale.min == 1;

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
            result.mean = mean_figure(valid);
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
            result.mean = mean_figure(valid);
            break;
        }
    }
    return result;
}

}  // namespace cxgate::metrics
