#include <doctest/doctest.h>

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "cxgate/config/calendar.hpp"

namespace fs = std::filesystem;
using cxgate::config::CalendarFile;
using cxgate::config::Diagnostics;
using cxgate::config::load_calendar;
using namespace date::literals;

namespace {

// Easter Sunday by the anonymous Gregorian algorithm (Meeus/Jones/Butcher), written here
// from the formula and not shared with whatever produced the shipped files, so that a
// mistake in one is caught by the other.
date::sys_days easter(int y) {
    const int a = y % 19, b = y / 100, c = y % 100, d = b / 4, e = b % 4;
    const int f = (b + 8) / 25, g = (b - f + 1) / 3, h = (19 * a + b - d - g + 15) % 30;
    const int i = c / 4, k = c % 4, l = (32 + 2 * e + 2 * i - h - k) % 7;
    const int m = (a + 11 * h + 22 * l) / 451;
    const int month = (h + l - 7 * m + 114) / 31, day = (h + l - 7 * m + 114) % 31 + 1;
    return date::year{y} / month / day;
}

date::sys_days ymd(int y, unsigned m, unsigned d) {
    return date::year{y} / m / d;
}

// The first `weekday` on or after y-m-d.
date::sys_days weekday_on_or_after(int y, unsigned m, unsigned d, date::weekday weekday) {
    const date::sys_days start = ymd(y, m, d);
    return start + (weekday - date::weekday{start});
}

struct Expected {
    date::sys_days day;
    std::string name_starts;  // the local name, which leads every entry
};

std::vector<Expected> expected_fi(int y) {
    const auto e = easter(y);
    return {
        {ymd(y, 1, 1), "Uudenvuodenpäivä"},
        {ymd(y, 1, 6), "Loppiainen"},
        {e - date::days{2}, "Pitkäperjantai"},
        {e, "Pääsiäispäivä"},
        {e + date::days{1}, "2. pääsiäispäivä"},
        {ymd(y, 5, 1), "Vappu"},
        {e + date::days{39}, "Helatorstai"},
        {e + date::days{49}, "Helluntaipäivä"},
        {weekday_on_or_after(y, 6, 19, date::Friday), "Juhannusaatto"},
        {weekday_on_or_after(y, 6, 20, date::Saturday), "Juhannuspäivä"},
        {weekday_on_or_after(y, 10, 31, date::Saturday), "Pyhäinpäivä"},
        {ymd(y, 12, 6), "Itsenäisyyspäivä"},
        {ymd(y, 12, 24), "Jouluaatto"},
        {ymd(y, 12, 25), "Joulupäivä"},
        {ymd(y, 12, 26), "Tapaninpäivä"},
    };
}

std::vector<Expected> expected_se(int y) {
    const auto e = easter(y);
    return {
        {ymd(y, 1, 1), "Nyårsdagen"},
        {ymd(y, 1, 6), "Trettondedag jul"},
        {e - date::days{2}, "Långfredagen"},
        {e, "Påskdagen"},
        {e + date::days{1}, "Annandag påsk"},
        {ymd(y, 5, 1), "Första maj"},
        {e + date::days{39}, "Kristi himmelsfärdsdag"},
        {e + date::days{49}, "Pingstdagen"},
        {ymd(y, 6, 6), "Sveriges nationaldag"},
        {weekday_on_or_after(y, 6, 19, date::Friday), "Midsommarafton"},
        {weekday_on_or_after(y, 6, 20, date::Saturday), "Midsommardagen"},
        {weekday_on_or_after(y, 10, 31, date::Saturday), "Alla helgons dag"},
        {ymd(y, 12, 24), "Julafton"},
        {ymd(y, 12, 25), "Juldagen"},
        {ymd(y, 12, 26), "Annandag jul"},
        {ymd(y, 12, 31), "Nyårsafton"},
    };
}

CalendarFile shipped(const std::string& id) {
    Diagnostics diag;
    auto file = load_calendar(std::string(CXGATE_SOURCE_DIR) + "/calendars/" + id + ".yaml", diag);
    INFO(diag.to_string());
    CHECK(diag.items.empty());
    REQUIRE(file);
    return *file;
}

std::vector<date::sys_days> days_in_year(const CalendarFile& file, int y) {
    std::vector<date::sys_days> out;
    for (auto day : file.days)
        if (date::year_month_day{day}.year() == date::year{y}) out.push_back(day);
    return out;
}

std::string iso(date::sys_days day) {
    return date::format("%F", day);
}

void check_country(const CalendarFile& file, std::vector<Expected> (*expected)(int)) {
    CHECK(file.days.size() == file.names.size());
    for (auto day : file.days) {
        const auto y = static_cast<int>(date::year_month_day{day}.year());
        CAPTURE(iso(day));
        CHECK(y >= 2026);
        CHECK(y <= 2030);
    }
    for (int y = 2026; y <= 2030; ++y) {
        CAPTURE(y);
        const auto want = expected(y);
        CHECK(days_in_year(file, y).size() == want.size());
        for (const auto& e : want) {
            CAPTURE(iso(e.day));
            CAPTURE(e.name_starts);
            REQUIRE(file.names.count(e.day) == 1);
            CHECK(file.names.at(e.day).rfind(e.name_starts + " / ", 0) == 0);
        }
    }
}

// A file in the temp directory for one test, removed afterwards; the pid keeps parallel
// test runs by other people from sharing names.
struct TempFile {
    fs::path path;
    explicit TempFile(const std::string& text) {
        static int counter = 0;
        path = fs::temp_directory_path() / ("cxgate-calendar-" + std::to_string(::getpid()) + "-" +
                                            std::to_string(++counter) + ".yaml");
        std::ofstream(path, std::ios::binary) << text;
    }
    ~TempFile() {
        std::error_code ignored;
        fs::remove(path, ignored);
    }
    std::string name() const { return path.string(); }
};

const std::string kHead = "calendar: company\nname: Company days off\ndays:\n";

}  // namespace

