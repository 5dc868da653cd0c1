#pragma once
// What the commands that talk to a configuration or to the running daemon share.
#include <memory>
#include <string>

#include "cxgate/config/config.hpp"

namespace cxgate::cli {

// Commands other than check and serve need a loaded configuration; they print its
// errors and return null when it has any. They do not serve, so they need none of the
// service's secrets (see config::LoadOptions): `report` works on a server without root's
// env file.
std::shared_ptr<const config::Config> load_or_report(const std::string& file);

// The daemon's base URL: --url, else http:// + server.listen.
std::string base_url(const config::Config& config, const std::string& override_url);

// The token for talking to the daemon: --token, else $CXGATE_API_TOKEN, else the first of
// api_tokens whose variable happens to be set.
std::string api_token(const config::Config& config, const std::string& given = "");

// The wall clock in Unix seconds, for what a command records (audit rows, user changes).
long long now_seconds();

// POSTs a JSON body to the daemon and prints the answer (only a failing one when quiet);
// returns the command's exit status.
int post_json(const std::string& url, const std::string& token, const std::string& body,
              bool quiet = false);

}  // namespace cxgate::cli
