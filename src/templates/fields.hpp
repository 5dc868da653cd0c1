#pragma once
// Private to src/templates/: a message's values as a flat list, and rendering a template
// with them through a compiled form cached per (template text, which values are set).
//
// Mustache's output for one template depends on its values in two ways only: which
// sections open (a value's truthiness) and the text put in for each {{name}}. So once the
// truthiness of every value is fixed, the output is the same literal text around the same
// values in the same order. compile() finds that text by letting mstch render the
// template once with a marker in place of each value; filling it later is a
// concatenation, with no parsing, no maps and no mstch: what a send of a million surveys
// needs (rendering through mstch parsed each template again for every message and was a
// third of the scheduler's claim).
#include <mstch/mstch.hpp>

#include <string>
#include <variant>
#include <vector>

namespace cxgate::templates::detail {

struct Field {
    std::string group;  // "contact" for {{contact.name}}; empty at the top level
    std::string name;
    std::variant<std::string, bool> value;
};
using Fields = std::vector<Field>;

// The same values as mstch's context: each group a nested map.
mstch::map to_mstch(const Fields& fields);

// Renders `source` with `fields`, as render(source, to_mstch(fields), html=false) would:
// values go in unescaped (SMS, the email's text part, subjects). Safe from any thread.
std::string render_fields(const std::string& source, const Fields& fields);

}  // namespace cxgate::templates::detail
