#pragma once
// Inline SVG charts for the dashboard pages: a metric's weekly trend with its 95% band, a heat-map
// cell colour and a share bar. Rendered on the server because the pages' Content-Security-Policy
// allows no scripts; the SVG carries class names that the page's <style> block colours, plus
// presentation attributes as fallbacks (CSS overrides them).
#include <optional>
#include <string>
#include <vector>

namespace cxgate::dashboard {

// Every member has an initializer so that designated initializers may leave any out without
// GCC's -Wmissing-field-initializers.

// One period of a trend (an ISO week, "2026-W48").
struct TrendPoint {
    std::string label{};            // in the tooltip, and under the first/last point
    std::optional<double> value{};  // no answers that period (or not finite): a gap in the line
    double margin = 0;              // 95% half-width: the band is value±margin, within [min,max]
    int n = 0;                      // answers behind it, in the tooltip
};

// A change marker ("new booking script"): a vertical line at a fractional index, 3.5 being
// halfway between points 3 and 4; a position outside [0, size-1] is clamped to the edge.
struct TrendMarker {
    std::string label{};
    double position = 0;
    std::string href{};  // when not empty the marker links to its before/after comparison
};

struct TrendChart {
    std::string title{};  // accessible name: aria-label and <title>
    std::vector<TrendPoint> points{};
    std::vector<TrendMarker> markers{};
    double min = 0, max = 100;       // the metric's axis: NPS -100..100, CSAT 0..100, CES 1..7
    std::optional<double> target{};  // a dashed horizontal line; not drawn outside [min,max]
    bool low_is_good = false;        // unused by the trend, kept for symmetry with heat_color()
};

// The trend's viewBox and plot area, in viewBox units: the line, band, dots and markers stay
// inside the plot area; the axis labels sit below it.
namespace trend_geometry {
inline constexpr double width = 320, height = 120;
inline constexpr double plot_left = 8, plot_right = 312, plot_top = 8, plot_bottom = 100;
}  // namespace trend_geometry

// The trend as inline SVG (width 100%, viewBox 320x120): per run of consecutive points with a
// value a <path class="band"> (when any margin is above 0) and a <path class="line"> (a run of a
// single point is just its dot); every point with a value a <circle class="dot"> whose <title>
// reads "2026-W48: 42 (±9.5, n=37)" (without "±…, " when the margin is 0); the target as
// <line class="target">; markers as <line class="marker"> with <title>, wrapped in <a href> when
// href is set; the first and last labels as <text class="axis">. No point with a value: only a
// centred <text class="empty"> reading empty_text.
std::string trend_svg(const TrendChart& chart, const std::string& empty_text);

// A heat-map cell's background for a figure on [min,max]: "hsl(H, 70%, 80%)", the hue going
// from red (0, bad) through yellow (60) to green (120, good); low_is_good flips it. No value
// (or not finite) is "transparent"; an empty axis (min >= max) gives the middle, yellow. The
// lightness stays at 80% so that black text keeps its contrast.
std::string heat_color(std::optional<double> value, double min, double max, bool low_is_good);

// A small horizontal bar for a share of a whole (response rate, win rate: 0..1, clamped) as
// inline SVG: viewBox 100x8, a <rect class="bar-bg"> and a <rect class="bar"> share*100 wide.
// label is its accessible name.
std::string share_bar_svg(double share, const std::string& label);

// A number as the charts write it: at most one decimal, without a trailing ".0" and without
// "-0", independent of the process locale (the same input gives the same bytes).
std::string format_number(double value);

}  // namespace cxgate::dashboard
