#pragma once
// `cxgate forget`, `cxgate export-person` and `cxgate audit`: one person's data erased or
// handed over, and the audit of both, written straight into the database like `cxgate
// user` (whoever may write the database file may do this; the API's admin scope does the
// same over HTTP: POST /v1/privacy/forget and /v1/privacy/export).
#include <string>

#include "cxgate/privacy/person.hpp"

namespace cxgate::cli {

struct PrivacyOptions {
    std::string config_file, db_override;
    privacy::PersonKeys person;
    bool drop_answers = false;  // forget: the scores leave the figures too
    bool yes = false;           // forget: no question asked
    std::string out;            // export-person: write the JSON here instead of stdout
    bool json = false;          // audit
    size_t limit = 50;          // audit
};

int forget_command(const PrivacyOptions& options);
int export_person_command(const PrivacyOptions& options);
int audit_command(const PrivacyOptions& options);

}  // namespace cxgate::cli
