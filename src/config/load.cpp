// Loading cxgate.yaml, flows/*.yaml and templates/ into one validated Config.
// Every check records a diagnostic and carries on, so one run lists all problems.
// This file says which files make up a configuration and in what order they are read; the
// config version is the hash of all of them, so a reload notices any change. The sections
// themselves are read by the files loader.hpp lists.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>
#include "cxgate/config/keys.hpp"

#include "cxgate/config/config.hpp"
#include "cxgate/config/lint.hpp"
#include "cxgate/config/server_section.hpp"
#include "cxgate/config/sources.hpp"
#include "cxgate/foundation/crypto.hpp"
#include "loader.hpp"

namespace cxgate::config {

namespace fs = std::filesystem;

namespace detail {

std::optional<std::string> read_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return std::nullopt;
    std::ostringstream buffer;
    buffer << in.rdbuf();
    return buffer.str();
}

std::optional<YAML::Node> parse_yaml(const std::string& text, const std::string& file,
                                     Diagnostics& diag) {
    YAML::Node root;
    try {
        root = YAML::Load(text);
    } catch (const YAML::ParserException& e) {
        diag.error(file, e.mark.line + 1, e.mark.column + 1, e.msg);
        return std::nullopt;
    }
    YamlReader(file, diag).check_duplicate_keys(root);
    return root;
}

namespace {

// Message templates every locale must provide; see templates/README.md.
const std::vector<std::string> kRequiredTemplates = {
    "ces", "csat", "nps", "enps", "why", "reminder", "thanks", "retry", "alert", "optout", "help",
};

void read_templates(const fs::path& dir, const std::string& display_dir, Config& c,
                    Diagnostics& diag) {
    std::error_code ec;
    if (!fs::is_directory(dir, ec)) {
        diag.error(display_dir, 0, 0, "templates directory not found");
        return;
    }
    for (const auto& entry : fs::recursive_directory_iterator(dir, ec)) {
        if (!entry.is_regular_file()) continue;
        auto rel = fs::relative(entry.path(), dir).generic_string();
        if (auto text = read_file(entry.path())) c.templates[rel] = *text;
    }
    for (const auto& locale : c.defaults.locales)
        for (const auto& name : kRequiredTemplates)
            if (!c.templates.count(locale + "/" + name + ".txt"))
                diag.error(display_dir + "/" + locale + "/" + name + ".txt", 0, 0,
                           "missing template for locale " + locale);
}

}  // namespace

}  // namespace detail

