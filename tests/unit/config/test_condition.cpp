#include <doctest/doctest.h>

#include <random>
#include <string>
#include <vector>

#include "cxgate/config/condition.hpp"

using cxgate::config::Condition;
using cxgate::config::ConditionError;
using nlohmann::json;

namespace {

// The document the engine builds for an event, with awkward values on purpose: a null, a
// number written as text, an integer too precise for a double, a hyphenated key.
const json& doc() {
    static const json d = json::parse(R"({
        "contact": {"segment": "premium", "locale": "fi", "email": "a@b.fi", "phone": null,
                    "tags": ["vip", "new"], "big": 9007199254740993, "negative": -3},
        "staff": {"email": "s@bank.fi", "name": "Anna"},
        "event": {"type": "meeting.completed", "id": "e-1",
                  "occurred_at": "2026-11-16T10:00:00+02:00"},
        "attributes": {"amount": 150000, "amount_text": "150000", "channel": "branch",
                       "rate": 3.5, "first_time": true, "order-id": "X-1",
                       "quote": "say \"hi\"", "empty": "",
                       "nested": {"list": [{"k": 1}]}}
    })");
    return d;
}

Condition parsed(const std::string& source) {
    auto result = Condition::parse(source);
    if (const auto* error = std::get_if<ConditionError>(&result)) {
        INFO("source: " << source);
        INFO("error at " << error->offset << ": " << error->message);
        REQUIRE(false);
    }
    return std::get<Condition>(result);
}

ConditionError failed(const std::string& source) {
    auto result = Condition::parse(source);
    INFO("source: " << source);
    REQUIRE(std::holds_alternative<ConditionError>(result));
    return std::get<ConditionError>(result);
}

struct Case {
    const char* source;
    bool expected;
};

void check_cases(const std::vector<Case>& cases) {
    for (const auto& c : cases) {
        CAPTURE(c.source);
        CHECK(parsed(c.source).evaluate(doc()) == c.expected);
    }
}

}  // namespace

TEST_CASE("condition: comparisons of strings and numbers") {
    check_cases({
        {R"(contact.segment == "premium")", true},
        {R"(contact.segment == "gold")", false},
        {R"(contact.segment != "gold")", true},
        {R"(contact.segment != "premium")", false},
        {"attributes.amount >= 100000", true},
        {"attributes.amount >= 150000", true},
        {"attributes.amount > 150000", false},
        {"attributes.amount < 150001", true},
        {"attributes.amount <= 149999", false},
        {"attributes.amount == 150000.0", true},  // numeric, not textual
        {"attributes.amount <= 150000.0", true},
        {"attributes.rate == 3.5", true},
        {"attributes.rate < 3.6", true},
        {"attributes.rate > -1", true},
        {"-0.5 < attributes.rate", true},  // a literal may come first
        {"contact.negative < -2", true},
        {"contact.negative >= -3", true},
        {"contact.big == 9007199254740993", true},  // integers compare exactly
        {"contact.big == 9007199254740992", false},
        {"contact.big > 9007199254740992", true},
        {R"(event.type == "meeting.completed")", true},
        {R"(event.id == "e-1")", true},
        {R"(event.occurred_at >= "2026-01-01")", true},  // ISO dates order as text
        {R"(event.occurred_at < "2026-11-16")", false},
        {R"(attributes.quote == "say \"hi\"")", true},
        {R"(attributes.empty == "")", true},
        {R"(attributes.order-id == "X-1")", true},
        {"attributes.first_time == true", true},
        {"attributes.first_time != false", true},
        {"contact.phone == null", true},  // present but null
        {"1 == 1.0", true},
        {"null == null", true},
        {R"(staff.email == contact.email)", false},  // two paths
        {R"(contact.tags[0] == "vip")", true},
        {R"(contact.tags[1] == "new")", true},
        {"attributes.nested.list[0].k == 1", true},
    });
}

TEST_CASE("condition: in, not in, and the example from the flows issue") {
    check_cases({
        {R"(contact.segment in ["premium", "gold"])", true},
        {R"(contact.segment in ["premium","gold"] and not (attributes.channel == "web"))", true},
        {R"(contact.segment in ["gold", "silver"])", false},
        {R"(contact.segment not in ["gold", "silver"])", true},
        {R"(contact.segment not in ["premium"])", false},
        {"attributes.amount in [1, 150000]", true},
        {"attributes.amount in [150000.0]", true},
        {R"(attributes.amount in ["150000"])", false},
        {"attributes.first_time in [true, null]", true},
        {"contact.phone in [null]", true},
    });
}

