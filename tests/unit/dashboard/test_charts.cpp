// The dashboard's inline SVG charts: geometry (gaps, band clipping, marker clamping), escaping,
// well-formedness and byte-for-byte determinism, the heat-map colour scale and the share bar.
#include <doctest/doctest.h>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>

#include "cxgate/dashboard/charts.hpp"

using namespace cxgate;
namespace geo = cxgate::dashboard::trend_geometry;

namespace {

std::size_t count(const std::string& text, const std::string& needle) {
    std::size_t n = 0;
    for (auto at = text.find(needle); at != std::string::npos; at = text.find(needle, at + 1)) ++n;
    return n;
}

// The value of attribute `name` in every element whose text starts with `element_start`.
std::vector<std::string> attributes(const std::string& svg, const std::string& element_start,
                                    const std::string& name) {
    std::vector<std::string> values;
    for (auto at = svg.find(element_start); at != std::string::npos;
         at = svg.find(element_start, at + 1)) {
        const auto end = svg.find('>', at);
        const auto key = svg.find(" " + name + "=\"", at);
        if (key == std::string::npos || key > end) continue;
        const auto from = key + name.size() + 3;
        values.push_back(svg.substr(from, svg.find('"', from) - from));
    }
    return values;
}

// The coordinates of a path's "M x y L x y … Z" as numbers.
std::vector<double> numbers(const std::string& d) {
    std::vector<double> out;
    const char* p = d.c_str();
    while (*p) {
        if (std::isdigit(static_cast<unsigned char>(*p)) || *p == '-' || *p == '.') {
            char* end = nullptr;
            out.push_back(std::strtod(p, &end));
            p = end;
        } else {
            ++p;
        }
    }
    return out;
}

// Enough of XML to catch what string-built SVG gets wrong: unbalanced or crossed tags,
// unquoted or broken attributes, and a raw < or & in text or attribute values.
bool well_formed(const std::string& xml) {
    auto entity_ok = [&](std::size_t at) {
        const auto semi = xml.find(';', at);
        if (semi == std::string::npos || semi - at > 8) return false;
        const std::string name = xml.substr(at + 1, semi - at - 1);
        return name == "amp" || name == "lt" || name == "gt" || name == "quot" || name == "apos" ||
               (name.size() > 1 && name[0] == '#');
    };
    auto name_char = [](char c) {
        return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == ':' || c == '_';
    };
    std::vector<std::string> open;
    std::size_t i = 0;
    while (i < xml.size()) {
        if (xml[i] == '&') {
            if (!entity_ok(i)) return false;
            ++i;
            continue;
        }
        if (xml[i] == '>') return false;  // escape() turns a text's > into &gt;
        if (xml[i] != '<') {
            ++i;
            continue;
        }
        const bool closing = i + 1 < xml.size() && xml[i + 1] == '/';
        std::size_t j = i + (closing ? 2 : 1);
        const std::size_t name_start = j;
        while (j < xml.size() && name_char(xml[j])) ++j;
        const std::string name = xml.substr(name_start, j - name_start);
        if (name.empty()) return false;
        if (closing) {
            if (j >= xml.size() || xml[j] != '>' || open.empty() || open.back() != name) {
                return false;
            }
            open.pop_back();
            i = j + 1;
            continue;
        }
        // Attributes: name="value", separated by a space.
        while (true) {
            if (j >= xml.size()) return false;
            if (xml[j] == '>') {
                open.push_back(name);
                break;
            }
            if (xml.compare(j, 2, "/>") == 0) {
                ++j;
                break;
            }
            if (xml[j] != ' ') return false;
            ++j;
            const std::size_t attr_start = j;
            while (j < xml.size() && name_char(xml[j])) ++j;
            if (j == attr_start || xml.compare(j, 2, "=\"") != 0) return false;
            j += 2;
            while (j < xml.size() && xml[j] != '"') {
                if (xml[j] == '<' || xml[j] == '>') return false;
                if (xml[j] == '&' && !entity_ok(j)) return false;
                ++j;
            }
            if (j >= xml.size()) return false;
            ++j;
        }
        i = j + 1;
    }
    return open.empty();
}

dashboard::TrendPoint point(const std::string& label, std::optional<double> value,
                            double margin = 5, int n = 20) {
    return {label, value, margin, n};
}

double hue_of(const std::string& colour) {
    double hue = -1, saturation = -1, lightness = -1;
    REQUIRE(std::sscanf(colour.c_str(), "hsl(%lf, %lf%%, %lf%%)", &hue, &saturation, &lightness) ==
            3);
    CHECK(lightness >= 70);
    return hue;
}

}  // namespace

