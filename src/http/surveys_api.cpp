// GET /v1/surveys/{id}: one survey as the API shows it, with its answers, its messages and
// the clicks on its email's score links.
#include <nlohmann/json.hpp>

#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/callers.hpp"
#include "cxgate/http/routes.hpp"
#include "cxgate/store/store.hpp"

namespace cxgate::http {

asio::awaitable<Reply> get_survey(const Request& request, Services& s, const Target& target) {
    using json = nlohmann::json;
    using status = beast_http::status;
    const auto who = co_await authenticate(request, s, config::Scope::read);
    if (const auto* error = std::get_if<ApiError>(&who)) co_return *error;
    if (auto error = needs_everything(std::get<Caller>(who), request, s)) co_return *error;
    const auto& id_text = target.param("id");
    long long id = 0;
    try {
        id = std::stoll(id_text);
    } catch (const std::exception&) {
        co_return ApiError{status::bad_request, "survey id must be a number", "id"};
    }
    auto job = [id](store::Store& db) -> std::optional<json> {
        auto survey = db.find_survey(id);
        if (!survey) return std::nullopt;
        json j = engine::survey_json(*survey);
        j["answers"] = json::array();
        for (const auto& a : db.answers_of(id))
            j["answers"].push_back(
                {{"question", a.question_id},
                 {"metric", a.metric},
                 {"scale", metrics::to_string(metrics::Scale{a.scale_min, a.scale_max})},
                 {"score", a.score},
                 {"answered_at",
                  timing::format_iso8601(timing::TimePoint{std::chrono::seconds{a.answered_at}})}});
        j["messages"] = json::array();
        for (const auto& m : db.messages_of_survey(id)) {
            j["messages"].push_back({{"id", m.id},
                                     {"kind", m.kind},
                                     {"channel", m.channel},
                                     {"state", m.state},
                                     {"body", m.body}});
        }
        // Clicks on the email's score links, and what became of them (answer_page.hpp).
        j["clicks"] = json::array();
        for (const auto& c : db.clicks_of_survey(id))
            j["clicks"].push_back(
                {{"score", c.score},
                 {"clicked_at",
                  timing::format_iso8601(timing::TimePoint{std::chrono::seconds{c.clicked_at}})},
                 {"last_clicked_at", timing::format_iso8601(timing::TimePoint{
                                         std::chrono::seconds{c.last_clicked_at}})},
                 {"state", c.state}});
        return j;
    };
    auto found = co_await s.reader.execute(job);
    if (!found) co_return ApiError{status::not_found, "no survey " + id_text};
    co_return json_response(request, status::ok, json_input::dump(*found));
}

}  // namespace cxgate::http
