#include <doctest/doctest.h>

#include "cxgate/foundation/timing.hpp"
#include "cxgate/report/targets.hpp"

using namespace cxgate;
using namespace cxgate::report;

namespace {

long long at(const char* iso) {
    return timing::parse_iso8601(iso)->time_since_epoch().count();
}

}  // namespace

TEST_CASE("targets: ISO weeks in a zone, across a year's end and a DST change") {
    const auto& helsinki = *date::locate_zone("Europe/Helsinki");
    struct Case {
        const char* instant;
        const char* label;
        const char* since;
        const char* until;
    };
    const Case cases[] = {
        // Sunday 23:30 in Helsinki is still its week.
        {"2026-12-06T23:30:00+02:00", "2026-W49", "2026-11-30T00:00:00+02:00",
         "2026-12-07T00:00:00+02:00"},
        // Monday 00:00 local starts the next week.
        {"2026-12-07T00:00:00+02:00", "2026-W50", "2026-12-07T00:00:00+02:00",
         "2026-12-14T00:00:00+02:00"},
        // 2026-12-31 is a Thursday: week 53 of 2026, which ends in January 2027.
        {"2027-01-02T12:00:00+02:00", "2026-W53", "2026-12-28T00:00:00+02:00",
         "2027-01-04T00:00:00+02:00"},
        {"2026-03-30T12:00:00+03:00", "2026-W14", "2026-03-30T00:00:00+03:00",
         "2026-04-06T00:00:00+03:00"},
        // The week of the spring DST change (Sunday 2026-03-29) is 167 hours long.
        {"2026-03-28T12:00:00+02:00", "2026-W13", "2026-03-23T00:00:00+02:00",
         "2026-03-30T00:00:00+03:00"},
    };
    for (const auto& c : cases) {
        INFO(c.instant);
        const auto week = week_containing(at(c.instant), helsinki);
        CHECK(week.label == c.label);
        CHECK(week.period.since == at(c.since));
        CHECK(week.period.until == at(c.until));
        const auto named = week_named(c.label, helsinki);
        REQUIRE(named);
        CHECK(named->period.since == week.period.since);
        CHECK(named->period.until == week.period.until);
    }
    CHECK(at("2026-03-30T00:00:00+03:00") - at("2026-03-23T00:00:00+02:00") == 167 * 3600);
    for (const char* bad : {"2026-W54", "2025-W53", "2026-W00", "2026-48", "2026-W4", "2026-W48x"})
        CHECK_MESSAGE(!week_named(bad, helsinki), bad);
}

TEST_CASE("targets: a figure reaches its target from the good side") {
    using metrics::Metric;
    CHECK(reaches(40, 40, Metric::nps, false));
    CHECK_FALSE(reaches(39.9, 40, Metric::nps, false));
    CHECK(reaches(85, 80, Metric::csat, false));
    CHECK(reaches(4.2, 4, Metric::ces, false));
    // A CES read low-is-good (1 = very easy) reaches a target of 2 from below.
    CHECK(reaches(1.8, 2, Metric::ces, true));
    CHECK_FALSE(reaches(2.3, 2, Metric::ces, true));
}