TEST_CASE("charts: the well-formedness checker itself rejects broken markup") {
    CHECK(well_formed("<svg a=\"1\"><title>x &amp; y</title><path d=\"M0 0\"/></svg>"));
    CHECK_FALSE(well_formed("<svg><title>x</svg></title>"));
    CHECK_FALSE(well_formed("<svg><title>a & b</title></svg>"));
    CHECK_FALSE(well_formed("<svg><title>a < b</title></svg>"));
    CHECK_FALSE(well_formed("<svg a=\"x\"y\"></svg>"));
    CHECK_FALSE(well_formed("<svg>"));
}

TEST_CASE("charts: numbers have at most one decimal, no trailing .0 and no -0") {
    CHECK(dashboard::format_number(42) == "42");
    CHECK(dashboard::format_number(9.5) == "9.5");
    CHECK(dashboard::format_number(9.96) == "10");
    CHECK(dashboard::format_number(-3.25) == "-3.2");
    CHECK(dashboard::format_number(-0.04) == "0");
    CHECK(dashboard::format_number(1e300).size() > 300);  // not cut short
}

TEST_CASE("charts: a gap splits the line and its band; a lone point is only a dot") {
    dashboard::TrendChart chart{
        .title = "NPS",
        .points = {point("2026-W44", 10), point("2026-W45", 20), point("2026-W46", std::nullopt),
                   point("2026-W47", 30), point("2026-W48", 42, 9.5, 37),
                   point("2026-W49", std::nullopt), point("2026-W50", 5)},
        .min = -100,
        .max = 100};
    const auto svg = dashboard::trend_svg(chart, "No answers");
    CHECK(well_formed(svg));
    CHECK(count(svg, "<path class=\"line\"") == 2);
    CHECK(count(svg, "<path class=\"band\"") == 3);
    CHECK(count(svg, "<circle class=\"dot\"") == 5);
    CHECK(svg.find("<title>2026-W48: 42 (±9.5, n=37)</title>") != std::string::npos);
    for (const auto& d : attributes(svg, "<path class=\"line\"", "d")) {
        CHECK(count(d, "M") == 1);
        CHECK(count(d, "L") == 1);
    }
    // Axis labels: the first and last periods, even when the last is a lone point.
    CHECK(count(svg, "<text class=\"axis\"") == 2);
    CHECK(svg.find(">2026-W44</text>") != std::string::npos);
    CHECK(svg.find(">2026-W50</text>") != std::string::npos);
    CHECK(svg.find("viewBox=\"0 0 320 120\" width=\"100%\"") != std::string::npos);
    CHECK(svg.find("role=\"img\" aria-label=\"NPS\"><title>NPS</title>") != std::string::npos);

    // A margin of 0: no band, and no "±" in the tooltip.
    chart.points = {point("a", 1, 0, 1), point("b", 2, 0, 1)};
    const auto bare = dashboard::trend_svg(chart, "No answers");
    CHECK(count(bare, "class=\"band\"") == 0);
    CHECK(bare.find("<title>a: 1 (n=1)</title>") != std::string::npos);
}

TEST_CASE("charts: the band and the line never leave the plot area") {
    dashboard::TrendChart chart{
        .title = "CSAT",
        .points = {point("w1", 97, 40), point("w2", 99, 60), point("w3", 2, 50),
                   point("w4", 130, 5), point("w5", std::nullopt), point("w6", 98, 1e9)},
        .min = 0,
        .max = 100};
    const auto svg = dashboard::trend_svg(chart, "-");
    CHECK(well_formed(svg));
    const auto bands = attributes(svg, "<path class=\"band\"", "d");
    REQUIRE(bands.size() == 2);
    auto paths = bands;
    for (const auto& d : attributes(svg, "<path class=\"line\"", "d")) paths.push_back(d);
    bool reaches_top = false;
    for (const auto& d : paths) {
        const auto xy = numbers(d);
        REQUIRE(xy.size() % 2 == 0);
        for (std::size_t i = 0; i < xy.size(); i += 2) {
            CHECK(xy[i] >= geo::plot_left);
            CHECK(xy[i] <= geo::plot_right);
            CHECK(xy[i + 1] >= geo::plot_top);
            CHECK(xy[i + 1] <= geo::plot_bottom);
            reaches_top = reaches_top || xy[i + 1] == geo::plot_top;
        }
    }
    CHECK(reaches_top);  // clipped to the edge, not dropped
    for (const auto& cy : attributes(svg, "<circle class=\"dot\"", "cy")) {
        CHECK(std::stod(cy) >= geo::plot_top);
        CHECK(std::stod(cy) <= geo::plot_bottom);
    }
    // The tooltip keeps the real figure even when the dot sits on the edge.
    CHECK(svg.find("<title>w4: 130 (±5, n=20)</title>") != std::string::npos);
}

