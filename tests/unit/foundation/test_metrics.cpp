#include <doctest/doctest.h>

#include "cxgate/foundation/metrics.hpp"

using namespace cxgate::metrics;
using doctest::Approx;

TEST_CASE("metrics: parse_metric and to_string round-trip") {
    for (Metric m : {Metric::nps, Metric::enps, Metric::csat, Metric::ces}) {
        const auto parsed = parse_metric(to_string(m));
        REQUIRE(parsed.has_value());
        CHECK(*parsed == m);
    }
    CHECK(to_string(Metric::enps) == "enps");
    CHECK_FALSE(parse_metric("").has_value());
    CHECK_FALSE(parse_metric("NPS").has_value());
    CHECK_FALSE(parse_metric("nps ").has_value());
    CHECK_FALSE(parse_metric("csat5").has_value());
}

TEST_CASE("metrics: NPS worked example") {
    // n = 6, promoters {9,9,9} p = 1/2, passives {7,7}, detractors {0} d = 1/6.
    // NPS = 50 - 16.667 = 33.333.
    // Margin = 196 * sqrt((p + d - (p - d)^2) / n)
    //        = 196 * sqrt((2/3 - 1/9) / 6) = 196 * sqrt(5/54)
    //        = 196 * 0.304290 = 59.6409 points.
    const auto r = compute(Metric::nps, Scale{0, 10}, false, {0, 7, 7, 9, 9, 9});
    CHECK(r.metric == Metric::nps);
    CHECK(r.n == 6);
    REQUIRE(r.nps.has_value());
    CHECK(r.nps->value == Approx(100.0 / 3));
    REQUIRE(r.nps->margin.has_value());
    CHECK(*r.nps->margin == Approx(59.6409007));
    CHECK(r.promoters_pct == Approx(50.0));
    CHECK(r.passives_pct == Approx(100.0 / 3));
    CHECK(r.detractors_pct == Approx(100.0 / 6));
    CHECK_FALSE(r.satisfied_pct.has_value());
    CHECK_FALSE(r.easy_pct.has_value());
    CHECK_FALSE(r.mean.has_value());
}

TEST_CASE("metrics: NPS band edges") {
    // 6 is the highest detractor and 9 the lowest promoter.
    const auto r = compute(Metric::nps, Scale{0, 10}, false, {6, 7, 8, 9});
    CHECK(r.detractors_pct == Approx(25.0));
    CHECK(r.passives_pct == Approx(50.0));
    CHECK(r.promoters_pct == Approx(25.0));
    CHECK(r.nps->value == Approx(0.0));
}

TEST_CASE("metrics: all promoters score 100 with no uncertainty") {
    const auto r = compute(Metric::nps, Scale{0, 10}, false, {9, 10, 10, 9, 10});
    REQUIRE(r.nps.has_value());
    CHECK(r.nps->value == Approx(100.0));
    REQUIRE(r.nps->margin.has_value());
    CHECK(*r.nps->margin == Approx(0.0));

    const auto all_detractors = compute(Metric::nps, Scale{0, 10}, false, {0, 3, 6});
    CHECK(all_detractors.nps->value == Approx(-100.0));
    CHECK(*all_detractors.nps->margin == Approx(0.0));
}

TEST_CASE("metrics: eNPS uses the NPS formula") {
    const auto r = compute(Metric::enps, Scale{0, 10}, false, {0, 7, 7, 9, 9, 9});
    CHECK(r.metric == Metric::enps);
    CHECK(r.nps->value == Approx(100.0 / 3));
    CHECK(*r.nps->margin == Approx(59.6409007));
}

TEST_CASE("metrics: CSAT worked example") {
    // Satisfied {5,4,5} = 3 of 5 = 60%; margin 196 * sqrt(0.6 * 0.4 / 5) = 42.9414.
    // Mean 19 / 5 = 3.8; deviations 1.2, 0.2, -0.8, -1.8, 1.2, squares sum 6.8,
    // s = sqrt(6.8 / 4) = 1.303840, margin 1.96 * 1.303840 / sqrt(5) = 1.142867.
    const auto r = compute(Metric::csat, Scale{1, 5}, false, {5, 4, 3, 2, 5});
    CHECK(r.n == 5);
    REQUIRE(r.satisfied_pct.has_value());
    CHECK(r.satisfied_pct->value == Approx(60.0));
    REQUIRE(r.satisfied_pct->margin.has_value());
    CHECK(*r.satisfied_pct->margin == Approx(42.9414485));
    REQUIRE(r.mean.has_value());
    CHECK(r.mean->value == Approx(3.8));
    REQUIRE(r.mean->margin.has_value());
    CHECK(*r.mean->margin == Approx(1.1428666));
    CHECK_FALSE(r.nps.has_value());
    CHECK_FALSE(r.easy_pct.has_value());
}

TEST_CASE("metrics: CES where low is good") {
    // Easy {1,2,2} = 75%; mean 10 / 4 = 2.5; squares 2.25+0.25+0.25+6.25 = 9,
    // s = sqrt(9 / 3) = 1.732051, margin 1.96 * 1.732051 / 2 = 1.697410.
    const auto r = compute(Metric::ces, Scale{1, 5}, true, {1, 2, 2, 5});
    CHECK(r.n == 4);
    REQUIRE(r.easy_pct.has_value());
    CHECK(r.easy_pct->value == Approx(75.0));
    CHECK(*r.easy_pct->margin == Approx(42.4352448));
    REQUIRE(r.mean.has_value());
    CHECK(r.mean->value == Approx(2.5));
    CHECK(*r.mean->margin == Approx(1.6974098));
    CHECK_FALSE(r.satisfied_pct.has_value());
    CHECK_FALSE(r.nps.has_value());
}

