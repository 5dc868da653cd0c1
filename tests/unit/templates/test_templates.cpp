#include <doctest/doctest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "cxgate/channels/email_format.hpp"
#include "cxgate/foundation/links.hpp"
#include "cxgate/templates/check.hpp"
#include "cxgate/templates/compose.hpp"
#include "cxgate/templates/pages.hpp"

using namespace cxgate;
namespace fs = std::filesystem;

namespace {

// The bundled templates, and one SMS and one email channel.
config::Config bundled() {
    config::Config c;
    c.server.public_url = "https://cx.example.com";
    const fs::path dir = fs::path(CXGATE_SOURCE_DIR) / "templates";
    for (const auto& entry : fs::recursive_directory_iterator(dir)) {
        if (!entry.is_regular_file()) continue;
        std::ifstream in(entry.path(), std::ios::binary);
        std::stringstream text;
        text << in.rdbuf();
        c.templates[fs::relative(entry.path(), dir).generic_string()] = text.str();
    }
    config::ChannelConfig sms;
    sms.name = "sms";
    sms.type = "sandbox";
    sms.kind = config::ChannelKind::sms;
    config::ChannelConfig email;
    email.name = "email";
    email.type = "smtp";
    email.kind = config::ChannelKind::email;
    email.from = "kysely@example.com";
    c.channels["sms"] = sms;
    c.channels["email"] = email;
    return c;
}

store::SurveyRow survey(const std::string& channel) {
    store::SurveyRow s;
    s.id = 42;
    s.flow = "mortgage-funnel";
    s.step = "close";
    s.metric = "nps";
    s.scale_min = 0;
    s.scale_max = 10;
    s.locale = "fi";
    s.contact_name = "<Matti & Co>";
    s.channel = channel;
    s.address = channel == "sms" ? "+358401234567" : "matti@example.com";
    return s;
}

size_t count(const std::string& text, const std::string& what) {
    size_t n = 0;
    for (auto pos = text.find(what); pos != std::string::npos; pos = text.find(what, pos + 1)) ++n;
    return n;
}

}  // namespace