TEST_CASE("charts: labels, titles and hrefs come out escaped, nowhere raw") {
    const std::string nasty = "A<b & \"c\">'";
    dashboard::TrendChart chart{
        .title = "Title " + nasty,
        .points = {point("Label " + nasty, 50), point("Last " + nasty, 60)},
        .markers = {{"Marker " + nasty, 0.5, "/compare?a=1&b=\"2\"<x>"}},
    };
    const auto svg = dashboard::trend_svg(chart, "No answers");
    CHECK(well_formed(svg));
    CHECK(svg.find(nasty) == std::string::npos);
    CHECK(svg.find("<b") == std::string::npos);
    CHECK(svg.find("& ") == std::string::npos);
    CHECK(svg.find("\"c\"") == std::string::npos);
    const std::string escaped = "A&lt;b &amp; &quot;c&quot;&gt;&#39;";
    CHECK(count(svg, "Title " + escaped) == 2);  // aria-label and <title>
    CHECK(svg.find(">Label " + escaped + ": 50 (±5, n=20)</title>") != std::string::npos);
    CHECK(svg.find(">Last " + escaped + "</text>") != std::string::npos);
    CHECK(svg.find("<title>Marker " + escaped + "</title>") != std::string::npos);
    CHECK(svg.find("href=\"/compare?a=1&amp;b=&quot;2&quot;&lt;x&gt;\"") != std::string::npos);

    const auto empty = dashboard::trend_svg({.title = nasty}, nasty);
    CHECK(well_formed(empty));
    CHECK(empty.find(nasty) == std::string::npos);
    CHECK(empty.find(">" + escaped + "</text>") != std::string::npos);

    const auto bar = dashboard::share_bar_svg(0.5, nasty);
    CHECK(well_formed(bar));
    CHECK(bar.find(nasty) == std::string::npos);
    CHECK(count(bar, escaped) == 2);
}

TEST_CASE("charts: markers link when they have an href and are clamped to the ends") {
    dashboard::TrendChart chart{
        .title = "CES",
        .points = {point("w1", 3), point("w2", 4), point("w3", 5), point("w4", 4)},
        .markers = {{"before", -3, ""},
                    {"new booking script", 1.5, "/compare/7"},
                    {"after", 99, ""}},
        .min = 1,
        .max = 7};
    const auto svg = dashboard::trend_svg(chart, "-");
    CHECK(well_formed(svg));
    CHECK(count(svg, "<line class=\"marker\"") == 3);
    CHECK(count(svg, "<a ") == 1);
    CHECK(svg.find("<a href=\"/compare/7\"><line class=\"marker\"") != std::string::npos);
    CHECK(svg.find("<title>new booking script</title></line></a>") != std::string::npos);
    const auto xs = attributes(svg, "<line class=\"marker\"", "x1");
    REQUIRE(xs.size() == 3);
    CHECK(std::stod(xs[0]) == geo::plot_left);
    CHECK(std::stod(xs[1]) == (geo::plot_left + geo::plot_right) / 2);
    CHECK(std::stod(xs[2]) == geo::plot_right);
    for (const auto& y1 : attributes(svg, "<line class=\"marker\"", "y1")) {
        CHECK(std::stod(y1) == geo::plot_top);
    }
}

TEST_CASE("charts: the target is a dashed line, left out when off the axis") {
    dashboard::TrendChart chart{.title = "CSAT",
                                .points = {point("w1", 70), point("w2", 80)},
                                .min = 0,
                                .max = 100,
                                .target = 75};
    auto svg = dashboard::trend_svg(chart, "-");
    CHECK(well_formed(svg));
    REQUIRE(count(svg, "<line class=\"target\"") == 1);
    CHECK(svg.find("stroke-dasharray") != std::string::npos);
    const auto y = attributes(svg, "<line class=\"target\"", "y1");
    CHECK(std::stod(y.at(0)) ==
          doctest::Approx(geo::plot_bottom - 0.75 * (geo::plot_bottom - geo::plot_top))
              .epsilon(0.01));
    chart.target = 150;
    CHECK(count(dashboard::trend_svg(chart, "-"), "class=\"target\"") == 0);
}

TEST_CASE("charts: no value at all shows only the empty text") {
    for (const auto& points : {std::vector<dashboard::TrendPoint>{},
                               std::vector<dashboard::TrendPoint>{point("w1", std::nullopt),
                                                                  point("w2", std::nullopt)}}) {
        dashboard::TrendChart chart{.title = "NPS", .points = points, .target = 50};
        chart.markers = {{"m", 0, "/x"}};
        const auto svg = dashboard::trend_svg(chart, "No answers yet");
        CHECK(well_formed(svg));
        CHECK(svg.find("<text class=\"empty\" x=\"160\" y=\"60\" text-anchor=\"middle\"") !=
              std::string::npos);
        CHECK(svg.find(">No answers yet</text></svg>") != std::string::npos);
        for (const char* absent : {"<path", "<circle", "<line", "<a ", "class=\"axis\""}) {
            CHECK(svg.find(absent) == std::string::npos);
        }
    }
}

