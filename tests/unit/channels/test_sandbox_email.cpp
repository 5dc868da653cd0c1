// A sandbox email channel builds the email every email provider's channel builds
// (format_email), and the dispatcher's record of the send keeps it beside the message, so
// `cxgate outbox --html/--eml` shows the very email a customer would have got.
#include <doctest/doctest.h>

#include <openssl/evp.h>

#include <regex>
#include <set>

#include "../replies/survey_fixture.hpp"
#include "../support/config_dir.hpp"
#include "cxgate/channels/channel.hpp"
#include "cxgate/channels/delivery.hpp"
#include "cxgate/channels/mime_message.hpp"
#include "cxgate/foundation/links.hpp"

using namespace cxgate;

namespace {

constexpr store::Seconds kNow = 1'795'000'000;  // 2026-11-18
const std::string kSecret = "link-secret-for-tests";

channels::SendResult send(const std::shared_ptr<const config::Config>& config,
                          const std::string& channel, const store::MessageRow& message) {
    asio::io_context io;
    auto ch = channels::make_channel(config->channels.at(channel),
                                     channels::ChannelContext{io, nullptr, config, kSecret});
    channels::SendResult result;
    auto task = [&]() -> asio::awaitable<void> { result = co_await ch->send(message); };
    asio::co_spawn(io, task, [](std::exception_ptr e) {
        if (e) std::rethrow_exception(e);
    });
    io.run();
    return result;
}

// A survey awaiting its send by email and its message, claimed as the dispatcher claims it
// (which gives it the survey's scale and link expiry).
store::MessageRow claimed_survey_email(store::Store& db) {
    auto s = testing::sent_email_nps(store::SurveyState::sending);
    s.contact_name = "Matti";
    s.expires_at = kNow + 7 * 86400;
    s.id = db.insert_survey(s);
    store::MessageRow m;
    m.survey_id = s.id;
    m.kind = "survey";
    m.channel = "email";
    m.address = s.address;
    m.locale = "fi";
    m.subject = "Miten onnistuimme?";
    m.body = "Hei Matti, suosittelisitko meitä ystävällesi?";
    m.created_at = kNow;
    const auto id = db.insert_message(m);
    auto claimed = channels::claim_message(db, id, kNow);
    REQUIRE(claimed);
    REQUIRE(claimed->answer_links);
    return *claimed;
}

// {score: url} of the score links in a text, each on its own line as "9: https://...".
std::map<int, std::string> text_links(const std::string& text, const std::string& base) {
    std::map<int, std::string> out;
    const std::regex line("(\\d+): (" + base + "/r/[A-Za-z0-9_.-]+/(\\d+))");
    for (std::sregex_iterator it(text.begin(), text.end(), line), end; it != end; ++it)
        out[std::stoi((*it)[1])] = (*it)[2];
    return out;
}

std::string token_of(const std::string& url) {
    const auto slash = url.rfind('/');
    const auto start = url.rfind('/', slash - 1) + 1;
    return url.substr(start, slash - start);
}

std::string base64_decoded(std::string lines) {
    std::erase(lines, '\r');
    std::erase(lines, '\n');
    std::string out(lines.size(), '\0');
    const int n = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                  reinterpret_cast<const unsigned char*>(lines.data()),
                                  static_cast<int>(lines.size()));
    REQUIRE(n >= 0);
    out.resize(static_cast<size_t>(n));
    while (!lines.empty() && lines.back() == '=') {  // EVP counts padding as zero bytes
        lines.pop_back();
        out.pop_back();
    }
    return out;
}

}  // namespace

TEST_CASE("sandbox email: built as a provider's email, with score links to this daemon") {
    testing::ConfigDir dir({}, "");
    auto& db = *dir.db;
    const auto claimed = claimed_survey_email(db);
    const auto result = send(dir.config, "email", claimed);
    CHECK((result.status == channels::SendResult::Status::sent));
    CHECK(result.provider_id == "sandbox-" + std::to_string(claimed.id));
    REQUIRE(result.delivered_email);
    const auto& e = *result.delivered_email;
    const std::string base = dir.config->server.public_url;

    // The text part: the body, then one line per score, all with one signed token that
    // names the survey and its expiry.
    CHECK(e.text.rfind(claimed.body, 0) == 0);
    const auto links = text_links(e.text, base);
    REQUIRE(links.size() == 11);
    CHECK(links.begin()->first == 0);
    CHECK(links.rbegin()->first == 10);
    const auto token = token_of(links.at(9));
    for (const auto& [score, url] : links) {
        CHECK(token_of(url) == token);
        CHECK(url == base + "/r/" + token + "/" + std::to_string(score));
    }
    const auto checked = links::check_answer_token(kSecret, token, kNow);
    CHECK(checked.status == links::TokenStatus::valid);
    CHECK(checked.token.survey_id == *claimed.survey_id);
    CHECK(checked.token.expires_at == kNow + 7 * 86400);

    // The HTML part: a button per score with the same links, and the unsubscribe link.
    for (const auto& [score, url] : links)
        CHECK_MESSAGE(e.html.find("<a href=\"" + url + "\"") != std::string::npos, url);
    CHECK(e.html.find("<table role=\"presentation\"") != std::string::npos);
    CHECK(e.html.find("Hei Matti") != std::string::npos);
    CHECK(e.html.find(base + "/u/") != std::string::npos);

    // The headers a provider gets, and the sender.
    CHECK(e.from == dir.config->channels.at("email").from);
    std::set<std::string> names;
    for (const auto& h : e.headers) names.insert(h.substr(0, h.find(':')));
    CHECK(names ==
          std::set<std::string>{"Message-ID", "List-Unsubscribe", "List-Unsubscribe-Post"});
    CHECK(e.headers.front().rfind("Message-ID: <cx-" + std::to_string(claimed.id) + ".", 0) == 0);

    // Recorded with the result, it is what the store gives back later, exactly.
    channels::record_send_result(db, *dir.config, claimed, result, kNow + 1, 0.5);
    CHECK(store::to_string(db.find_message(claimed.id)->state) == "sent");
    const auto kept = db.delivered_email(claimed.id);
    REQUIRE(kept);
    CHECK(kept->from == e.from);
    CHECK(kept->from_name == e.from_name);
    CHECK(kept->headers == e.headers);
    CHECK(kept->text == e.text);
    CHECK(kept->html == e.html);
    // Building it again signs a fresh token: another message, which is why it is kept.
    const auto again = send(dir.config, "email", claimed);
    CHECK(token_of(text_links(again.delivered_email->text, base).at(9)) != token);
}

