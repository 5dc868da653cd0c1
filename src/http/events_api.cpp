// POST /v1/events: a business event, validated, recorded durably and planned before the
// 202 goes out (engine::record_event runs on the writer; its commit is the acknowledgement).
// GET /v1/schema/event.json: what that route accepts, as JSON Schema.
#include <nlohmann/json.hpp>

#include "cxgate/engine/event.hpp"
#include "cxgate/engine/event_schema.hpp"
#include "cxgate/engine/ingest.hpp"
#include "cxgate/foundation/json_input.hpp"
#include "cxgate/http/access.hpp"
#include "cxgate/http/routes.hpp"

namespace cxgate::http {

asio::awaitable<Reply> post_event(const Request& request, Services& s, const Target&) {
    using status = beast_http::status;
    auto config = s.config();
    if (auto check = check_token(request, *config, config::Scope::ingest); check != TokenCheck::ok)
        co_return refused(request, s, check, config::Scope::ingest);
    auto body = json_input::parse(request.body());
    if (!body.value) {
        s.counters.events_rejected++;
        co_return ApiError{status::bad_request, body.message(), body.field};
    }
    const auto now = s.clock.now();
    auto parsed = engine::parse_event(*body.value, *config, now);
    if (!parsed.event) {
        s.counters.events_rejected++;
        co_return ApiError{status::bad_request, parsed.error, parsed.field};
    }
    auto job = [config, event = std::move(*parsed.event), now](store::Store& db) {
        return engine::record_event(db, *config, event, now);
    };
    auto outcome = co_await s.writer.execute(std::move(job));
    if (outcome.duplicate)
        s.counters.events_duplicate++;
    else
        s.counters.events_accepted++;
    // The scheduler runs a pass only if a new survey is due before the pass it waits for.
    std::optional<store::Seconds> first_due;
    for (const auto& survey : outcome.surveys)
        if (survey.state == store::SurveyState::scheduled && survey.due_at &&
            (!first_due || *survey.due_at < *first_due))
            first_due = survey.due_at;
    if (first_due) s.scheduler.due_at(*first_due);
    co_return json_response(request, status::accepted, json_input::dump(engine::to_json(outcome)));
}

// Public like the documentation it is: it names fields and this configuration's locales
// and event types, nothing about contacts or surveys. Tools (a CRM integration's tests,
// an editor) fetch it to check events before sending them.
asio::awaitable<Reply> get_event_schema(const Request& request, Services& s, const Target&) {
    auto body = json_input::dump(engine::event_json_schema(*s.config()), 2);
    auto response = json_response(request, beast_http::status::ok, body);
    response.set(beast_http::field::content_type, "application/schema+json");
    co_return response;
}

}  // namespace cxgate::http
