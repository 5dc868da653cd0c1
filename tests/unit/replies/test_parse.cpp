#include <doctest/doctest.h>

#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <vector>

#include "cxgate/replies/parse.hpp"

using namespace cxgate::replies;
using cxgate::metrics::Scale;
using doctest::Approx;

namespace {

struct CorpusRow {
    int line = 0;
    Scale scale;
    std::string text;
    std::string intent;
    std::optional<int> score;
    std::string comment;
};

std::vector<std::string> split_tabs(const std::string& line) {
    std::vector<std::string> fields;
    std::string field;
    std::istringstream in(line);
    while (std::getline(in, field, '\t')) fields.push_back(field);
    if (!line.empty() && line.back() == '\t') fields.emplace_back();
    return fields;
}

// The corpus keeps each reply on one line, so newlines and tabs inside it are escaped.
std::string unescape(const std::string& s) {
    std::string out;
    for (std::size_t i = 0; i < s.size(); ++i) {
        if (s[i] == '\\' && i + 1 < s.size()) {
            const char n = s[++i];
            out += n == 'n' ? '\n' : n == 'r' ? '\r' : n == 't' ? '\t' : n;
        } else {
            out += s[i];
        }
    }
    return out;
}

std::optional<Scale> parse_scale(const std::string& s) {
    const auto dash = s.find('-');
    if (dash == std::string::npos) return std::nullopt;
    return Scale{std::stoi(s.substr(0, dash)), std::stoi(s.substr(dash + 1))};
}

std::vector<CorpusRow> load_corpus() {
    std::ifstream in(CXGATE_SOURCE_DIR "/tests/unit/replies/reply_corpus.tsv");
    REQUIRE_MESSAGE(in.good(), "cannot open reply_corpus.tsv");
    std::vector<CorpusRow> rows;
    std::string line;
    bool header_seen = false;
    int number = 0;
    while (std::getline(in, line)) {
        ++number;
        if (!line.empty() && line.back() == '\r') line.pop_back();
        if (line.empty() || line.front() == '#') continue;
        if (!header_seen) {
            header_seen = true;
            continue;
        }
        const auto fields = split_tabs(line);
        INFO("reply_corpus.tsv line ", number);
        REQUIRE(fields.size() == 5);
        const auto scale = parse_scale(fields[0]);
        REQUIRE(scale.has_value());
        CorpusRow row;
        row.line = number;
        row.scale = *scale;
        row.text = unescape(fields[1]);
        row.intent = fields[2];
        if (fields[3] != "-") row.score = std::stoi(fields[3]);
        if (fields[4] != "-") row.comment = unescape(fields[4]);
        rows.push_back(row);
    }
    return rows;
}

}  // namespace

TEST_CASE("replies: corpus of real-world replies") {
    const auto rows = load_corpus();
    CHECK(rows.size() >= 150);
    int failed = 0;
    for (const auto& row : rows) {
        const ParsedReply got = parse_reply(row.text, row.scale);
        const bool ok = to_string(got.intent) == row.intent && got.score == row.score &&
                        got.comment == row.comment;
        if (!ok) {
            ++failed;
            FAIL_CHECK("reply_corpus.tsv line "
                       << row.line << ": \"" << row.text << "\" on " << row.scale.min << "-"
                       << row.scale.max << " gave " << to_string(got.intent) << " "
                       << (got.score ? std::to_string(*got.score) : "-") << " comment \""
                       << got.comment << "\" (" << got.why << "), expected " << row.intent << " "
                       << (row.score ? std::to_string(*row.score) : "-") << " comment \""
                       << row.comment << "\"");
        }
    }
    const auto passed = rows.size() - static_cast<std::size_t>(failed);
    MESSAGE(passed << " of " << rows.size() << " corpus rows pass");
}

TEST_CASE("replies: corpus keywords agree with keyword_intent") {
    // A keyword has to win before any survey is looked up, so the two entry points must agree.
    for (const auto& row : load_corpus()) {
        const auto keyword = keyword_intent(row.text);
        INFO("reply_corpus.tsv line ", row.line);
        if (row.intent == "opt_out" || row.intent == "opt_in" || row.intent == "help") {
            REQUIRE(keyword.has_value());
            CHECK(to_string(*keyword) == row.intent);
        } else {
            CHECK_FALSE(keyword.has_value());
        }
    }
}

TEST_CASE("replies: to_string names every intent") {
    CHECK(to_string(Intent::score) == "score");
    CHECK(to_string(Intent::opt_out) == "opt_out");
    CHECK(to_string(Intent::opt_in) == "opt_in");
    CHECK(to_string(Intent::help) == "help");
    CHECK(to_string(Intent::unclear) == "unclear");
}

TEST_CASE("replies: confidence follows how the score was written") {
    const Scale nps{0, 10};
    CHECK(parse_reply("9", nps).confidence == Approx(1.0));
    CHECK(parse_reply("kymppi", nps).confidence == Approx(1.0));
    CHECK(parse_reply("9, nopea palvelu", nps).confidence == Approx(0.8));
    CHECK(parse_reply("hyvä palvelu 9", nps).confidence == Approx(0.8));
    CHECK(parse_reply("Nopea ja asiallinen, yhdeksän", nps).confidence == Approx(0.6));
    CHECK(parse_reply("STOP", nps).confidence == Approx(1.0));
    CHECK(parse_reply("7 or 8", nps).confidence == Approx(0.0));
}

TEST_CASE("replies: unclear replies keep the text and say why") {
    const Scale csat{1, 5};
    auto r = parse_reply("  7 or 8 \n", Scale{0, 10});
    CHECK(r.intent == Intent::unclear);
    CHECK_FALSE(r.score.has_value());
    CHECK(r.comment == "7 or 8");
    CHECK(r.why.find("conflicting") != std::string::npos);

    r = parse_reply("6", csat);
    CHECK(r.intent == Intent::unclear);
    CHECK(r.why.find("outside") != std::string::npos);

    r = parse_reply("ei", csat);
    CHECK(r.intent == Intent::unclear);
    CHECK(r.why == "no number");

    r = parse_reply("", csat);
    CHECK(r.intent == Intent::unclear);
    CHECK(r.comment.empty());
}

TEST_CASE("replies: keywords carry no score or comment") {
    const auto r = parse_reply("Stop please", Scale{0, 10});
    CHECK(r.intent == Intent::opt_out);
    CHECK_FALSE(r.score.has_value());
    CHECK(r.comment.empty());
    CHECK_FALSE(keyword_intent("9").has_value());
    CHECK_FALSE(keyword_intent("Ei kiitos").has_value());
    CHECK_FALSE(keyword_intent("stop the rain").has_value());
    CHECK(keyword_intent("HJÄLP") == Intent::help);
}

TEST_CASE("replies: broken UTF-8 and odd bytes do not throw") {
    const std::string inputs[] = {
        "\xC3",     "9 \xC3",   "\xFF\xFE 8",         std::string("7\0 8", 4),
        "\xF0\x9F", "\xE2\x80", std::string(500, '9')};
    for (const auto& in : inputs) {
        CHECK_NOTHROW(parse_reply(in, Scale{0, 10}));
        CHECK_NOTHROW(keyword_intent(in));
    }
    CHECK(parse_reply("9 \xC3", Scale{0, 10}).score == 9);
}
