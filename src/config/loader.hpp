#pragma once
// Private to src/config/: the pieces load.cpp assembles a Config from, one file per part
// of the configuration. Each reads its part of a YAML document, records every problem with
// its position and carries on, so one run lists all problems.
#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include <date/date.h>
#include <yaml-cpp/yaml.h>

#include "cxgate/config/calendar.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/config/diagnostics.hpp"
#include "cxgate/config/yaml_reader.hpp"
#include "cxgate/foundation/timing.hpp"

namespace cxgate::config::detail {

// load.cpp: the whole file, or nullopt if it cannot be read.
std::optional<std::string> read_file(const std::filesystem::path& path);
// The YAML document of one file; a syntax error or a repeated key goes to `diag`.
std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     Diagnostics& diag);

// parsed_documents.cpp: a flow file's document, reused from the previous load when the file's
// text is the same; keep_flow_documents drops those of files no longer loaded.
struct ParsedDocument {
    std::optional<YAML::Node> root;
    Diagnostics diag;  // the syntax error or repeated keys parse_yaml found
};
ParsedDocument parse_flow_document(const std::string& text, const std::string& file);
void keep_flow_documents(const std::vector<std::string>& files);

// time_settings.cpp: the time values defaults and flows share.
bool valid_zone(const std::string& name);
std::optional<timing::SendWindow> read_window(YamlReader& r, const YAML::Node& parent,
                                              const std::string& key);
void read_days_off(YamlReader& r, const YAML::Node& parent, const std::string& key,
                   std::set<date::sys_days>& out);

// Holiday calendars are loaded once per name from <calendars_dir>/<name>.yaml; a problem
// inside the file is reported at its own file:line:column. (calendar_cache.cpp)
class CalendarCache {
  public:
    CalendarCache(std::filesystem::path dir, Diagnostics& diag)
        : dir_(std::move(dir)), diag_(diag) {}

    const CalendarFile* get(const std::string& name);
    bool exists(const std::string& name) const;
    const std::filesystem::path& dir() const { return dir_; }
    // Files read, so their content enters the config version (a reload notices a change).
    std::vector<std::filesystem::path> paths() const;

  private:
    std::filesystem::path dir_;
    Diagnostics& diag_;
    std::map<std::string, std::optional<CalendarFile>> files_;
};

// settings.cpp: top-level keys of cxgate.yaml.
void read_defaults(YamlReader& r, const YAML::Node& node, Config& c);
// `api_tokens:` (${ENV} references only) and `fatigue:`.
void read_api_tokens(YamlReader& r, const YAML::Node& root, Config& c);
void read_fatigue(YamlReader& r, const YAML::Node& root, Config& c);
void read_retention(YamlReader& r, const YAML::Node& root, Config& c);
// `sales:` which event types are leads, deals won and deals lost.
void read_sales(YamlReader& r, const YAML::Node& root, Config& c);
// `themes:` keywords per locale for the themes of "why?" comments.
void read_themes(YamlReader& r, const YAML::Node& root, Config& c);

// outbound_events.cpp: `outbound_events:`; needs the flows read first (a `flows:` filter
// must name one).
void read_outbound_events(YamlReader& r, const YAML::Node& node, Config& c);

// channels.cpp: `channels:`, each checked against its provider's schema.
void read_channels(YamlReader& r, const YAML::Node& node, Config& c);
// alerts_and_staff.cpp: `alerts:` and `staff:`; needs the channels read first.
void read_alerts_and_staff(YamlReader& r, const YAML::Node& root, Config& c);
// alerts.routes name flows and steps: checked once the flows are read.
void check_alert_routes(YamlReader& r, const YAML::Node& root, const Config& c);
// "score <= 6": a step's alert.when and a route's when. None when it does not parse.
std::optional<AlertRule> parse_alert_when(const std::string& text);
// Reports every name of `names` that is neither a staff id nor an alerts.targets name.
void check_recipients(YamlReader& r, const YAML::Node& at, const std::vector<std::string>& names,
                      const Config& c, const std::string& where);

// digests.cpp: `digests:`, once the staff, the channels and the calendars are known, and
// the `share_answers:` of a flow or a step.
void read_digests(YamlReader& r, const YAML::Node& root, Config& c, CalendarCache& calendars);
std::optional<ShareAnswers> read_share_answers(YamlReader& r, const YAML::Node& node,
                                               const std::string& where);

// steps.cpp: one step of a flow; the flow gives the defaults a step may override.
Step read_step(YamlReader& r, const YAML::Node& node, const Config& c, const Flow& flow);
// flows.cpp: one flow file, its text and its YAML as parse_yaml gave it, against the settings
// and channels of `c`.
std::optional<Flow> read_flow(const std::string& text, const YAML::Node& root,
                              const std::string& display, const Config& c, CalendarCache& calendars,
                              Diagnostics& diag);

}  // namespace cxgate::config::detail
