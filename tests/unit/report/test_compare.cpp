#include <doctest/doctest.h>

#include <cmath>

#include "cxgate/report/compare.hpp"

using namespace cxgate::metrics;
using namespace cxgate::report;

TEST_CASE("compare: the margin of a difference of independent figures, and the verdict") {
    struct Case {
        Figure before, after;
        Metric metric;
        bool low_is_good;
        double value, margin;
        bool distinguishable;
        const char* verdict;
    };
    const Case cases[] = {
        {{-66.7, 59.6},
         {83.3, 29.8},
         Metric::nps,
         false,
         150.0,
         66.63,
         true,
         "improved by 150.0 ± 66.6 points"},
        {{80.0, 5.0},
         {70.0, 5.0},
         Metric::csat,
         false,
         -10.0,
         7.07,
         true,
         "declined by 10.0 ± 7.1 percentage points"},
        {{3.0, 1.13},
         {3.33, 0.65},
         Metric::ces,
         false,
         0.33,
         1.30,
         false,
         "not distinguishable from noise at this n"},
        // A low-is-good CES improves when its mean falls.
        {{3.0, 0.2},
         {2.0, 0.2},
         Metric::ces,
         true,
         -1.0,
         0.28,
         true,
         "improved by 1.0 ± 0.3 on the scale"},
    };
    for (const auto& c : cases) {
        const auto d = difference(c.before, c.after);
        CHECK(d.value == doctest::Approx(c.value));
        REQUIRE(d.margin);
        CHECK(*d.margin == doctest::Approx(c.margin).epsilon(0.01));
        CHECK(d.distinguishable == c.distinguishable);
        CHECK(verdict(d, c.metric, c.low_is_good) == c.verdict);
    }
}

TEST_CASE("compare: too few answers to tell, or none in a period") {
    const auto d = difference(Figure{50.0, std::nullopt}, Figure{60.0, 10.0});
    CHECK_FALSE(d.margin);
    CHECK_FALSE(d.distinguishable);
    CHECK(verdict(d, Metric::nps, false) == "too few answers to tell (fewer than 2 in a period)");
    CHECK(verdict(std::nullopt, Metric::nps, false) == "no answers in one of the periods");
}

TEST_CASE("compare: the headline figure of each metric") {
    const auto nps = compute(Metric::nps, {0, 10}, false, {9, 10, 0});
    REQUIRE(headline(nps));
    CHECK(headline(nps)->value == doctest::Approx(100.0 / 3));
    const auto csat = compute(Metric::csat, {1, 5}, false, {5, 4, 1, 2});
    CHECK(headline(csat)->value == doctest::Approx(50.0));
    const auto ces = compute(Metric::ces, {1, 5}, false, {1, 2, 3});
    CHECK(headline(ces)->value == doctest::Approx(2.0));
}