TEST_CASE("calendar: the Easter computation in this test matches known dates") {
    CHECK(easter(2026) == 2026_y / 4 / 5);
    CHECK(easter(2027) == 2027_y / 3 / 28);
    CHECK(easter(2028) == 2028_y / 4 / 16);
    CHECK(easter(2029) == 2029_y / 4 / 1);
    CHECK(easter(2030) == 2030_y / 4 / 21);
    CHECK(easter(2019) == 2019_y / 4 / 21);
    CHECK(easter(2285) == 2285_y / 3 / 22);  // earliest possible
    CHECK(easter(2038) == 2038_y / 4 / 25);  // latest possible
    for (int y = 1900; y <= 2100; ++y) CHECK(date::weekday{easter(y)} == date::Sunday);
}

TEST_CASE(
    "calendar: the Finnish file holds every holiday of 2026-2030, Easter-derived ones included") {
    const auto fi = shipped("fi");
    CHECK(fi.id == "fi");
    CHECK(fi.name == "Finland public holidays and customary days off");
    check_country(fi, expected_fi);
    for (int y = 2026; y <= 2030; ++y) {
        CAPTURE(y);
        CHECK(days_in_year(fi, y).size() == 15);
        CHECK(fi.names.at(ymd(y, 12, 24)) == "Jouluaatto / Christmas Eve");
        CHECK(fi.days.count(ymd(y, 12, 31)) == 0);  // not a day off in Finland
        // Midsummer Eve: exactly one per year, a Friday between 19 and 25 June.
        int eves = 0;
        for (const auto& [day, name] : fi.names) {
            if (name.rfind("Juhannusaatto", 0) != 0) continue;
            const date::year_month_day d{day};
            if (d.year() != date::year{y}) continue;
            ++eves;
            CHECK(date::weekday{day} == date::Friday);
            CHECK(d.month() == date::June);
            CHECK(d.day() >= date::day{19});
            CHECK(d.day() <= date::day{25});
        }
        CHECK(eves == 1);
        CHECK(date::weekday{easter(y) + date::days{39}} == date::Thursday);  // helatorstai
    }
    CHECK(fi.names.at(2026_y / 4 / 3) == "Pitkäperjantai / Good Friday");
    CHECK(fi.names.at(2026_y / 6 / 19) == "Juhannusaatto / Midsummer Eve");
    CHECK(fi.names.at(2027_y / 11 / 6) == "Pyhäinpäivä / All Saints' Day");
    CHECK(fi.days.size() == 75);
}

