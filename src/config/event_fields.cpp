#include "cxgate/config/event_fields.hpp"

namespace cxgate::config {

const std::vector<EventField>& event_fields() {
    // Limits leave room for every real value and no more: a name goes into SMS texts and
    // emails (a 30,000-character name made a 197-segment SMS), ids into indexes and logs.
    // An email address is at most 254 characters (RFC 5321).
    static const std::vector<EventField> fields{
        {"id", "string", true, 200, true,
         "The event's id in the sending system. A second event with the same id is a "
         "duplicate: answered 202 with the first answer and `\"duplicate\": true`, nothing planned "
         "again."},
        {"type", "string", true, 100, false,
         "What happened, e.g. `appointment.booked`, `deal.won`: the steps whose `on:` names "
         "it are planned."},
        {"occurred_at", "string", false, 64, true,
         "When it happened, ISO 8601 with an offset (`2026-11-20T19:55:00+02:00`). Delays "
         "count from it. Default: when cxgate received it."},
        {"contact", "object", true, 0, false,
         "Who is surveyed: at least one of `phone` and `email`."},
        {"contact.id", "string", false, 200, true,
         "The customer's id in the CRM. Default: the phone (E.164), else the email. Events "
         "with the same id are the same contact (fatigue, recontact, one survey awaiting an "
         "answer per address)."},
        {"contact.phone", "string", false, 50, true,
         "A phone number, E.164 or national in `defaults.region` (`040 123 4567` in FI); "
         "stored as E.164. A number that cannot take SMS (`09...`, `0800...`) gets no SMS "
         "survey (`no_mobile_number`)."},
        {"contact.email", "string", false, 254, true, "An email address, stored lower-cased."},
        {"contact.name", "string", false, 200, true,
         "The name templates may use (`{{contact.name}}`)."},
        {"contact.locale", "string", false, 16, true,
         "`fi`, `sv` or `en`, one of `defaults.locales`. Default: `defaults.locale`."},
        {"contact.timezone", "string", false, 64, true,
         "An IANA zone (`Europe/Stockholm`): delays, windows and reminders in the contact's "
         "local time. Default: the flow's."},
        {"contact.segment", "string", false, 100, true,
         "A customer segment reports group by (`private`, `business`)."},
        {"staff", "object", false, 0, false,
         "The advisor the touchpoint belongs to: alerts reach them and their lead, reports "
         "group by them."},
        {"staff.id", "string", true, 200, true,
         "The staff member's id; the `staff:` directory in cxgate.yaml fills name, email and "
         "phone left out here."},
        {"staff.name", "string", false, 200, true, "The advisor's name."},
        {"staff.email", "string", false, 254, true, "Where their alerts go by email."},
        {"staff.phone", "string", false, 50, true, "Where their alerts go by SMS."},
        {"attributes", "object", false, 0, false,
         "Anything else, for `if:` conditions, templates (`{{attributes.branch}}`) and "
         "reports."},
        {"deal_id", "string|integer", false, 200, false,
         "The deal the event belongs to (else `attributes.deal_id`): `cancel_on` and "
         "arbitration match surveys by deal; sales reports join answers to outcomes by it."},
        {"value", "number", false, 0, false,
         "What the deal is worth, 0 to 10^12 (a won deal's value); needs `currency`."},
        {"currency", "string", false, 0, false,
         "ISO 4217 code of `value` (`EUR`); reports never add across currencies."},
    };
    return fields;
}

std::vector<const EventField*> event_fields_under(const std::string& parent) {
    std::vector<const EventField*> out;
    const std::string prefix = parent.empty() ? "" : parent + ".";
    for (const auto& f : event_fields()) {
        if (f.path.rfind(prefix, 0) != 0) continue;
        if (f.path.find('.', prefix.size()) != std::string::npos) continue;
        out.push_back(&f);
    }
    return out;
}

}  // namespace cxgate::config