TEST_CASE("templates: SMS and the email text part are plain; the email HTML part is escaped") {
    auto c = bundled();
    auto sms = templates::compose(c, survey("sms"), "survey", 1'800'000'000);
    CHECK(sms.body.find("Hei <Matti!") != std::string::npos);  // first name, as written
    CHECK(sms.body.find("&amp;") == std::string::npos);

    auto s = survey("email");
    s.contact_name = "Matti & Co <Oy>";
    auto mail = templates::compose(c, s, "survey", 1'800'000'000);
    mail.id = 7;
    CHECK(mail.body.find("Hei Matti!") != std::string::npos);
    auto thanks = templates::compose(c, s, "thanks", 1'800'000'000);
    CHECK(thanks.body.find("&") == std::string::npos);

    auto alert_survey = s;
    alert_survey.score = 3;
    auto alert = templates::render(c, alert_survey, "alert", "en");
    CHECK(alert.body.find("Customer: Matti & Co <Oy>") != std::string::npos);
    CHECK(alert.subject.find("Matti & Co <Oy>") != std::string::npos);

    store::MessageRow m;
    m.id = 7;
    m.kind = "alert";
    m.address = "advisor@example.com";
    m.body = alert.body;
    auto formatted = channels::format_email(c, c.channels["email"], "secret", m);
    CHECK(formatted.text.find("Customer: Matti & Co <Oy>") != std::string::npos);
    CHECK(formatted.html.find("Customer: Matti &amp; Co &lt;Oy&gt;") != std::string::npos);
    CHECK(formatted.html.find("<Oy>") == std::string::npos);
}

TEST_CASE("email: a survey email carries one signed link per score, in HTML and text") {
    auto c = bundled();
    auto m = templates::compose(c, survey("email"), "survey", 1'800'000'000);
    m.id = 9;
    m.answer_links = store::MessageRow::AnswerLinks{0, 10, 1'800'000'000 + 7 * 86400};
    const std::string secret = "link-secret";
    auto e = channels::format_email(c, c.channels["email"], secret, m);
    const std::string prefix = "https://cx.example.com/r/";
    CHECK(count(e.html, "href=\"" + prefix) == 11);
    CHECK(e.text.find("Vastaa valitsemalla numero:") != std::string::npos);
    CHECK(e.html.find("<table role=\"presentation\"") != std::string::npos);
    CHECK(e.html.find("<script") == std::string::npos);
    CHECK(e.html.find("<img") == std::string::npos);
    for (int v = 0; v <= 10; ++v) {
        auto line = std::to_string(v) + ": " + prefix;
        auto at = e.text.find("\n" + line);
        REQUIRE(at != std::string::npos);
        auto end = e.text.find('\n', at + 1);
        auto url = e.text.substr(at + 1 + line.size() - prefix.size(),
                                 end - at - 1 - line.size() + prefix.size());
        CHECK(url.size() > prefix.size());
        CHECK(url.substr(url.rfind('/') + 1) == std::to_string(v));
        auto token = url.substr(prefix.size(), url.rfind('/') - prefix.size());
        auto checked = links::check_answer_token(secret, token, 1'800'000'000);
        CHECK(checked.status == links::TokenStatus::valid);
        CHECK(checked.token.survey_id == 42);
        CHECK(checked.token.expires_at == 1'800'000'000 + 7 * 86400);
    }
    // A CSAT 1-5 survey shows five buttons.
    m.answer_links = store::MessageRow::AnswerLinks{1, 5, 1'800'000'000 + 86400};
    auto csat = channels::format_email(c, c.channels["email"], secret, m);
    CHECK(count(csat.html, "href=\"" + prefix) == 5);
    // Other emails (thanks, alerts) have none.
    m.answer_links.reset();
    CHECK(count(channels::format_email(c, c.channels["email"], secret, m).html, prefix) == 0);
}

TEST_CASE("answer page: in the contact's locale with fallback, every value escaped") {
    auto c = bundled();
    c.defaults.locale = "fi";
    templates::AnswerPage p;
    p.kind = templates::AnswerPage::Kind::form;
    p.locale = "sv";
    p.metric = "nps";
    p.score = 9;
    p.first_name = "<Matti & Co>";
    p.comment = "</textarea><script>alert(1)</script>";
    p.action = "https://cx.example.com/r/abc";
    auto html = templates::render_answer_page(c, p);
    CHECK(html.find("Skicka") != std::string::npos);
    CHECK(html.find("name=\"viewport\"") != std::string::npos);
    CHECK(html.find("Tack, &lt;Matti &amp; Co&gt;!") != std::string::npos);
    CHECK(html.find("<script>") == std::string::npos);
    CHECK(html.find("&lt;/textarea&gt;&lt;script&gt;") != std::string::npos);
    CHECK(html.find("value=\"9\" checked") != std::string::npos);
    CHECK(count(html, "type=\"radio\"") == 11);
    CHECK(count(html, " checked") == 1);

    p.locale = "de";  // not provided: the default locale
    CHECK(templates::render_answer_page(c, p).find("Lähetä") != std::string::npos);
    p.locale = "en";
    p.kind = templates::AnswerPage::Kind::expired;
    auto expired = templates::render_answer_page(c, p);
    CHECK(expired.find("This survey has closed") != std::string::npos);
    CHECK(expired.find("<form") == std::string::npos);
}

TEST_CASE("check: a variable no message can fill is named with file, line and column") {
    auto c = bundled();
    auto found = templates::check_template(c, "en/nps.txt",
                                           "Hi {{contact.first_name}}!\nHi {{contact.nmae}}!",
                                           "templates/en/nps.txt");
    REQUIRE(found.size() == 1);
    CHECK(found[0].to_string() ==
          "templates/en/nps.txt:2:4: error: unknown variable \"contact.nmae\"");

    // Sections: names inside resolve against the section's context, then outward.
    CHECK(templates::check_template(
              c, "en/csat.txt",
              "{{#staff.name}}({{staff.name}} {{flow}}){{/staff.name}}{{^comment}}-{{/comment}}",
              "t")
              .empty());
    CHECK(templates::check_template(
              c, "en/answer.html",
              "{{#form}}{{#scores}}{{value}}{{#checked}}x{{/checked}}{{/scores}}{{/form}}", "t")
              .empty());
    // An unknown section is one error, not one per name inside it.
    auto section =
        templates::check_template(c, "en/why.txt", "{{#stafff}}{{name}}{{/stafff}}", "t");
    REQUIRE(section.size() == 1);
    CHECK(section[0].message == "unknown variable \"stafff\"");
    // optout and help are sent outside any survey: no contact there.
    CHECK(templates::check_template(c, "fi/optout.txt", "Hei {{contact.name}}", "t").size() == 1);
    CHECK(templates::check_template(c, "fi/optout.txt", "{{public_url}}", "t").empty());
    // Unbalanced sections.
    CHECK(templates::check_template(c, "en/nps.txt", "{{#score}}x", "t").size() == 1);
    CHECK(templates::check_template(c, "en/nps.txt", "x{{/score}}", "t").size() == 1);
    // Triple mustaches and & are variables too.
    CHECK(templates::check_template(c, "en/nps.txt", "{{{contact.nmae}}} {{& flw}}", "t").size() ==
          2);
}

TEST_CASE("check: every bundled template renders with sample data and uses known variables") {
    auto c = bundled();
    auto found = templates::check_templates(c, "templates");
    for (const auto& d : found) MESSAGE(d.to_string());
    CHECK(found.empty());
    CHECK(c.templates.count("fi/answer.html"));
    CHECK(c.templates.count("sv/answer.html"));
    CHECK(c.templates.count("en/answer.html"));
}

TEST_CASE("templates: a step's own question, the metric's as the fallback per locale") {
    auto c = bundled();
    c.defaults.locale = "fi";
    auto s = survey("sms");
    s.step = "follow-up-call";
    s.metric = "csat";
    s.scale_min = 1;
    s.scale_max = 5;
    s.contact_name = "Maija Virtanen";
    s.staff_name = "Anna Laine";
    s.template_name = "call-csat";
    auto call = templates::render(c, s, "survey", "fi").body;
    CHECK(call.find("Oliko puhelusta sinulle hyötyä?") != std::string::npos);
    CHECK(call.find("tapaami") == std::string::npos);  // not the meeting's question
    s.template_name = "meeting-csat";
    CHECK(templates::render(c, s, "survey", "sv").body.find("mötet") != std::string::npos);
    // A locale without the step's file falls back to that locale's metric template.
    c.templates.erase("sv/call-csat.txt");
    s.template_name = "call-csat";
    CHECK(templates::render(c, s, "survey", "sv")
              .body.rfind("Hej Maija! Hur nöjd var du med vår service?", 0) == 0);
    // The email subject of a named step, else the generic one.
    s.template_name = "close-nps";
    s.metric = "nps";
    CHECK(templates::render(c, s, "survey", "en").subject ==
          "Thank you for your business – how did we do?");
    s.template_name = "call-csat";
    s.metric = "csat";
    CHECK(templates::render(c, s, "survey", "en").subject ==
          "A short survey: tell us about your experience");
}

TEST_CASE("templates: every greeting reads naturally with and without a name, in every locale") {
    auto c = bundled();
    for (const char* locale : {"fi", "sv", "en"}) {
        for (const char* metric : {"ces", "csat", "nps", "enps"}) {
            for (const char* name_template :
                 {"", "booking-ces", "meeting-csat", "call-csat", "close-nps"}) {
                for (const std::string name : {"", "Maija Virtanen"}) {
                    auto s = survey("sms");
                    s.metric = metric;
                    s.template_name = name_template;
                    s.contact_name = name;
                    s.staff_name = name.empty() ? "" : "Anna Laine";
                    const auto body = templates::render(c, s, "survey", locale).body;
                    CAPTURE(locale);
                    CAPTURE(metric);
                    CAPTURE(name_template);
                    CAPTURE(body);
                    CHECK(body.find(" !") == std::string::npos);
                    CHECK(body.find("  ") == std::string::npos);
                    CHECK(body.find("()") == std::string::npos);
                    if (name.empty())
                        CHECK((body.rfind("Hei! ", 0) == 0 || body.rfind("Hej! ", 0) == 0 ||
                               body.rfind("Hi! ", 0) == 0));
                    else
                        CHECK(body.find("Maija!") != std::string::npos);
                }
            }
        }
        auto s = survey("sms");
        s.contact_name = "";
        CHECK(templates::render(c, s, "thanks", locale).body.find(" !") == std::string::npos);
    }
}

TEST_CASE("templates: a yes/no question is worded as one and its buttons are words") {
    auto c = bundled();
    auto s = survey("sms");
    s.metric = "ces";
    s.scale_min = 0;
    s.scale_max = 1;
    s.contact_name = "Maija";
    CHECK(templates::render(c, s, "survey", "fi").body ==
          "Hei Maija! Teimmekö asioinnista helppoa? Vastaa KYLLÄ tai EI.");
    CHECK(templates::render(c, s, "retry", "sv").body ==
          "Vi förstod inte svaret. Svara gärna JA eller NEJ.");
    CHECK(templates::render(c, s, "reminder", "en").body.find("Reply YES or NO.") !=
          std::string::npos);
    CHECK(templates::render(c, s, "why", "en").body ==
          "Thank you! Could you tell us briefly why you answered so?");
    // The email's buttons: yes first, then no, as words in the contact's language.
    auto m = templates::compose(c, survey("email"), "survey", 1'800'000'000);
    m.id = 9;
    m.locale = "fi";
    m.answer_links = store::MessageRow::AnswerLinks{0, 1, 1'800'000'000 + 86400};
    auto e = channels::format_email(c, c.channels["email"], "secret", m);
    const auto yes = e.text.find("\nKyllä: https://cx.example.com/r/");
    const auto no = e.text.find("\nEi: https://cx.example.com/r/");
    REQUIRE(yes != std::string::npos);
    REQUIRE(no != std::string::npos);
    CHECK(yes < no);
    CHECK(e.text.substr(yes, e.text.find('\n', yes + 1) - yes).ends_with("/1"));
    CHECK(e.html.find(">Kyllä</a>") != std::string::npos);
    CHECK(e.html.find(">Ei</a>") != std::string::npos);
}

TEST_CASE("templates: a long name cannot make a long message") {
    auto c = bundled();
    auto s = survey("sms");
    s.contact_name = std::string(30000, 'A');
    s.staff_name = std::string(30000, 'B');
    s.template_name = "meeting-csat";
    s.metric = "csat";
    s.scale_min = 1;
    s.scale_max = 5;
    auto m = templates::compose(c, s, "survey", 1'800'000'000);
    CHECK(m.body.size() < 400);
    CHECK(m.segments <= 3);
}

TEST_CASE("templates: several questions: each asked with its own words and scale") {
    auto c = bundled();
    auto s = survey("sms");
    s.metric = "ces";
    s.scale_min = 1;
    s.scale_max = 5;
    s.low_is_good = true;
    s.template_name = "booking-ces";
    s.contact_name = "Maija";
    s.questions = {{"effort", "ces", 1, 5, true, "booking-ces"},
                   {"easy", "ces", 0, 1, false, "booking-easy"}};
    CHECK(templates::render(c, s, "survey", "fi").body.find("Vastaa 1-5") != std::string::npos);
    s.question = 1;
    CHECK(templates::render(c, s, "question", "fi").body ==
          "Teimmekö ajan varaamisesta helppoa? Vastaa KYLLÄ tai EI.");
    CHECK(templates::render(c, s, "retry", "fi").body ==
          "Emme saaneet vastauksesta selvää. Vastaathan KYLLÄ tai EI.");
}