TEST_CASE("charts: a single point is a centred dot with its label") {
    const dashboard::TrendChart chart{.title = "NPS", .points = {point("2026-W48", 42)}};
    const auto svg = dashboard::trend_svg(chart, "-");
    CHECK(well_formed(svg));
    CHECK(count(svg, "class=\"line\"") == 0);
    CHECK(count(svg, "<circle class=\"dot\" cx=\"160\"") == 1);
    CHECK(count(svg, "<text class=\"axis\" x=\"160\"") == 1);
    const auto band = attributes(svg, "<path class=\"band\"", "d");
    REQUIRE(band.size() == 1);  // a narrow bar, so the interval still shows
}

TEST_CASE("charts: the same input gives the same bytes") {
    const dashboard::TrendChart chart{
        .title = "NPS",
        .points = {point("w1", -12.345, 7.77, 12), point("w2", std::nullopt),
                   point("w3", 33.3333, 2.05, 99), point("w4", 40.05, 3.15, 101)},
        .markers = {{"m", 1.25, "/c"}},
        .min = -100,
        .max = 100,
        .target = 30};
    const auto first = dashboard::trend_svg(chart, "none");
    CHECK(first == dashboard::trend_svg(chart, "none"));
    CHECK(dashboard::share_bar_svg(0.3333, "x") == dashboard::share_bar_svg(0.3333, "x"));
    // Every number carries at most one decimal.
    for (std::size_t at = first.find('.'); at != std::string::npos; at = first.find('.', at + 1)) {
        if (at + 2 < first.size() && std::isdigit(static_cast<unsigned char>(first[at + 1]))) {
            CHECK_FALSE(std::isdigit(static_cast<unsigned char>(first[at + 2])));
        }
    }
}

TEST_CASE("charts: heat colour runs from red (bad) through yellow to green (good)") {
    CHECK(hue_of(dashboard::heat_color(0, 0, 100, false)) == doctest::Approx(0));
    CHECK(hue_of(dashboard::heat_color(50, 0, 100, false)) == doctest::Approx(60));
    CHECK(hue_of(dashboard::heat_color(100, 0, 100, false)) == doctest::Approx(120));
    CHECK(hue_of(dashboard::heat_color(1, 1, 7, true)) == doctest::Approx(120));
    CHECK(hue_of(dashboard::heat_color(4, 1, 7, true)) == doctest::Approx(60));
    CHECK(hue_of(dashboard::heat_color(7, 1, 7, true)) == doctest::Approx(0));
    // Beyond the axis: the end colour, not a hue past green or below red.
    CHECK(hue_of(dashboard::heat_color(-150, -100, 100, false)) == doctest::Approx(0));
    CHECK(hue_of(dashboard::heat_color(150, -100, 100, false)) == doctest::Approx(120));
    // An empty axis is the neutral middle, not a division by zero.
    CHECK(hue_of(dashboard::heat_color(5, 5, 5, false)) == doctest::Approx(60));
    CHECK(hue_of(dashboard::heat_color(5, 5, 5, true)) == doctest::Approx(60));
    CHECK(dashboard::heat_color(std::nullopt, 0, 100, false) == "transparent");
    CHECK(dashboard::heat_color(std::nullopt, 0, 100, true) == "transparent");
    CHECK(dashboard::heat_color(50, 0, 100, false) == "hsl(60, 70%, 80%)");
}

TEST_CASE("charts: the share bar is clamped to 0..1") {
    auto bar_width = [](double share) {
        const auto svg = dashboard::share_bar_svg(share, "Response rate");
        CHECK(well_formed(svg));
        CHECK(svg.find("viewBox=\"0 0 100 8\"") != std::string::npos);
        CHECK(svg.find("aria-label=\"Response rate\"") != std::string::npos);
        CHECK(count(svg, "<rect class=\"bar-bg\"") == 1);
        const auto widths = attributes(svg, "<rect class=\"bar\"", "width");
        REQUIRE(widths.size() == 1);
        return widths[0];
    };
    CHECK(bar_width(0.425) == "42.5");
    CHECK(bar_width(0) == "0");
    CHECK(bar_width(1) == "100");
    CHECK(bar_width(-0.3) == "0");
    CHECK(bar_width(1.7) == "100");
}
