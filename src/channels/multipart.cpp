#include "cxgate/channels/multipart.hpp"
#include "cxgate/foundation/text.hpp"

#include <utility>

namespace cxgate::channels {

namespace {

using text::is_space;
using text::trim;

using text::lower;

// A parameter of a header value such as `form-data; name="a"; filename="b"`. The name is
// matched case-insensitively; a quoted value has its backslash escapes undone.
std::optional<std::string> header_param(std::string_view value, std::string_view param) {
    size_t i = value.find(';');
    while (i != std::string_view::npos && i < value.size()) {
        ++i;  // past ';'
        while (i < value.size() && is_space(value[i])) ++i;
        const size_t eq = value.find('=', i);
        const size_t semi = value.find(';', i);
        if (eq == std::string_view::npos || (semi != std::string_view::npos && semi < eq)) {
            i = semi;
            continue;
        }
        const std::string key = lower(trim(value.substr(i, eq - i)));
        size_t j = eq + 1;
        while (j < value.size() && is_space(value[j])) ++j;
        std::string v;
        if (j < value.size() && value[j] == '"') {
            ++j;
            while (j < value.size() && value[j] != '"') {
                if (value[j] == '\\' && j + 1 < value.size()) ++j;
                v += value[j++];
            }
            if (j < value.size()) ++j;  // closing quote
            i = value.find(';', j);
        } else {
            const size_t end = value.find(';', j);
            v = std::string(trim(
                value.substr(j, end == std::string_view::npos ? std::string_view::npos : end - j)));
            i = end;
        }
        if (key == param) return v;
    }
    return std::nullopt;
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
    const size_t semi = content_type.find(';');
    if (lower(trim(content_type.substr(0, semi))) != "multipart/form-data") return std::nullopt;
    auto boundary = header_param(content_type, "boundary");
    if (!boundary || boundary->empty() || boundary->size() > 70) return std::nullopt;
    for (char c : *boundary)
        if (c == '\r' || c == '\n') return std::nullopt;
    return boundary;
}

std::variant<std::vector<MultipartPart>, std::string> parse_multipart(std::string_view body,
                                                                      std::string_view boundary,
                                                                      size_t max_parts) {
    if (boundary.empty()) return std::string("multipart: empty boundary");
    const std::string dash = "--" + std::string(boundary);
    const std::string line_dash = "\n" + dash;
    // A delimiter is "--boundary" at the start of a line followed by "--" (the close), or
    // by optional spaces and the line end. Anything else is content that merely begins
    // like one (a sender must not do this, but it is no reason to cut a part short).
    auto is_delimiter_at = [&](size_t at) {
        const size_t after = at + dash.size();
        if (after >= body.size()) return false;
        if (body.substr(after, 2) == "--") return true;
        size_t k = after;
        while (k < body.size() && (body[k] == ' ' || body[k] == '\t')) ++k;
        return k < body.size() && (body[k] == '\r' || body[k] == '\n');
    };
    auto find_delimiter = [&](size_t from) -> size_t {  // position of the '\n' before it
        size_t at = body.find(line_dash, from);
        while (at != std::string_view::npos && !is_delimiter_at(at + 1))
            at = body.find(line_dash, at + 1);
        return at;
    };

    size_t pos;  // at the "--" of the current delimiter
    if (body.starts_with(dash) && is_delimiter_at(0)) {
        pos = 0;
    } else {
        const size_t nl = find_delimiter(0);
        if (nl == std::string_view::npos) return std::string("multipart: no boundary line");
        pos = nl + 1;
    }

    std::vector<MultipartPart> parts;
    while (true) {
        pos += dash.size();
        if (body.substr(pos, 2) == "--") return parts;  // the epilogue is ignored
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t')) ++pos;
        if (body.substr(pos, 2) == "\r\n")
            pos += 2;
        else if (pos < body.size() && body[pos] == '\n')
            pos += 1;
        else
            return std::string("multipart: boundary line not ended");

        if (parts.size() == max_parts)
            return std::string("multipart: more than " + std::to_string(max_parts) + " parts");
        // Headers, up to the empty line.
        std::vector<std::pair<std::string, std::string>> headers;
        while (true) {
            const size_t nl = body.find('\n', pos);
            if (nl == std::string_view::npos)
                return std::string("multipart: part headers not ended");
            std::string_view line = body.substr(pos, nl - pos);
            if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
            pos = nl + 1;
            if (line.empty()) break;
            if (line.front() == ' ' || line.front() == '\t') {
                if (headers.empty())
                    return std::string("multipart: continuation line without a header");
                headers.back().second += ' ';
                headers.back().second += trim(line);
                continue;
            }
            const size_t colon = line.find(':');
            if (colon == std::string_view::npos)
                return std::string("multipart: part header without ':'");
            headers.emplace_back(lower(trim(line.substr(0, colon))),
                                 std::string(trim(line.substr(colon + 1))));
        }
        MultipartPart part;
        bool named = false;
        for (const auto& [name, value] : headers) {
            if (name == "content-disposition") {
                if (auto n = header_param(value, "name")) {
                    part.name = *n;
                    named = true;
                }
                if (auto f = header_param(value, "filename")) part.filename = *f;
            } else if (name == "content-type") {
                part.content_type = value;
            }
        }
        if (!named) return std::string("multipart: part without a Content-Disposition name");
        // The content runs to the line break before the next delimiter. An empty part may
        // have its delimiter right after the blank line, so search from that line's '\n'.
        const size_t nl = find_delimiter(pos - 1);
        if (nl == std::string_view::npos)
            return std::string("multipart: no closing boundary (body truncated?)");
        size_t end = nl;
        if (end > pos && body[end - 1] == '\r') --end;
        if (end > pos) part.data = std::string(body.substr(pos, end - pos));
        parts.push_back(std::move(part));
        pos = nl + 1;
    }
}

signatures::Params multipart_fields(const std::vector<MultipartPart>& parts) {
    signatures::Params out;
    for (const auto& part : parts)
        if (part.filename.empty()) out.emplace_back(part.name, part.data);
    return out;
}

}  // namespace cxgate::channels