TEST_CASE("condition: exists is a prefix, with or without parentheses") {
    check_cases({
        {"exists staff.email", true},
        {"exists(staff.email)", true},
        {"exists ( staff.email )", true},
        {"exists staff.phone", false},
        {"exists contact.phone", false},    // null counts as absent
        {"exists attributes.empty", true},  // an empty string is a value
        {"exists contact.tags[1]", true},
        {"exists contact.tags[2]", false},
        {"not exists staff.phone", true},
        {"exists staff", true},
        {R"(exists staff.email and staff.email != "")", true},
    });
}

TEST_CASE("condition: a missing path fails every comparison except != and not in") {
    check_cases({
        {R"(attributes.missing == "x")", false},
        {R"(attributes.missing != "x")", true},
        {"attributes.missing < 5", false},
        {"attributes.missing <= 5", false},
        {"attributes.missing > 5", false},
        {"attributes.missing >= 5", false},
        {"attributes.missing == null", false},
        {"attributes.missing != null", true},
        {R"(attributes.missing in ["x"])", false},
        {R"(attributes.missing not in ["x"])", true},
        {R"(5 == attributes.missing)", false},
        {R"(staff.missing.deeper == "x")", false},
        {R"(contact.tags[9] == "vip")", false},
        {R"(contact.segment[0] == "p")", false},  // indexing a string
        {R"(contact.segment.x == "p")", false},   // a key of a string
        {R"(contact.tags.x == "p")", false},      // a key of an array
    });
    // The engine may hand over a document without some roots, or no object at all.
    for (const json& other : {json::object(), json(nullptr), json::array({1, 2}), json("text")}) {
        CAPTURE(other.dump());
        CHECK_FALSE(parsed(R"(contact.segment == "premium")").evaluate(other));
        CHECK(parsed(R"(contact.segment != "premium")").evaluate(other));
        CHECK_FALSE(parsed("exists event.type").evaluate(other));
    }
}

TEST_CASE("condition: a type mismatch is false, never an error") {
    check_cases({
        {R"(attributes.amount == "150000")", false},
        {R"(attributes.amount != "150000")", true},  // different types are never equal
        {"attributes.amount_text >= 100000", false},
        {"attributes.amount_text < 100000", false},
        {"contact.segment > 5", false},
        {R"(attributes.amount < "z")", false},
        {"attributes.first_time == 1", false},
        {"attributes.first_time > false", false},  // booleans do not order
        {"attributes.first_time <= true", false},
        {"contact.phone < 1", false},
        {"contact.tags == 1", false},
        {R"(contact.tags > "a")", false},
        {"attributes.nested >= 0", false},
        {R"(contact.tags in ["vip"])", false},
        {"null < 1", false},
    });
}

TEST_CASE("condition: precedence is not, then and, then or; parentheses override") {
    check_cases({
        {"true or true and false", true},   // true or (true and false)
        {"false and false or true", true},  // (false and false) or true
        {"true or false and false", true},  // true or (false and false)
        {"(true or true) and false", false},
        {"not false and false", false},  // (not false) and false
        {"not (false and false)", true},
        {"not true or true", true},  // (not true) or true
        {"not (true or true)", false},
        {"not not true", true},
        {R"(not contact.segment == "gold")", true},  // a comparison binds tighter than not
        {"false or false or true", true},
        {"true and true and false", false},
        {"((true))", true},
    });
}

TEST_CASE("condition: whitespace, newlines and keywords inside paths") {
    check_cases({
        {"contact.segment==\"premium\"and attributes.amount>0", true},
        {"contact.segment == \"premium\"\n  and\tattributes.amount > 0\n", true},
        {"attributes.in == 1", false},  // keywords after a dot are plain names
        {"attributes.not != 1", true},
    });
}

TEST_CASE("condition: source and paths are kept for cxgate check") {
    const std::string source =
        R"(contact.segment in ["a"] and attributes.amount > 1 or contact.segment == "b" )"
        R"(or exists contact.tags[0] or attributes.nested.list[0].k == event.id)";
    auto c = parsed(source);
    CHECK(c.source() == source);
    CHECK(c.paths() == std::vector<std::string>{"contact.segment", "attributes.amount",
                                                "contact.tags[0]", "attributes.nested.list[0].k",
                                                "event.id"});
    CHECK(parsed("true").paths().empty());

    Condition copy = c;  // configuration is copied on reload
    CHECK(copy.source() == source);
    CHECK(copy.evaluate(doc()));
}

