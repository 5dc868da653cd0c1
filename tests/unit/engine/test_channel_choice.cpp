#include <doctest/doctest.h>

#include <set>

#include "../support/config_dir.hpp"
#include "cxgate/engine/channel_choice.hpp"

using namespace cxgate;

namespace {
const std::map<std::string, std::string> kFlow{
    {"f",
     "flow: f\nsteps:\n  - id: close\n    on: deal.won\n    survey: { metric: nps }\n    channel: "
     "[email, "
     "sms]\n"}};
}  // namespace

TEST_CASE("channel choice: the step's order, an address able to take it, not opted out") {
    testing::ConfigDir dir(kFlow, "");
    for (const auto& d : dir.diagnostics.items) MESSAGE(d.message);
    REQUIRE(dir.config);
    const auto& config = *dir.config;
    std::set<std::string> out;
    auto opted = [&](const std::string& a) { return out.count(a) > 0; };
    const std::vector<std::string> order{"email", "sms"};
    const engine::ContactAddresses both{"+358401234567", "maija@example.com", true};

    auto c = engine::choose_channel(config, order, both, opted);
    REQUIRE(c.channel);
    CHECK(c.channel->name == "email");
    CHECK(c.address == "maija@example.com");

    // Opted out on email: SMS; on both: none, but an address existed.
    out.insert("maija@example.com");
    c = engine::choose_channel(config, order, both, opted);
    REQUIRE(c.channel);
    CHECK(c.channel->name == "sms");
    out.insert("+358401234567");
    c = engine::choose_channel(config, order, both, opted);
    CHECK_FALSE(c.channel);
    CHECK(c.any_address);
    out.clear();

    // Failover: only after the current channel, never back.
    c = engine::choose_channel(config, order, both, opted, "email");
    REQUIRE(c.channel);
    CHECK(c.channel->name == "sms");
    c = engine::choose_channel(config, order, both, opted, "sms");
    CHECK_FALSE(c.channel);
    c = engine::choose_channel(config, order, both, opted, "fax");
    CHECK_FALSE(c.channel);

    // A landline cannot take the SMS: passed over, and said so.
    const engine::ContactAddresses landline{"+35891234567", "", false};
    c = engine::choose_channel(config, order, landline, opted);
    CHECK_FALSE(c.channel);
    CHECK(c.landline);
    CHECK_FALSE(c.any_address);

    // No address at all.
    c = engine::choose_channel(config, order, engine::ContactAddresses{}, opted);
    CHECK_FALSE(c.channel);
    CHECK_FALSE(c.any_address);
    CHECK_FALSE(c.landline);
}

TEST_CASE("channel choice: a stored phone's mobile flag comes from the number itself") {
    CHECK(engine::addresses_of("+358401234567", "").phone_is_mobile);       // Finnish mobile (04x)
    CHECK_FALSE(engine::addresses_of("+35891234567", "").phone_is_mobile);  // Helsinki landline
    CHECK(engine::addresses_of("", "a@example.com").phone_is_mobile);       // nothing to judge
}
