// Compiled templates (src/templates/fields.hpp) against mstch itself: for every bundled
// template and a set of values that opens and closes every section, the compiled form
// must give exactly what mstch renders.
#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "../../../src/templates/render.hpp"

using namespace cxgate;
using namespace cxgate::templates::detail;
namespace fs = std::filesystem;

namespace {

std::map<std::string, std::string> bundled_templates() {
    std::map<std::string, std::string> out;
    const fs::path dir = fs::path(CXGATE_SOURCE_DIR) / "templates";
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file() || entry.path().extension() != ".txt") continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        out[fs::relative(entry.path(), dir).generic_string()] = text.str();
    }
    return out;
}

// Surveys that differ in every value a bundled template's sections test, each with the
// same fields set (the compiled form is chosen by which values are set and true), and the
// same again with a score and a comment.
std::vector<store::SurveyRow> surveys() {
    std::vector<store::SurveyRow> out;
    for (int answered = 0; answered < 2; ++answered) {
        for (int bits = 0; bits < 16; ++bits) {
            store::SurveyRow s;
            s.id = 40 + bits;
            s.flow = "funnel";
            s.step = "close";
            s.metric = "csat";
            s.scale_min = bits & 8 ? 0 : 1;
            s.scale_max = bits & 8 ? 1 : 5;
            s.low_is_good = (bits & 4) != 0;
            s.contact_name = bits & 1 ? "" : "Matti {{staff.name}} Meikäläinen & Co";
            s.address = "+358401234567";
            s.segment = "premium";
            s.staff_id = "s-1";
            s.staff_name = bits & 2 ? ""
                                    : "Sanna \x1e"
                                      "3\x1f Sample";
            s.staff_email = "sanna@example.com";
            if (answered) {
                s.score = 4;
                s.comment = "Quick <and> {{friendly}}";
            }
            out.push_back(s);
        }
    }
    return out;
}

}  // namespace

TEST_CASE("compiled templates render every bundled template exactly as mstch does") {
    config::Config config;
    config.server.public_url = "https://cx.example.com";
    const auto templates = bundled_templates();
    REQUIRE(templates.size() > 30);
    int compared = 0;
    for (int round = 0; round < 2; ++round) {  // the second round is filled from the cache
        for (const auto& s : surveys()) {
            auto fields = survey_fields(config, s);
            add_alert_fields(fields, {7, static_cast<int>(s.id % 2), "https://cx/a/7"});
            for (const auto& [name, source] : templates) {
                CAPTURE(name);
                CAPTURE(s.id);
                CHECK(render_fields(source, fields) == render(source, to_mstch(fields), false));
                ++compared;
            }
        }
    }
    CHECK(compared == 2 * 32 * static_cast<int>(templates.size()));
}

TEST_CASE("compiled templates: sections, inverted sections, dots and values that look like tags") {
    const std::string source =
        "{{#contact.name}}Hi {{.}}!{{/contact.name}}{{^contact.name}}Hi!{{/contact.name}}\n"
        "{{#contact}}{{first_name}} / {{segment}}{{/contact}}\n"
        "{{#score}}Score {{score}}{{#low_is_good}} (low is good){{/low_is_good}}{{/score}}"
        "{{^score}}No score{{/score}}\n"
        "  {{! a comment on its own line }}\n"
        "{{=<% %>=}}<% flow %> {{flow}}<%={{ }}=%> {{{comment}}} {{comment}}\n";
    const auto run = [&](Fields fields) {
        CHECK(render_fields(source, fields) == render(source, to_mstch(fields), false));
        return render_fields(source, fields);
    };
    const auto with = run({{"contact", "name", "{{flow}} & <b>"},
                           {"contact", "first_name", "Ann"},
                           {"contact", "segment", ""},
                           {"", "flow", "f1"},
                           {"", "score", "3"},
                           {"", "low_is_good", true},
                           {"", "comment",
                            "\x1e"
                            "0\x1f"}});
    CHECK(with.find("Hi {{flow}} & <b>!") != std::string::npos);
    CHECK(with.find("Score 3 (low is good)") != std::string::npos);
    CHECK(with.find("\x1e"
                    "0\x1f \x1e"
                    "0\x1f") != std::string::npos);
    const auto without = run({{"contact", "name", ""},
                              {"contact", "first_name", "Ann"},
                              {"contact", "segment", "x"},
                              {"", "flow", "f2"},
                              {"", "low_is_good", false}});
    CHECK(without.find("Hi!\n") == 0);
    CHECK(without.find("No score") != std::string::npos);
    CHECK(without.find("f2 {{flow}}") != std::string::npos);
}

TEST_CASE("a template that contains the markers themselves is rendered by mstch every time") {
    const std::string source =
        "odd \x1e"
        "0\x1f text {{flow}}";
    const Fields fields{{"", "flow", "f"}};
    CHECK(render_fields(source, fields) ==
          "odd \x1e"
          "0\x1f text f");
}