TEST_CASE(
    "calendar: the Swedish file holds every holiday of 2026-2030, Easter-derived ones included") {
    const auto se = shipped("se");
    CHECK(se.id == "se");
    check_country(se, expected_se);
    for (int y = 2026; y <= 2030; ++y) {
        CAPTURE(y);
        CHECK(days_in_year(se, y).size() == 16);
        CHECK(se.names.at(ymd(y, 12, 24)) == "Julafton / Christmas Eve");
        CHECK(se.names.at(ymd(y, 12, 31)) == "Nyårsafton / New Year's Eve");
        const auto eve = weekday_on_or_after(y, 6, 19, date::Friday);
        CHECK(se.names.at(eve) == "Midsommarafton / Midsummer Eve");
        CHECK(date::weekday{eve} == date::Friday);
    }
    CHECK(se.names.at(2030_y / 5 / 30) == "Kristi himmelsfärdsdag / Ascension Day");
    CHECK(se.days.size() == 80);
}

TEST_CASE("calendar: a company file merges into a country file") {
    TempFile company(kHead +
                     "  - { date: 2026-05-15, name: \"Company day off / Yrityksen vapaapäivä\" }\n"
                     "  - { date: 2026-12-24, name: \"Office closed\" }\n"
                     "  - { date: 2026-12-25, name: \"Joulupäivä / Christmas Day\" }\n");
    Diagnostics diag;
    auto extra = load_calendar(company.name(), diag);
    INFO(diag.to_string());
    REQUIRE(extra);
    CHECK(extra->id == "company");
    CHECK(extra->days.size() == 3);

    const auto fi = shipped("fi");
    const auto merged = cxgate::config::merge(fi, *extra);
    CHECK(merged.id == "fi+company");
    CHECK(merged.name == "Finland public holidays and customary days off + Company days off");
    CHECK(merged.days.size() == fi.days.size() + 1);
    CHECK(merged.names.at(2026_y / 5 / 15) == "Company day off / Yrityksen vapaapäivä");
    CHECK(merged.names.at(2026_y / 12 / 24) == "Jouluaatto / Christmas Eve; Office closed");
    CHECK(merged.names.at(2026_y / 12 / 25) == "Joulupäivä / Christmas Day");  // same name once

    const auto calendar = cxgate::config::to_timing_calendar(merged);
    CHECK(calendar.is_day_off(2026_y / 5 / 15));  // a Friday made a day off by the company
    CHECK(calendar.is_day_off(2026_y / 6 / 19));  // Midsummer Eve
    CHECK_FALSE(calendar.is_day_off(2026_y / 5 / 13));

    TempFile empty(kHead.substr(0, kHead.size() - 1) + " []\n");
    Diagnostics none;
    auto nothing = load_calendar(empty.name(), none);
    INFO(none.to_string());
    REQUIRE(nothing);
    CHECK(cxgate::config::merge(fi, *nothing).days == fi.days);
}