LoadResult load(const std::string& config_file, const LoadOptions& options) {
    using namespace detail;
    LoadResult result;
    Diagnostics& diag = result.diagnostics;
    auto config = std::make_shared<Config>();
    config->file = config_file;
    fs::path config_path(config_file);
    config->base_dir = config_path.parent_path().empty() ? "." : config_path.parent_path().string();

    auto text = read_file(config_path);
    if (!text) {
        diag.error(config_file, 0, 0, "cannot read configuration file");
        return result;
    }
    std::string all_content = *text;
    auto root = parse_yaml(*text, config_file, diag);
    if (!root) return result;
    YamlReader r(config_file, diag);
    r.set_need_secrets(options.need_secrets);
    if (!r.expect_map(*root, "the configuration")) return result;
    r.check_keys(*root, keys::root.keys, "the configuration");
    read_server(r, (*root)["server"], *config);
    read_database(r, (*root)["database"], *config);
    read_api_tokens(r, *root, *config);
    read_defaults(r, (*root)["defaults"], *config);
    read_channels(r, (*root)["channels"], *config);
    read_alerts_and_staff(r, *root, *config);
    read_sources(r, (*root)["sources"], *config);
    config->flows_dir = r.string(*root, "flows_dir").value_or("flows");
    config->templates_dir = r.string(*root, "templates_dir").value_or("templates");
    config->calendars_dir = r.string(*root, "calendars_dir").value_or("calendars");
    read_fatigue(r, *root, *config);
    read_retention(r, *root, *config);
    read_sales(r, *root, *config);
    read_themes(r, *root, *config);

    auto resolve = [&](const std::string& p) {
        fs::path path(p);
        return path.is_absolute() ? path : fs::path(config->base_dir) / path;
    };
    if (!fs::path(config->store.path).is_absolute())
        config->store.path = resolve(config->store.path).string();

    fs::path flows_dir = resolve(config->flows_dir);
    std::error_code ec;
    std::vector<fs::path> flow_files;
    if (fs::is_directory(flows_dir, ec)) {
        for (const auto& entry : fs::directory_iterator(flows_dir, ec)) {
            auto ext = entry.path().extension();
            if (entry.is_regular_file() && (ext == ".yaml" || ext == ".yml"))
                flow_files.push_back(entry.path());
        }
    } else {
        diag.error(flows_dir.string(), 0, 0, "flows directory not found");
    }
    std::sort(flow_files.begin(), flow_files.end());
    std::map<std::string, std::string> flow_names;
    std::map<std::string, YAML::Node> parsed;  // for lint
    CalendarCache calendars(resolve(config->calendars_dir), diag);
    for (const auto& name : config->defaults.calendars)
        if (!calendars.exists(name))
            r.error((*root)["defaults"]["calendar"],
                    "unknown calendar \"" + name + "\" (no " +
                        (calendars.dir() / (name + ".yaml")).lexically_normal().string() + ")");
    // The flow files are read and parsed (yaml-cpp, and the duplicate-key check) on two
    // threads, each document on its own, which is most of a reload's time with many flows
    // (issue 15); what they found is reported in file order as before. A file whose text
    // is unchanged since the previous load keeps its document (parsed_documents.cpp).
    struct FlowFile {
        std::string display;
        std::optional<std::string> text;
        std::optional<YAML::Node> root;
        Diagnostics diag;
    };
    std::vector<FlowFile> files(flow_files.size());
    const auto parse_some = [&](size_t first) {
        for (size_t i = first; i < files.size(); i += 2) {
            auto& file = files[i];
            file.display = flow_files[i].lexically_normal().string();
            file.text = read_file(flow_files[i]);
            if (!file.text) continue;
            auto document = parse_flow_document(*file.text, file.display);
            file.root = std::move(document.root);
            file.diag = std::move(document.diag);
        }
    };
    {
        std::thread other(parse_some, 1);
        parse_some(0);
        other.join();
    }
    {
        std::vector<std::string> loaded;
        loaded.reserve(files.size());
        for (const auto& file : files) loaded.push_back(file.display);
        keep_flow_documents(loaded);
    }
    for (auto& file : files) {
        const auto& display = file.display;
        diag.items.insert(diag.items.end(), file.diag.items.begin(), file.diag.items.end());
        if (!file.text) {
            diag.error(display, 0, 0, "cannot read file");
            continue;
        }
        all_content += *file.text;
        if (!file.root) continue;
        auto flow = read_flow(*file.text, *file.root, display, *config, calendars, diag);
        if (!flow) continue;
        parsed[display] = *file.root;
        if (!flow->name.empty()) {
            auto [it, inserted] = flow_names.emplace(flow->name, display);
            if (!inserted)
                diag.error(display, 1, 1,
                           "flow \"" + flow->name + "\" is already defined in " + it->second);
        }
        config->flows.push_back(std::move(*flow));
    }

    check_alert_routes(r, *root, *config);
    read_digests(r, *root, *config, calendars);

    for (const auto& path : calendars.paths())
        if (auto calendar_text = read_file(path)) all_content += *calendar_text;
    // A contact list is part of the configuration: a reload notices a changed list.
    for (const auto& flow : config->flows)
        if (flow.schedule && !flow.schedule->list_file.empty())
            if (auto list = read_file(resolve(flow.schedule->list_file))) all_content += *list;

    // After the flows: a receiver's `flows:` must name one.
    read_outbound_events(r, (*root)["outbound_events"], *config);

    read_templates(resolve(config->templates_dir),
                   resolve(config->templates_dir).lexically_normal().string(), *config, diag);
    for (const auto& [name, source] : config->templates) all_content += name + source;

    lint(*config, diag, &parsed);
    config->version = crypto::sha256_hex(all_content).substr(0, 12);
    if (!diag.has_errors()) result.config = std::move(config);
    return result;
}

}  // namespace cxgate::config