TEST_CASE("condition: invalid sources report the offset and what was expected") {
    struct Bad {
        std::string source;
        int offset;
        std::string message;
    };
    const std::vector<Bad> cases = {
        {"", 0, "empty condition"},
        {"   ", 3, "empty condition"},
        {"contact.segment ==", 18, R"(expected a value after "==", got end of input)"},
        {"contact.segment == and", 19, R"(expected a value after "==", got "and")"},
        {"attributes.amount >= )", 21, R"~(expected a value after ">=", got ")")~"},
        {"foo.bar == 1", 0, R"(unknown root "foo" (use contact, staff, event or attributes))"},
        {R"(segment == "premium")", 0,
         R"(unknown root "segment" (use contact, staff, event or attributes))"},
        {R"(contact.a == 1 and exists foo.x)", 26,
         R"(unknown root "foo" (use contact, staff, event or attributes))"},
        {"contact.segment == premium", 19,
         R"(unknown root "premium" (use contact, staff, event or attributes, or put text in double quotes: "premium"))"},
        {R"(contact.segment == "premium)", 19, R"(unterminated string: missing closing ")"},
        {R"(contact.segment == "premium\)", 19, R"(unterminated string: missing closing ")"},
        {R"(contact.a == "\q")", 14, R"(unknown escape "\q" in string (use \", \\, \n or \t))"},
        {"contact.a == 'x'", 13, R"(strings use double quotes: "like this")"},
        {R"((contact.segment == "a")", 0, R"(unbalanced parentheses: "(" is never closed)"},
        {R"(((contact.a == 1) and (contact.b == 2))", 0,
         R"(unbalanced parentheses: "(" is never closed)"},
        {R"~(contact.segment == "a"))~", 22,
         R"~(unbalanced parentheses: ")" has no matching "(")~"},
        {"()", 1, "empty parentheses"},
        {"(contact.a == 1 contact.b", 16,
         R"~(expected "and", "or" or ")" after "1", got "contact.b")~"},
        {"contact.segment", 15,
         R"(expected a comparison (==, !=, <, <=, >, >=, in) after "contact.segment", got end of input)"},
        {"contact.segment and true", 16,
         R"(expected a comparison (==, !=, <, <=, >, >=, in) after "contact.segment", got "and")"},
        {R"(contact.segment = "a")", 16, R"(use "==" to compare, not "=")"},
        {"! contact.a == 1", 0, R"(use "not" instead of "!")"},
        {"contact.a == 1 && contact.b == 2", 15, R"(use "and" instead of "&&")"},
        {"contact.a == 1 || contact.b == 2", 15, R"(use "or" instead of "||")"},
        {"contact.a == 1 AND contact.b == 2", 15, R"(keywords are lower case: write "and")"},
        {"contact.a == TRUE", 13, R"(keywords are lower case: write "true")"},
        {"contact.a == 1 contact.b == 2", 15,
         R"(expected "and", "or" or end of input after "1", got "contact.b")"},
        {"contact.a == 1 == 2", 15, R"(expected "and", "or" or end of input after "1", got "==")"},
        {"contact.a == 1 and", 18, R"(expected a condition after "and", got end of input)"},
        {"contact.a == 1 or or", 18, R"(expected a condition after "or", got "or")"},
        {"not", 3, R"(expected a condition after "not", got end of input)"},
        {"== 1", 0, R"(expected a condition, got "==")"},
        {"]", 0, R"(expected a condition, got "]")"},
        {R"(contact.segment in "premium")", 19,
         R"(expected a list like ["a", "b"] after "in", got "premium")"},
        {"contact.segment in []", 20, R"(the list after "in" is empty)"},
        {R"(contact.segment in ["a", ])", 25, R"(expected a value after ",", got "]")"},
        {R"(contact.segment in ["a" "b"])", 24,
         R"(expected "," or "]" after "a" in the list, got "b")"},
        {R"(contact.segment in ["a")", 23,
         R"(expected "," or "]" after "a" in the list, got end of input)"},
        {"contact.segment in [contact.x]", 20,
         R"(a list holds only strings, numbers, true, false or null, got "contact.x")"},
        {R"(contact.segment not "a")", 20, R"(expected "in" after "not", got "a")"},
        {"staff.email exists", 12, R"("exists" goes before the path: write "exists staff.email")"},
        {"exists", 6, R"(expected a path after "exists", got end of input)"},
        {R"(exists "a")", 7, R"(expected a path after "exists", got "a")"},
        {R"(exists("a"))", 7, R"(expected a path after "exists(", got "a")"},
        {"exists(staff.email", 18,
         R"~(expected ")" after the path in "exists(...)", got end of input)~"},
        {"attributes.amount >= 1e5", 21,
         R"(invalid number "1e5" (write numbers like 42, -7 or 3.5))"},
        {"attributes.amount >= 1.2.3", 21,
         R"(invalid number "1.2.3" (write numbers like 42, -7 or 3.5))"},
        {"attributes.amount >= 5.", 23, "expected a digit after the decimal point"},
        {"attributes.amount >= -x", 22, R"(expected a digit after "-")"},
        {"attributes.amount >= 99999999999999999999", 21,
         R"(number "99999999999999999999" is out of range)"},
        {"contact. == 1", 8, R"(expected a name after "." in a path)"},
        {"contact.tags[x] == 1", 13, R"(expected an index (0, 1, 2, ...) after "[" in a path)"},
        {"contact.tags[0 == 1", 14, R"(expected "]" after the index in a path)"},
        {"contact.a == 1 # note", 15, R"(unexpected character "#")"},
        {"contact.a == \xc3\xbc", 13, "unexpected character \"\xc3\xbc\""},  // whole UTF-8 ü
        // The first problem in source order wins over later ones.
        {R"(foo.x == 1 and contact.a == "open)", 0,
         R"(unknown root "foo" (use contact, staff, event or attributes))"},
    };
    for (const auto& c : cases) {
        CAPTURE(c.source);
        const auto error = failed(c.source);
        CHECK(error.message == c.message);
        CHECK(error.offset == c.offset);
    }
}

