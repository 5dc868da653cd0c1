#pragma once
// `cxgate check` for templates: renders every template with sample data and names each
// variable no message of that kind can fill, e.g.
//   templates/en/nps.txt:1:4: error: unknown variable "contact.nmae"
// mstch renders an unknown variable as nothing, so without this a typo would reach
// customers as a blank.
#include <vector>

#include "cxgate/config/config.hpp"
#include "cxgate/config/diagnostics.hpp"

namespace cxgate::templates {

// display_dir: how the templates directory is named in messages ("templates").
std::vector<config::Diagnostic> check_templates(const config::Config& config,
                                                const std::string& display_dir);

// The check for one template source against its sample context (by file name:
// "fi/nps.txt", "en/answer.html"); exposed for tests.
std::vector<config::Diagnostic> check_template(const config::Config& config,
                                               const std::string& name, const std::string& source,
                                               const std::string& display_file);

}  // namespace cxgate::templates
