// Inline SVG charts for the dashboard: trend, heat-map colour, share bar.
#include "cxgate/dashboard/charts.hpp"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/foundation/html.hpp"

namespace cxgate::dashboard {

namespace {

namespace g = trend_geometry;

constexpr double dot_radius = 2.5;
// A lone point has no neighbour to stretch its band to; a narrow bar keeps its interval visible.
constexpr double lone_band_half_width = 2;
constexpr double axis_baseline = 114;
// Defaults for a page without the chart styles: the SVG default of 16 user units would be huge
// in a 320-wide viewBox, and an unstyled path fills black.
constexpr const char* axis_font = " font-size=\"9\"";

std::string svg_open(const std::string& viewbox, const std::string& title,
                     const std::string& extra = "") {
    const std::string name = html::escape(title);
    return "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"" + viewbox + "\" width=\"100%\"" +
           extra + " role=\"img\" aria-label=\"" + name + "\"><title>" + name + "</title>";
}

bool has_value(const TrendPoint& point) {
    return point.value && std::isfinite(*point.value);
}

// The plot's vertical position of a figure; off-axis figures sit on the edge rather than outside
// the plot, and an empty axis puts everything in the middle instead of dividing by zero.
double y_of(double value, double min, double max) {
    if (!(max > min) || !std::isfinite(min) || !std::isfinite(max)) {
        return (g::plot_top + g::plot_bottom) / 2;
    }
    const double t = std::clamp((value - min) / (max - min), 0.0, 1.0);
    return g::plot_bottom - t * (g::plot_bottom - g::plot_top);
}

double x_of(double index, std::size_t count) {
    if (count < 2) return (g::plot_left + g::plot_right) / 2;
    const double last = static_cast<double>(count - 1);
    const double at = std::isnan(index) ? 0.0 : std::clamp(index, 0.0, last);
    return g::plot_left + at / last * (g::plot_right - g::plot_left);
}

std::string point_xy(double x, double y) {
    return format_number(x) + " " + format_number(y);
}

// A negative or non-finite margin would turn the band inside out or fill the whole plot.
double margin_of(const TrendPoint& point) {
    return std::isfinite(point.margin) ? std::abs(point.margin) : 0.0;
}

std::string tooltip(const TrendPoint& point) {
    std::string text = point.label + ": " + format_number(*point.value) + " (";
    const double margin = margin_of(point);
    if (margin > 0) text += "±" + format_number(margin) + ", ";
    text += "n=" + std::to_string(point.n) + ")";
    return html::escape(text);
}

// The band of the run [first, last]: along the upper edge left to right, back along the lower.
std::string band_path(const TrendChart& chart, std::size_t first, std::size_t last) {
    const auto& points = chart.points;
    bool any_margin = false;
    for (std::size_t i = first; i <= last; ++i) any_margin = any_margin || margin_of(points[i]) > 0;
    if (!any_margin) return "";

    auto upper = [&](std::size_t i) {
        return y_of(*points[i].value + margin_of(points[i]), chart.min, chart.max);
    };
    auto lower = [&](std::size_t i) {
        return y_of(*points[i].value - margin_of(points[i]), chart.min, chart.max);
    };
    std::string d;
    if (first == last) {
        const double x = x_of(static_cast<double>(first), points.size());
        const double left = std::max(g::plot_left, x - lone_band_half_width);
        const double right = std::min(g::plot_right, x + lone_band_half_width);
        d = "M" + point_xy(left, upper(first)) + "L" + point_xy(right, upper(first)) + "L" +
            point_xy(right, lower(first)) + "L" + point_xy(left, lower(first));
    } else {
        for (std::size_t i = first; i <= last; ++i) {
            d += (i == first ? "M" : "L") +
                 point_xy(x_of(static_cast<double>(i), points.size()), upper(i));
        }
        for (std::size_t i = last + 1; i-- > first;) {
            d += "L" + point_xy(x_of(static_cast<double>(i), points.size()), lower(i));
        }
    }
    return "<path class=\"band\" d=\"" + d + "Z\" fill=\"currentColor\" fill-opacity=\"0.2\"/>";
}

std::string line_path(const TrendChart& chart, std::size_t first, std::size_t last) {
    std::string d;
    for (std::size_t i = first; i <= last; ++i) {
        d +=
            (i == first ? "M" : "L") + point_xy(x_of(static_cast<double>(i), chart.points.size()),
                                                y_of(*chart.points[i].value, chart.min, chart.max));
    }
    return "<path class=\"line\" d=\"" + d +
           "\" fill=\"none\" stroke=\"currentColor\" stroke-width=\"1.5\"/>";
}

std::string axis_text(const std::string& label, double x, const char* anchor) {
    return "<text class=\"axis\" x=\"" + format_number(x) + "\" y=\"" +
           format_number(axis_baseline) + "\" text-anchor=\"" + anchor + "\"" + axis_font + ">" +
           html::escape(label) + "</text>";
}

}  // namespace

std::string format_number(double value) {
    // std::to_chars, unlike snprintf, ignores LC_NUMERIC: a "," decimal would break the SVG.
    char buffer[400];  // "%.1f" of the largest double is 311 characters
    const auto result =
        std::to_chars(buffer, buffer + sizeof buffer, value, std::chars_format::fixed, 1);
    std::string text(buffer, result.ptr);
    if (text.size() > 2 && text.compare(text.size() - 2, 2, ".0") == 0)
        text.resize(text.size() - 2);
    if (text == "-0") text = "0";
    return text;
}

std::string trend_svg(const TrendChart& chart, const std::string& empty_text) {
    const std::string viewbox = "0 0 " + format_number(g::width) + " " + format_number(g::height);
    std::string svg = svg_open(viewbox, chart.title);
    const auto& points = chart.points;

    if (std::none_of(points.begin(), points.end(), has_value)) {
        return svg + "<text class=\"empty\" x=\"" + format_number(g::width / 2) + "\" y=\"" +
               format_number(g::height / 2) +
               "\" text-anchor=\"middle\" dominant-baseline=\"middle\"" + axis_font + ">" +
               html::escape(empty_text) + "</text></svg>";
    }

    // Bands first, so that lines, dots and markers are painted over them.
    std::vector<std::pair<std::size_t, std::size_t>> runs;
    for (std::size_t i = 0; i < points.size(); ++i) {
        if (!has_value(points[i])) continue;
        if (!runs.empty() && runs.back().second + 1 == i) {
            runs.back().second = i;
        } else {
            runs.emplace_back(i, i);
        }
    }
    for (const auto& [first, last] : runs) svg += band_path(chart, first, last);

    if (chart.target && std::isfinite(*chart.target) && *chart.target >= chart.min &&
        *chart.target <= chart.max) {
        const std::string y = format_number(y_of(*chart.target, chart.min, chart.max));
        svg += "<line class=\"target\" x1=\"" + format_number(g::plot_left) + "\" y1=\"" + y +
               "\" x2=\"" + format_number(g::plot_right) + "\" y2=\"" + y +
               "\" stroke=\"currentColor\" stroke-dasharray=\"4 3\"/>";
    }

    for (const auto& [first, last] : runs) {
        if (last > first) svg += line_path(chart, first, last);
    }

    for (std::size_t i = 0; i < points.size(); ++i) {
        if (!has_value(points[i])) continue;
        svg += "<circle class=\"dot\" cx=\"" +
               format_number(x_of(static_cast<double>(i), points.size())) + "\" cy=\"" +
               format_number(y_of(*points[i].value, chart.min, chart.max)) + "\" r=\"" +
               format_number(dot_radius) + "\" fill=\"currentColor\"><title>" + tooltip(points[i]) +
               "</title></circle>";
    }

    for (const auto& marker : chart.markers) {
        const std::string x = format_number(x_of(marker.position, points.size()));
        std::string line = "<line class=\"marker\" x1=\"" + x + "\" y1=\"" +
                           format_number(g::plot_top) + "\" x2=\"" + x + "\" y2=\"" +
                           format_number(g::plot_bottom) + "\" stroke=\"currentColor\"><title>" +
                           html::escape(marker.label) + "</title></line>";
        if (!marker.href.empty()) {
            line = "<a href=\"" + html::escape(marker.href) + "\">" + line + "</a>";
        }
        svg += line;
    }

    if (points.size() == 1) {
        svg += axis_text(points.front().label, x_of(0, 1), "middle");
    } else {
        svg += axis_text(points.front().label, g::plot_left, "start");
        svg += axis_text(points.back().label, g::plot_right, "end");
    }
    return svg + "</svg>";
}

std::string heat_color(std::optional<double> value, double min, double max, bool low_is_good) {
    if (!value || !std::isfinite(*value)) return "transparent";
    double t = 0.5;
    if (max > min && std::isfinite(min) && std::isfinite(max)) {
        t = std::clamp((*value - min) / (max - min), 0.0, 1.0);
    }
    if (low_is_good) t = 1 - t;
    return "hsl(" + format_number(120 * t) + ", 70%, 80%)";
}

std::string share_bar_svg(double share, const std::string& label) {
    const double clamped = std::isnan(share) ? 0.0 : std::clamp(share, 0.0, 1.0);
    // "none" lets the page give the bar a fixed height at any width without letterboxing.
    return svg_open("0 0 100 8", label, " preserveAspectRatio=\"none\"") +
           "<rect class=\"bar-bg\" x=\"0\" y=\"0\" width=\"100\" height=\"8\" "
           "fill=\"currentColor\" fill-opacity=\"0.2\"/>"
           "<rect class=\"bar\" x=\"0\" y=\"0\" width=\"" +
           format_number(clamped * 100) + "\" height=\"8\" fill=\"currentColor\"/></svg>";
}

}  // namespace cxgate::dashboard