TEST_CASE("calendar: errors point at the file, line and column") {
    struct Bad {
        std::string text;
        std::string where;  // ":line:column" or "" for the file as a whole
        std::string message;
    };
    const std::vector<Bad> cases = {
        {kHead + "  - { date: 2026-02-30, name: \"X\" }\n", ":4:13",
         "\"2026-02-30\" is not a date: February 2026 has 28 days"},
        {kHead + "  - { date: 2027-02-29, name: \"X\" }\n", ":4:13",
         "\"2027-02-29\" is not a date: February 2027 has 28 days"},
        {kHead + "  - { date: 2026-04-31, name: \"X\" }\n", ":4:13",
         "\"2026-04-31\" is not a date: April 2026 has 30 days"},
        {kHead + "  - { date: 2026-13-01, name: \"X\" }\n", ":4:13",
         "\"2026-13-01\" is not a date: there is no month 13"},
        {kHead + "  - { date: 2026-5-1, name: \"X\" }\n", ":4:13",
         "expected a date as YYYY-MM-DD, got \"2026-5-1\""},
        {kHead + "  - { date: 1.5.2026, name: \"X\" }\n", ":4:13",
         "expected a date as YYYY-MM-DD, got \"1.5.2026\""},
        {kHead + "  - { date: 2026-05-15, name: \"A\" }\n  - { date: 2026-05-15, name: \"B\" }\n",
         ":5:13", "2026-05-15 is listed twice (first at line 4)"},
        {kHead + "  - { date: 2026-05-15 }\n", ":4:5", "missing required key \"name\""},
        {kHead + "  - { name: \"X\" }\n", ":4:5", "missing required key \"date\""},
        {kHead + "  - { date: 2026-05-15, name: \"\" }\n", ":4:31",
         "\"name\" must be a single non-empty value"},
        {kHead + "  - { date: 2026-05-15, name: \"X\", kind: company }\n", ":4:36",
         "unknown key \"kind\" in a day"},
        {kHead + "  - { date: 2026-05-15, name: \"X\", date: 2026-05-16 }\n", ":4:36",
         "duplicate key \"date\" (first at line 4; only the first would be read)"},
        {kHead + "  - 2026-05-15\n", ":4:5",
         "each item of \"days\" must look like { date: YYYY-MM-DD, name: \"...\" }"},
        {"calendar: company\nname: Company days off\n", ":1:1", "missing required key \"days\""},
        {"calendar: company\ndays: []\n", ":1:1", "missing required key \"name\""},
        {"name: X\ndays: []\n", ":1:1", "missing required key \"calendar\""},
        {"calendar: Company Days\nname: X\ndays: []\n", ":1:11",
         "\"calendar\" must be a short lower-case id such as fi, se or company, got \"Company "
         "Days\""},
        {"calendar: company\nname: X\ndays:\n", ":3:1",
         "\"days\" must be a list of { date: YYYY-MM-DD, name: \"...\" }"},
        {"calendar: company\nname: X\ndays: 2026-01-01\n", ":3:7",
         "\"days\" must be a list of { date: YYYY-MM-DD, name: \"...\" }"},
        {"calendar: company\nname: X\ndays: [ { date: 2026-01-01\n", ":4:1",
         "end of map flow not found"},
        {"- 2026-01-01\n", ":1:1",
         "a calendar file must be a mapping with keys calendar, name and days"},
        {"# nothing yet\n", "", "calendar file is empty; it needs calendar, name and days"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.text);
        TempFile file(c.text);
        Diagnostics diag;
        CHECK_FALSE(load_calendar(file.name(), diag));
        REQUIRE(diag.items.size() == 1);
        CHECK(diag.items[0].to_string() == file.name() + c.where + ": error: " + c.message);
    }

    // A misspelt key is reported, and so is the key it should have been.
    TempFile typo("calendar: company\nname: Company days off\ndayz: []\n");
    Diagnostics diag;
    CHECK_FALSE(load_calendar(typo.name(), diag));
    CHECK(diag.to_string() ==
          typo.name() +
              ":3:1: error: unknown key \"dayz\" in a calendar file (did you mean \"days\"?)\n" +
              typo.name() + ":1:1: error: missing required key \"days\"\n");
}

TEST_CASE("calendar: every problem in a file is reported in one pass") {
    TempFile file(kHead +
                  "  - { date: 2026-02-30, name: \"A\" }\n"
                  "  - { date: 2026-05-15, name: \"B\" }\n"
                  "  - { date: 2026-05-15, name: \"C\", note: x }\n"
                  "  - { name: \"D\" }\n");
    Diagnostics diag;
    CHECK_FALSE(load_calendar(file.name(), diag));
    INFO(diag.to_string());
    REQUIRE(diag.items.size() == 4);
    CHECK(diag.items[0].line == 4);
    CHECK(diag.items[1].message == "unknown key \"note\" in a day (did you mean \"date\"?)");
    CHECK(diag.items[2].message == "2026-05-15 is listed twice (first at line 5)");
    CHECK(diag.items[3].line == 7);
}

TEST_CASE("calendar: a missing file is an error; other files' errors do not fail a good one") {
    Diagnostics diag;
    const std::string missing =
        (fs::temp_directory_path() / "cxgate-no-such-calendar.yaml").string();
    CHECK_FALSE(load_calendar(missing, diag));
    REQUIRE(diag.items.size() == 1);
    CHECK(diag.items[0].to_string() ==
          missing + ": error: cannot open calendar file: No such file or directory");

    // diag already holds an error; a valid file must still load.
    TempFile good(kHead + "  - { date: 2028-02-29, name: \"Leap day off\" }\n");
    auto file = load_calendar(good.name(), diag);
    REQUIRE(file);
    CHECK(file->days.count(2028_y / 2 / 29) == 1);
    CHECK(diag.items.size() == 1);
}