TEST_CASE("condition: nesting is bounded instead of overflowing the stack") {
    auto parens = failed(std::string(1000, '(') + "true" + std::string(1000, ')'));
    CHECK(parens.offset == 64);
    CHECK(parens.message == "condition is nested too deeply (more than 64 levels)");

    std::string nots;
    for (int i = 0; i < 1000; ++i) nots += "not ";
    auto negations = failed(nots + "true");
    CHECK(negations.offset == 64 * 4);

    CHECK(parsed(std::string(64, '(') + "true" + std::string(64, ')')).evaluate(doc()));
}

TEST_CASE("condition: damaged sources never crash and errors point inside the source") {
    const std::string valid =
        R"((contact.segment in ["premium", "gold"] and not exists staff.phone) or )"
        R"(attributes.amount >= -12.5 and contact.tags[0] != "x\"y" or event.type == null)";
    REQUIRE(parsed(valid).evaluate(doc()));
    // Every prefix either parses or fails at an offset within it.
    for (std::size_t n = 0; n <= valid.size(); ++n) {
        const std::string prefix = valid.substr(0, n);
        CAPTURE(prefix);
        auto result = Condition::parse(prefix);
        if (const auto* error = std::get_if<ConditionError>(&result)) {
            CHECK(error->offset >= 0);
            CHECK(error->offset <= static_cast<int>(prefix.size()));
            CHECK_FALSE(error->message.empty());
        } else {
            (void)std::get<Condition>(result).evaluate(doc());
        }
    }
    // Random single-byte damage, with a fixed seed so a failure reproduces.
    std::mt19937 rng(20260101);
    const std::string alphabet = "()[],.\"\\=!<>-0123456789 andortuxe\xc3\xbc";
    for (int i = 0; i < 3000; ++i) {
        std::string damaged = valid;
        const int edits = 1 + static_cast<int>(rng() % 3);
        for (int e = 0; e < edits; ++e) {
            const std::size_t at = rng() % damaged.size();
            switch (rng() % 3) {
                case 0:
                    damaged[at] = alphabet[rng() % alphabet.size()];
                    break;
                case 1:
                    damaged.erase(at, 1);
                    break;
                default:
                    damaged.insert(at, 1, alphabet[rng() % alphabet.size()]);
                    break;
            }
        }
        CAPTURE(damaged);
        auto result = Condition::parse(damaged);
        if (const auto* error = std::get_if<ConditionError>(&result)) {
            CHECK(error->offset >= 0);
            CHECK(error->offset <= static_cast<int>(damaged.size()));
        } else {
            (void)std::get<Condition>(result).evaluate(doc());
        }
    }
}
