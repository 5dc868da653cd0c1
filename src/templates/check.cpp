#include "cxgate/templates/check.hpp"
#include "cxgate/foundation/text.hpp"

#include <deque>

#include "cxgate/templates/compose.hpp"
#include "render.hpp"

namespace cxgate::templates {

namespace {

// Which context a template is rendered with, from its file name.
enum class ContextKind { survey, plain, answer_page, target, alert };

ContextKind kind_of(const std::string& name) {
    auto slash = name.rfind('/');
    auto base = name.substr(slash == std::string::npos ? 0 : slash + 1);
    auto dot = base.find('.');
    auto stem = base.substr(0, dot);
    if (stem == "answer") return ContextKind::answer_page;
    if (stem == "target") return ContextKind::target;
    if (stem == "alert") return ContextKind::alert;
    if (stem == "optout" || stem == "help" || stem == "buttons" || stem == "yes" || stem == "no")
        return ContextKind::plain;
    return ContextKind::survey;
}

store::SurveyRow sample_survey() {
    store::SurveyRow s;
    s.id = 1;
    s.flow = "sample-flow";
    s.step = "close";
    s.metric = "nps";
    s.contact_name = "Matti Meikäläinen & Co";
    s.address = "matti@example.com";
    s.segment = "private";
    s.staff_id = "s-1";
    s.staff_name = "Sanna Sample";
    s.staff_email = "sanna@example.com";
    s.score = 9;
    s.comment = "Quick and friendly";
    return s;
}

mstch::map sample_context(const config::Config& config, ContextKind kind) {
    switch (kind) {
        case ContextKind::plain:
            return detail::plain_context(config);
        case ContextKind::target: {
            auto ctx = detail::plain_context(config);
            for (const auto& field : target_fields()) ctx[field] = std::string("sample ") + field;
            return ctx;
        }
        case ContextKind::answer_page: {
            AnswerPage p;
            p.metric = "nps";
            p.score = 9;
            p.first_name = "Matti";
            p.comment = "Quick";
            p.action = config.server.public_url + "/r/sample";
            p.more.push_back({"q2", "Did we make it easy?", {{1, "Yes"}, {0, "No"}}, 1});
            auto ctx = detail::answer_context(p);
            // Every section is checked, whichever the sample would show.
            for (const char* flag : {"form", "thanks", "expired", "invalid", "missing_score"})
                ctx[flag] = true;
            return ctx;
        }
        case ContextKind::alert: {
            auto fields = detail::survey_fields(config, sample_survey());
            detail::add_alert_fields(fields, {7, 1, config.server.public_url + "/a/x"});
            return detail::to_mstch(fields);
        }
        case ContextKind::survey:
            break;
    }
    return detail::survey_context(config, sample_survey());
}

// Resolves a Mustache name the way mstch does: the first part through the stack of
// section contexts, innermost first, the rest strictly inside it. A null entry on the
// stack is a context that cannot be known here (an empty list): anything goes inside.
bool resolves(const std::vector<const mstch::node*>& stack, const std::string& name,
              const mstch::node** found) {
    *found = nullptr;
    if (name == ".") return true;
    std::vector<std::string> parts;
    size_t start = 0;
    while (true) {
        auto dot = name.find('.', start);
        parts.push_back(
            name.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) break;
        start = dot + 1;
    }
    for (auto it = stack.rbegin(); it != stack.rend(); ++it) {
        if (!*it) return true;
        const auto* map = boost::get<mstch::map>(*it);
        if (!map) continue;
        auto hit = map->find(parts[0]);
        if (hit == map->end()) continue;
        const mstch::node* node = &hit->second;
        for (size_t i = 1; i < parts.size(); ++i) {
            const auto* inner = boost::get<mstch::map>(node);
            if (!inner) return false;
            auto next = inner->find(parts[i]);
            if (next == inner->end()) return false;
            node = &next->second;
        }
        *found = node;
        return true;
    }
    return false;
}

}  // namespace

std::vector<config::Diagnostic> check_template(const config::Config& config,
                                               const std::string& name, const std::string& source,
                                               const std::string& display_file) {
    std::vector<config::Diagnostic> out;
    auto report = [&](size_t offset, const std::string& message) {
        config::Diagnostic d;
        d.file = display_file;
        d.line = 1;
        d.column = 1;
        for (size_t i = 0; i < offset && i < source.size(); ++i) {
            if (source[i] == '\n') {
                ++d.line;
                d.column = 1;
            } else if ((static_cast<unsigned char>(source[i]) & 0xC0) != 0x80) {
                ++d.column;  // columns count characters, not UTF-8 bytes
            }
        }
        d.message = message;
        out.push_back(std::move(d));
    };

    const mstch::node root = sample_context(config, kind_of(name));
    std::vector<const mstch::node*> stack{&root};
    std::vector<std::string> open_sections;
    // Sections pushing nothing new (booleans, strings) repeat the current context.
    std::deque<mstch::node> section_copies;  // a deque: pointers into it stay valid

    size_t pos = 0;
    while ((pos = source.find("{{", pos)) != std::string::npos) {
        const size_t tag_at = pos;
        const bool triple = source.compare(pos, 3, "{{{") == 0;
        const std::string close = triple ? "}}}" : "}}";
        auto end = source.find(close, pos + (triple ? 3 : 2));
        if (end == std::string::npos) {
            report(tag_at, "unclosed tag \"" + source.substr(tag_at, 20) + "\"");
            break;
        }
        std::string tag =
            text::trimmed(source.substr(pos + (triple ? 3 : 2), end - pos - (triple ? 3 : 2)));
        pos = end + close.size();
        if (tag.empty()) continue;
        char sigil = triple ? '&' : tag[0];
        if (!triple && (sigil == '#' || sigil == '^' || sigil == '/' || sigil == '&' ||
                        sigil == '!' || sigil == '>' || sigil == '=')) {
            tag = text::trimmed(tag.substr(1));
        } else if (!triple) {
            sigil = ' ';
        }
        if (sigil == '!' || sigil == '>' || sigil == '=') continue;
        if (sigil == '/') {
            if (open_sections.empty() || open_sections.back() != tag) {
                report(
                    tag_at,
                    "closing tag {{/" + tag + "}} without a matching open section" +
                        (open_sections.empty() ? "" : " (open: \"" + open_sections.back() + "\")"));
                continue;
            }
            open_sections.pop_back();
            stack.pop_back();
            continue;
        }
        const mstch::node* found = nullptr;
        const bool known = resolves(stack, tag, &found);
        if (!known) report(tag_at, "unknown variable \"" + tag + "\"");
        if (sigil == '#' || sigil == '^') {
            open_sections.push_back(tag);
            const mstch::node* next = stack.back();
            if (!known) {
                next = nullptr;  // one error per section, not one per name inside it
            } else if (found && sigil == '#') {
                if (boost::get<mstch::map>(found)) {
                    next = found;
                } else if (const auto* list = boost::get<mstch::array>(found)) {
                    next = list->empty() ? nullptr : &list->front();
                }
            }
            if (next) {
                section_copies.push_back(*next);
                stack.push_back(&section_copies.back());
            } else {
                stack.push_back(nullptr);
            }
        }
    }
    if (!open_sections.empty())
        report(source.size(), "section \"" + open_sections.back() + "\" is never closed");

    // And render it, as a message would be, to catch what mstch itself refuses.
    try {
        (void)detail::render(source, sample_context(config, kind_of(name)),
                             name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0);
    } catch (const std::exception& e) {
        report(0, std::string("cannot render: ") + e.what());
    }
    return out;
}

std::vector<config::Diagnostic> check_templates(const config::Config& config,
                                                const std::string& display_dir) {
    std::vector<config::Diagnostic> out;
    for (const auto& [name, source] : config.templates) {
        if (name.size() < 4) continue;
        const bool text = name.compare(name.size() - 4, 4, ".txt") == 0;
        const bool html = name.size() > 5 && name.compare(name.size() - 5, 5, ".html") == 0;
        if (!text && !html) continue;  // READMEs and the like
        auto found = check_template(config, name, source, display_dir + "/" + name);
        out.insert(out.end(), found.begin(), found.end());
    }
    return out;
}

}  // namespace cxgate::templates