TEST_CASE("metrics: CES on 1-7 where high is good") {
    // Easy {7,6,7} = 60%; 5 is neutral and 1 is hard. Mean 26 / 5 = 5.2,
    // squares 3.24+0.64+0.04+17.64+3.24 = 24.8, s^2 = 6.2,
    // margin 1.96 * sqrt(6.2 / 5) = 2.182564.
    const auto r = compute(Metric::ces, Scale{1, 7}, false, {7, 6, 5, 1, 7});
    CHECK(r.easy_pct->value == Approx(60.0));
    CHECK(r.mean->value == Approx(5.2));
    CHECK(*r.mean->margin == Approx(2.1825636));
}

TEST_CASE("metrics: two-point scales count the single good answer") {
    const auto yes = compute(Metric::ces, Scale{0, 1}, false, {1, 1, 1, 0});
    CHECK(yes.easy_pct->value == Approx(75.0));
    CHECK(yes.mean->value == Approx(0.75));

    const auto low = compute(Metric::ces, Scale{0, 1}, true, {1, 1, 1, 0});
    CHECK(low.easy_pct->value == Approx(25.0));

    const auto csat = compute(Metric::csat, Scale{0, 1}, false, {1, 0, 0, 0});
    CHECK(csat.satisfied_pct->value == Approx(25.0));
}

TEST_CASE("metrics: scores outside the scale are ignored") {
    const auto r = compute(Metric::csat, Scale{1, 5}, false, {0, 6, -1, 5, 4, 100});
    CHECK(r.n == 2);
    CHECK(r.satisfied_pct->value == Approx(100.0));
    CHECK(r.mean->value == Approx(4.5));

    const auto nps = compute(Metric::nps, Scale{0, 10}, false, {11, -1, 10});
    CHECK(nps.n == 1);
    CHECK(nps.nps->value == Approx(100.0));
}

TEST_CASE("metrics: no answers yields no figures") {
    for (Metric m : {Metric::nps, Metric::enps, Metric::csat, Metric::ces}) {
        CAPTURE(to_string(m));
        const auto r = compute(m, Scale{1, 5}, false, std::vector<int>{});
        CHECK(r.metric == m);
        CHECK(r.n == 0);
        CHECK_FALSE(r.nps.has_value());
        CHECK_FALSE(r.satisfied_pct.has_value());
        CHECK_FALSE(r.easy_pct.has_value());
        CHECK_FALSE(r.mean.has_value());
        CHECK(r.promoters_pct == 0);
        CHECK(r.passives_pct == 0);
        CHECK(r.detractors_pct == 0);
    }
    // Only out-of-scale answers is the same as none.
    CHECK_FALSE(compute(Metric::csat, Scale{1, 5}, false, {0, 9}).satisfied_pct.has_value());
}

TEST_CASE("metrics: a single answer has figures but no margins") {
    const auto nps = compute(Metric::nps, Scale{0, 10}, false, {3});
    CHECK(nps.n == 1);
    REQUIRE(nps.nps.has_value());
    CHECK(nps.nps->value == Approx(-100.0));
    CHECK_FALSE(nps.nps->margin.has_value());

    const auto csat = compute(Metric::csat, Scale{1, 5}, false, {4});
    REQUIRE(csat.satisfied_pct.has_value());
    CHECK(csat.satisfied_pct->value == Approx(100.0));
    CHECK_FALSE(csat.satisfied_pct->margin.has_value());
    REQUIRE(csat.mean.has_value());
    CHECK(csat.mean->value == Approx(4.0));
    CHECK_FALSE(csat.mean->margin.has_value());

    const auto ces = compute(Metric::ces, Scale{1, 5}, true, {5});
    CHECK(ces.easy_pct->value == Approx(0.0));
    CHECK_FALSE(ces.easy_pct->margin.has_value());
    CHECK_FALSE(ces.mean->margin.has_value());
}

TEST_CASE("metrics: margin helpers") {
    CHECK_FALSE(proportion_margin(0.5, 0).has_value());
    CHECK_FALSE(proportion_margin(0.5, 1).has_value());
    // 196 * sqrt(0.25 / 100) = 9.8 points.
    CHECK(*proportion_margin(0.5, 100) == Approx(9.8));
    CHECK(*proportion_margin(0.0, 10) == Approx(0.0));
    CHECK(*proportion_margin(1.0, 10) == Approx(0.0));
    CHECK_FALSE(proportion_margin(-0.1, 10).has_value());
    CHECK_FALSE(proportion_margin(1.1, 10).has_value());

    CHECK_FALSE(mean_margin({}).has_value());
    CHECK_FALSE(mean_margin({4}).has_value());
    CHECK(*mean_margin({3, 3, 3}) == Approx(0.0));
    // s = sqrt(2), margin 1.96 * sqrt(2) / sqrt(2) = 1.96.
    CHECK(*mean_margin({1, 3}) == Approx(1.96));
}
