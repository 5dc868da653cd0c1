// The transition tables of DESIGN.md's state machine, and the words each state is stored as.
#include "cxgate/store/states.hpp"

#include <array>
#include <utility>

namespace cxgate::store {

namespace {

template <typename State, size_t N>
std::optional<State> parse(const std::array<std::pair<State, std::string_view>, N>& names,
                           std::string_view text) {
    for (const auto& [state, name] : names)
        if (name == text) return state;
    return std::nullopt;
}

template <typename State, size_t N>
std::string_view name_of(const std::array<std::pair<State, std::string_view>, N>& names,
                         State state) {
    for (const auto& [s, name] : names)
        if (s == state) return name;
    return "?";
}

using S = SurveyState;
using M = MessageState;
using A = AlertState;
using H = AlertHandling;

constexpr std::array<std::pair<S, std::string_view>, 12> kSurveyNames{{
    {S::scheduled, "scheduled"},
    {S::sending, "sending"},
    {S::sent, "sent"},
    {S::delivered, "delivered"},
    {S::failed, "failed"},
    {S::answered, "answered"},
    {S::commented, "commented"},
    {S::closed, "closed"},
    {S::suppressed, "suppressed"},
    {S::expired, "expired"},
    {S::opted_out, "opted_out"},
    {S::superseded, "superseded"},
}};

constexpr std::array<std::pair<M, std::string_view>, 7> kMessageNames{{
    {M::queued, "queued"},
    {M::sending, "sending"},
    {M::sent, "sent"},
    {M::delivered, "delivered"},
    {M::failed, "failed"},
    {M::unknown, "unknown"},
    {M::cancelled, "cancelled"},
}};

constexpr std::array<std::pair<A, std::string_view>, 3> kAlertNames{{
    {A::none, "none"},
    {A::pending, "pending"},
    {A::sent, "sent"},
}};

constexpr std::array<std::pair<H, std::string_view>, 3> kHandlingNames{{
    {H::open, "open"},
    {H::acknowledged, "acknowledged"},
    {H::resolved, "resolved"},
}};

// One row per allowed step (staying in a state is always allowed). A survey that went out
// may be sent again on the next channel (failover: back to sending) until it is answered.
constexpr std::pair<S, S> kSurveySteps[] = {
    {S::scheduled, S::sending},    {S::scheduled, S::suppressed}, {S::scheduled, S::expired},
    {S::scheduled, S::opted_out},  {S::scheduled, S::failed},

    {S::sending, S::sent},         {S::sending, S::delivered},    {S::sending, S::failed},
    {S::sending, S::opted_out},    {S::sending, S::expired},

    {S::sent, S::delivered},       {S::sent, S::failed},          {S::sent, S::sending},
    {S::sent, S::answered},        {S::sent, S::commented},       {S::sent, S::expired},
    {S::sent, S::opted_out},       {S::sent, S::superseded},      {S::sent, S::closed},

    {S::delivered, S::failed},     {S::delivered, S::sending},    {S::delivered, S::answered},
    {S::delivered, S::commented},  {S::delivered, S::expired},    {S::delivered, S::opted_out},
    {S::delivered, S::superseded}, {S::delivered, S::closed},

    {S::answered, S::commented},   {S::answered, S::closed},      {S::answered, S::opted_out},

    {S::commented, S::closed},
    // failed, closed, suppressed, expired, opted_out, superseded: final.
};

// A request that may have reached the provider (unknown) is never sent again; only the
// provider's own report moves it on.
constexpr std::pair<M, M> kMessageSteps[] = {
    {M::queued, M::sending},
    {M::queued, M::cancelled},
    {M::queued, M::failed},
    {M::sending, M::sent},
    {M::sending, M::failed},
    {M::sending, M::unknown},
    {M::sending, M::queued},
    {M::sending, M::delivered},
    {M::sent, M::delivered},
    {M::sent, M::failed},
    {M::unknown, M::delivered},
    {M::unknown, M::failed},
    // A bounce reported after the delivery report (email: accepted, then returned).
    {M::delivered, M::failed},
    // failed, cancelled: final.
};

// An alert still waiting for the reason may be decided again (the answer page's Send
// changed the score); one that was sent stays sent.
constexpr std::pair<A, A> kAlertSteps[] = {
    {A::none, A::pending},
    {A::none, A::sent},
    {A::pending, A::sent},
    {A::pending, A::none},
};

// Resolving without acknowledging first is fine (the one who acts first says what was done);
// a resolved alert is not reopened: a new low score opens a new alert.
constexpr std::pair<H, H> kHandlingSteps[] = {
    {H::open, H::acknowledged},
    {H::open, H::resolved},
    {H::acknowledged, H::resolved},
};

template <typename State, typename Steps>
bool allowed(const Steps& steps, State from, State to) {
    if (from == to) return true;
    for (const auto& [a, b] : steps)
        if (a == from && b == to) return true;
    return false;
}

template <typename State>
void require(bool ok, State from, State to, const std::string& what) {
    if (!ok)
        throw IllegalTransition(what + ": state " + std::string(to_string(from)) + " -> " +
                                std::string(to_string(to)) + " is not allowed");
}

}  // namespace

std::string_view to_string(SurveyState state) {
    return name_of(kSurveyNames, state);
}
std::string_view to_string(MessageState state) {
    return name_of(kMessageNames, state);
}
std::string_view to_string(AlertState state) {
    return name_of(kAlertNames, state);
}
std::string_view to_string(AlertHandling state) {
    return name_of(kHandlingNames, state);
}

std::optional<SurveyState> parse_survey_state(std::string_view text) {
    return parse(kSurveyNames, text);
}
std::optional<MessageState> parse_message_state(std::string_view text) {
    return parse(kMessageNames, text);
}
std::optional<AlertState> parse_alert_state(std::string_view text) {
    return parse(kAlertNames, text);
}
std::optional<AlertHandling> parse_alert_handling(std::string_view text) {
    return parse(kHandlingNames, text);
}

bool can_move(SurveyState from, SurveyState to) {
    return allowed(kSurveySteps, from, to);
}
bool can_move(MessageState from, MessageState to) {
    return allowed(kMessageSteps, from, to);
}
bool can_move(AlertState from, AlertState to) {
    return allowed(kAlertSteps, from, to);
}
bool can_move(AlertHandling from, AlertHandling to) {
    return allowed(kHandlingSteps, from, to);
}

bool is_final(SurveyState state) {
    for (const auto& step : kSurveySteps)
        if (step.first == state) return false;
    return true;
}
bool is_final(MessageState state) {
    for (const auto& step : kMessageSteps)
        if (step.first == state) return false;
    return true;
}

void require_move(SurveyState from, SurveyState to, const std::string& what) {
    require(can_move(from, to), from, to, what);
}
void require_move(MessageState from, MessageState to, const std::string& what) {
    require(can_move(from, to), from, to, what);
}
void require_move(AlertState from, AlertState to, const std::string& what) {
    require(can_move(from, to), from, to, what);
}
void require_move(AlertHandling from, AlertHandling to, const std::string& what) {
    require(can_move(from, to), from, to, what);
}

}  // namespace cxgate::store