TEST_CASE("sandbox sms: the row is the delivery; no email is built") {
    testing::ConfigDir dir({}, "");
    store::MessageRow m;
    m.id = 5;
    m.kind = "survey";
    m.channel = "sms";
    m.address = "+358401234567";
    m.body = "Vastaa numerolla 1-5";
    const auto result = send(dir.config, "sms", m);
    CHECK((result.status == channels::SendResult::Status::sent));
    CHECK(result.provider_id == "sandbox-5");
    CHECK_FALSE(result.delivered_email);
}

TEST_CASE("sandbox email: erased while its send was under way, nothing of the person comes back") {
    testing::ConfigDir dir({}, "");
    auto& db = *dir.db;
    const auto claimed = claimed_survey_email(db);
    // cxgate forget runs between the claim and the result: the row in flight is wiped.
    store::PersonTraces traces;
    traces.addresses = {claimed.address};
    traces.survey_ids = {*claimed.survey_id};
    db.erase_person(traces, store::ErasureOptions{false, "forgotten:1"}, kNow);
    REQUIRE(db.find_message(claimed.id)->address.empty());

    const auto result = send(dir.config, "email", claimed);
    REQUIRE(result.delivered_email);  // built from the row claimed before the erasure
    channels::record_send_result(db, *dir.config, claimed, result, kNow + 1, 0.5);
    const auto row = db.find_message(claimed.id);
    CHECK(store::to_string(row->state) == "sent");
    CHECK(row->address.empty());  // the claimed row's address is not written back
    CHECK_FALSE(db.delivered_email(claimed.id));
}

TEST_CASE("email document: the kept email as one RFC 5322 message for a mail client") {
    channels::MailMessage m;
    m.from = "palaute@example.com";
    m.from_name = "Pankki Oy";
    m.to = {"matti@example.com"};
    m.subject = "Miten onnistuimme?";
    m.text = "Hei Matti\n\n9: https://cx.example.com/r/t/9\n";
    m.html = "<!doctype html><p>Hei Matti</p>" + std::string(2000, 'x');  // one long line
    m.headers = {"Message-ID: <cx-7.ab@example.com>",
                 "List-Unsubscribe-Post: List-Unsubscribe=One-Click"};
    const std::chrono::system_clock::time_point date{std::chrono::seconds{kNow}};
    const std::string doc = channels::mail_document(m, date, "=_cxgate_b1");

    const auto head_end = doc.find("\r\n\r\n");
    REQUIRE(head_end != std::string::npos);
    const auto head = doc.substr(0, head_end + 2);
    std::string expected_head;
    for (const auto& line : channels::mail_headers(m, date)) expected_head += line + "\r\n";
    expected_head += "Content-Type: multipart/alternative; boundary=\"=_cxgate_b1\"\r\n";
    CHECK(head == expected_head);
    CHECK(head.find("Subject: =?UTF-8?B?") == std::string::npos);  // plain ASCII stays plain
    CHECK(head.find("Date: Wed, 18 Nov 2026") != std::string::npos);

    // Every line ends in CRLF and none is longer than 998 characters.
    for (size_t at = 0, nl; (nl = doc.find('\n', at)) != std::string::npos; at = nl + 1) {
        CHECK(nl > 0);
        CHECK(doc[nl - 1] == '\r');
        CHECK(nl - at <= 999);
    }
    CHECK(doc.size() >= 2);
    CHECK(doc.substr(doc.size() - 17) == "--=_cxgate_b1--\r\n");

    // Two parts, text then HTML, each decoding to mail_parts' data.
    const auto parts = channels::mail_parts(m);
    REQUIRE(parts.size() == 2);
    size_t at = head_end;
    for (const auto& part : parts) {
        const auto open = doc.find("--=_cxgate_b1\r\n", at);
        REQUIRE(open != std::string::npos);
        const std::string part_head = "Content-Type: " + std::string(part.type) +
                                      "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        REQUIRE(doc.compare(open + 15, part_head.size(), part_head) == 0);
        const auto body_start = open + 15 + part_head.size();
        const auto body_end = doc.find("--=_cxgate_b1", body_start);
        REQUIRE(body_end != std::string::npos);
        CHECK(base64_decoded(doc.substr(body_start, body_end - body_start)) == part.data);
        at = body_end;
    }

    // Without HTML: one text part, no multipart.
    m.html.clear();
    const auto text_only = channels::mail_document(m, date, "=_cxgate_b1");
    CHECK(text_only.find("multipart") == std::string::npos);
    CHECK(text_only.find("Content-Type: text/plain; charset=UTF-8\r\n") != std::string::npos);
}
