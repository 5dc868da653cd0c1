#include "cxgate/config/sources.hpp"
#include "cxgate/config/event_fields.hpp"
#include "cxgate/config/keys.hpp"

#include "cxgate/config/source_language.hpp"

namespace cxgate::config {

namespace {

// The event fields a mapping may fill (config/event_fields.hpp).
const std::set<std::string>& mappable_fields() {
    static const auto fields = [] {
        std::set<std::string> out;
        for (const auto& f : event_fields())
            if (f.from_sources) out.insert(f.path);
        return out;
    }();
    return fields;
}

void read_field(YamlReader& r, const std::string& where, const std::string& target,
                const YAML::Node& value, Source& s) {
    FieldMapping f;
    f.target = target;
    f.line = value.Mark().line + 1;
    f.column = value.Mark().column + 1;
    f.required = true;
    if (value.IsMap()) {
        r.check_keys(value, keys::source_field.keys, where + ": field \"" + target + "\"");
        if (value["const"]) {
            f.constant = r.string(value, "const").value_or("");
        } else {
            f.path = r.string(value, "path", true).value_or("");
            if (auto optional = r.boolean(value, "optional")) f.required = !*optional;
        }
    } else if (auto text = r.scalar(value, where + ": field \"" + target + "\"")) {
        f.path = *text;
        if (!f.path.empty() && f.path.back() == '?') {
            f.required = false;
            f.path.pop_back();
        }
    } else {
        return;
    }
    if (!f.path.empty()) {
        // A template checks each {path}; a plain value is one path.
        std::vector<std::string> paths;
        if (f.path.find('{') == std::string::npos) {
            paths.push_back(f.path);
        } else {
            size_t pos = 0;
            while ((pos = f.path.find('{', pos)) != std::string::npos) {
                size_t close = f.path.find('}', pos);
                if (close == std::string::npos) {
                    r.error(value,
                            where + ": field \"" + target + "\": missing } in \"" + f.path + "\"");
                    return;
                }
                paths.push_back(f.path.substr(pos + 1, close - pos - 1));
                pos = close + 1;
            }
        }
        for (const auto& p : paths)
            if (auto why = check_path(p)) {
                r.error(value, where + ": field \"" + target + "\": " + *why);
                return;
            }
    }
    if (target == "id" && !f.required)
        r.error(value, where + ": \"id\" cannot be optional: it makes events idempotent");
    s.fields.push_back(f);
}

}  // namespace

void read_sources(YamlReader& r, const YAML::Node& node, Config& c) {
    if (!node || !r.expect_map(node, "\"sources\"")) return;
    for (auto it = node.begin(); it != node.end(); ++it) {
        Source s;
        s.name = it->first.Scalar();
        s.file = r.file();
        s.line = it->first.Mark().line + 1;
        const YAML::Node body = it->second;
        const std::string where = "source \"" + s.name + "\"";
        if (s.name.empty() || s.name.find_first_of("/?#% ") != std::string::npos)
            r.error(it->first, where +
                                   ": a source name is used in a URL path; use letters, "
                                   "digits, - and _");
        if (!r.expect_map(body, where)) continue;
        r.check_keys(body, keys::source.keys, where);
        if (body["secret"]) {
            if (body["secret"].IsScalar() &&
                body["secret"].Scalar().find("${") == std::string::npos)
                r.error(
                    body["secret"],
                    where + ": \"secret\" is a secret; write it as ${ENV_VAR}, not in the file");
            else if (auto v = r.string(body, "secret")) {
                if (r.need_secrets() && v->size() < 16)
                    r.error(body["secret"], where + ": \"secret\" must be at least 16 characters");
                s.secret = *v;
            }
        }
        s.secret_header = r.string(body, "secret_header").value_or("X-Cxgate-Secret");
        if (const YAML::Node types = body["types"]) {
            if (!types.IsSequence()) {
                r.error(types, where + ": \"types\" must be a list of { type, when }");
            } else {
                for (const auto& item : types) {
                    if (!r.expect_map(item, where + ": a type rule")) continue;
                    r.check_keys(item, keys::source_type_rule.keys, where + ": a type rule");
                    TypeRule rule;
                    rule.line = item.Mark().line + 1;
                    rule.column = item.Mark().column + 1;
                    rule.type = r.string(item, "type", true).value_or("");
                    rule.op = "always";
                    if (auto when = r.string(item, "when")) {
                        if (auto why = check_condition(*when))
                            r.error(item["when"], where + ": condition: " + *why);
                        rule.op = "when";
                        rule.value = *when;
                    }
                    s.types.push_back(rule);
                }
            }
        }
        if (const YAML::Node from = body["type_from"]) {
            if (r.expect_map(from, where + ": \"type_from\"")) {
                r.check_keys(from, keys::source_type_from.keys, where + ": \"type_from\"");
                auto path = r.string(from, "path", true);
                if (path)
                    if (auto why = check_path(*path))
                        r.error(from["path"], where + ": \"type_from\": " + *why);
                const YAML::Node map = from["map"];
                if (!map) {
                    r.error(from, "missing required key \"map\"");
                } else if (r.expect_map(map, where + ": \"type_from.map\"")) {
                    for (auto m = map.begin(); m != map.end(); ++m) {
                        TypeRule rule;
                        rule.path = path.value_or("");
                        rule.op = "map";
                        rule.value = m->first.Scalar();
                        rule.type = r.scalar(m->second, "an event type").value_or("");
                        rule.line = m->first.Mark().line + 1;
                        rule.column = m->first.Mark().column + 1;
                        s.types.push_back(rule);
                    }
                }
            }
        }
        if (s.types.empty())
            r.error(body, where + ": needs \"types\" or \"type_from\" to name the event type");
        const YAML::Node fields = body["fields"];
        if (!fields) {
            r.error(body, where + ": missing required key \"fields\"");
        } else if (r.expect_map(fields, where + ": \"fields\"")) {
            bool has_id = false;
            for (auto f = fields.begin(); f != fields.end(); ++f) {
                const std::string target = f->first.Scalar();
                if (target == "type") {
                    r.error(
                        f->first,
                        where + ": the type comes from \"types\" or \"type_from\", not \"fields\"");
                    continue;
                }
                if (!mappable_fields().count(target) && target.rfind("attributes.", 0) != 0) {
                    std::string message = where + ": unknown event field \"" + target + "\"";
                    if (auto suggestion = closest(target, mappable_fields()))
                        message += " (did you mean \"" + *suggestion + "\"?)";
                    else
                        message += " (id, occurred_at, contact.*, staff.*, attributes.*)";
                    r.error(f->first, message);
                    continue;
                }
                has_id |= target == "id";
                read_field(r, where, target, f->second, s);
            }
            if (!has_id)
                r.error(fields, where +
                                    ": \"fields\" needs \"id\": the event id makes "
                                    "retried webhooks idempotent");
        }
        c.sources[s.name] = s;
    }
}

}  // namespace cxgate::config
