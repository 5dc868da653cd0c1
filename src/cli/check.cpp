// `cxgate check`: the configuration as load() reads it, then every message rendered with
// sample data: template variables nothing can fill, and SMS longer than their channel allows.
#include <filesystem>
#include <iostream>
#include <string>
#include <utility>
#include <vector>

#include "cxgate/cli/tools.hpp"
#include "cxgate/config/config.hpp"
#include "cxgate/foundation/metrics.hpp"
#include "cxgate/foundation/sms_encoding.hpp"
#include "cxgate/store/records.hpp"
#include "cxgate/templates/check.hpp"
#include "cxgate/templates/compose.hpp"

namespace cxgate::cli {

namespace {

// Renders every SMS a step can send with sample data and warns when it needs more parts
// than the channel allows: each part is billed, and long surveys are answered less.
std::vector<config::Diagnostic> segment_warnings(const config::Config& c) {
    std::vector<config::Diagnostic> out;
    for (const auto& flow : c.flows) {
        for (const auto& step : flow.steps) {
            for (const auto& channel_name : step.channels) {
                const auto* channel = c.find_channel(channel_name);
                if (!channel || channel->kind != config::ChannelKind::sms) continue;
                for (const auto& locale : c.defaults.locales) {
                    store::SurveyRow sample;
                    sample.flow = flow.name;
                    sample.step = step.id;
                    sample.metric = metrics::to_string(step.first().metric);
                    sample.scale_min = step.first().scale.min;
                    sample.scale_max = step.first().scale.max;
                    sample.low_is_good = step.first().low_is_good;
                    sample.template_name = step.first().template_name;
                    for (const auto& q : step.questions)
                        sample.questions.push_back({q.id, metrics::to_string(q.metric), q.scale.min,
                                                    q.scale.max, q.low_is_good, q.template_name});
                    sample.contact_name = "Annamaria Korhonen-Lindqvist";
                    sample.staff_name = "Johanna Virtanen-Björklund";
                    sample.channel = channel_name;
                    sample.locale = locale;
                    std::vector<std::pair<std::string, int>> kinds{
                        {"survey", 0}, {"why", 0}, {"reminder", 0}, {"thanks", 0}, {"retry", 0}};
                    for (size_t i = 1; i < step.questions.size(); ++i) {
                        kinds.emplace_back("question", static_cast<int>(i));
                        kinds.emplace_back("retry", static_cast<int>(i));
                    }
                    for (const auto& [kind, index] : kinds) {
                        sample.question = index;
                        auto rendered = templates::render(c, sample, kind, locale);
                        auto info = sms::analyze(sms::normalize_newlines(rendered.body));
                        if (info.segments <= channel->max_segments) continue;
                        config::Diagnostic d;
                        d.severity = config::Diagnostic::Severity::warning;
                        d.file = flow.file;
                        d.line = step.line;
                        d.column = 1;
                        d.message = "step \"" + step.id + "\": the " + locale + " " + kind +
                                    " SMS on channel " + channel_name + " is " +
                                    std::to_string(info.segments) + " parts (" +
                                    sms::to_string(info.encoding) + ", " +
                                    std::to_string(info.units) + " units); the channel allows " +
                                    std::to_string(channel->max_segments);
                        out.push_back(d);
                    }
                }
            }
        }
    }
    return out;
}

// The templates directory as `check` names it, the way config::load names it.
std::string templates_display_dir(const config::Config& c) {
    std::filesystem::path dir(c.templates_dir);
    if (dir.is_relative()) dir = std::filesystem::path(c.base_dir) / dir;
    return dir.lexically_normal().generic_string();
}

}  // namespace

int check(const std::string& file) {
    auto loaded = config::load(file);
    bool template_errors = false;
    if (loaded.config) {
        for (auto& w : segment_warnings(*loaded.config)) loaded.diagnostics.items.push_back(w);
        // Every template rendered with sample data: a variable no message can fill
        // ({{contact.nmae}}) is an error, named with its file, line and column.
        for (auto& d :
             templates::check_templates(*loaded.config, templates_display_dir(*loaded.config))) {
            template_errors |= d.severity == config::Diagnostic::Severity::error;
            loaded.diagnostics.items.push_back(std::move(d));
        }
    }
    for (const auto& d : loaded.diagnostics.items) std::cout << d.to_string() << "\n";
    if (!loaded.config || template_errors) {
        size_t errors = 0;
        for (const auto& d : loaded.diagnostics.items)
            errors += d.severity == config::Diagnostic::Severity::error;
        std::cout << "cxgate check: " << errors << " error(s)\n";
        return 1;
    }
    const auto& c = *loaded.config;
    size_t steps = 0;
    for (const auto& f : c.flows) steps += f.steps.size();
    std::cout << "cxgate check: OK: " << c.flows.size() << " flow(s), " << steps << " step(s), "
              << c.channels.size() << " channel(s), " << c.templates.size()
              << " template(s); config version " << c.version << "\n";
    return 0;
}

}  // namespace cxgate::cli
