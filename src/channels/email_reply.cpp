#include "cxgate/channels/email_reply.hpp"
#include "cxgate/foundation/text.hpp"
#include "cxgate/foundation/utf8.hpp"

#include <cstdint>
#include <vector>

namespace cxgate::channels {

namespace {

using text::is_space;
using text::trim;

char ascii_lower(char c) {
    return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

// ASCII case-insensitive; UTF-8 bytes of "ä" etc. must match exactly, which is how the
// clients write these words.
bool starts_with_nocase(std::string_view s, std::string_view prefix) {
    if (s.size() < prefix.size()) return false;
    for (size_t i = 0; i < prefix.size(); ++i)
        if (ascii_lower(s[i]) != ascii_lower(prefix[i])) return false;
    return true;
}

bool ends_with_nocase(std::string_view s, std::string_view suffix) {
    return s.size() >= suffix.size() &&
           starts_with_nocase(s.substr(s.size() - suffix.size()), suffix);
}

bool contains_nocase(std::string_view s, std::string_view needle) {
    for (size_t i = 0; i + needle.size() <= s.size(); ++i)
        if (starts_with_nocase(s.substr(i), needle)) return true;
    return false;
}

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

// A complete attribution line of the quoted original, in the languages the surveys use.
bool is_attribution(std::string_view t) {
    if (t.empty() || t.back() != ':') return false;
    if (starts_with_nocase(t, "On ") && ends_with_nocase(t, "wrote:")) return true;  // Gmail, Apple
    if (ends_with_nocase(t, "kirjoitti:")) return true;                              // Gmail fi
    if (contains_nocase(t, " kirjoitti "))
        return true;  // Apple fi: "X <x@y> kirjoitti 23.11.2026 kello 10.00:"
    if (ends_with_nocase(t, " skrev:") || contains_nocase(t, " skrev ")) return true;  // sv
    if (ends_with_nocase(t, " schrieb:")) return true;
    return false;
}

// The first line of an attribution that a client may have wrapped onto a second line.
bool may_start_attribution(std::string_view t) {
    if (starts_with_nocase(t, "On ") || starts_with_nocase(t, "Den ")) return true;
    // Gmail fi: "ma 23.11.2026 klo 10.00 ..." (weekday abbreviation, then the date).
    static const char* const days[] = {"ma ", "ti ", "ke ", "to ", "pe ", "la ", "su "};
    for (const char* day : days)
        if (starts_with_nocase(t, day) && t.size() > 3 && is_digit(t[3])) return true;
    return false;
}

bool all_of_char(std::string_view t, char c, size_t min_count) {
    if (t.size() < min_count) return false;
    for (char x : t)
        if (x != c) return false;
    return true;
}

// Where the quoted original or a signature starts: line i and everything after it go.
bool starts_quoted_tail(const std::vector<std::string_view>& lines, size_t i) {
    const std::string_view raw = lines[i];
    const std::string_view t = trim(raw);
    // RFC 3676 signature delimiter "-- "; some clients drop the trailing space.
    if (raw == "-- " || t == "--") return true;
    // "-----Original Message-----", "-----Alkuperäinen viesti-----", "---------- Forwarded
    // message ---------": a run of dashes with words in it.
    if (t.size() > 10 && t.starts_with("-----") && t.ends_with("-----")) return true;
    // Outlook's separator above its header block.
    if (all_of_char(t, '_', 10)) return true;
    // Outlook's header block of the original (en, sv, fi).
    static const char* const header_starts[] = {
        "From:", "Från:", "Lähettäjä:", "Lähetetty:", "Skickat:", "Sent:"};
    for (const char* h : header_starts)
        if (starts_with_nocase(t, h)) return true;
    // Mobile clients' signatures.
    static const char* const mobile[] = {"Sent from ", "Lähetetty ", "Skickat från ",
                                         "Get Outlook for "};
    for (const char* m : mobile)
        if (starts_with_nocase(t, m)) return true;
    if (is_attribution(t)) return true;
    if (may_start_attribution(t) && i + 1 < lines.size()) {
        std::string joined(t);
        joined += ' ';
        joined += trim(lines[i + 1]);
        // When the next line is a whole attribution by itself, this one is the customer's.
        const std::string_view next = trim(lines[i + 1]);
        const bool next_is_whole = is_attribution(next) && may_start_attribution(next);
        if (!next_is_whole && is_attribution(joined)) return true;
    }
    return false;
}

// A character reference starting at html[i] == '&': appends its text and returns the
// length consumed, or 0 when it is not one this knows (the '&' is then kept as text).
size_t decode_entity(std::string_view html, size_t i, std::string& out) {
    const size_t semi = html.find(';', i);
    if (semi == std::string_view::npos || semi - i > 10) return 0;
    const std::string_view name = html.substr(i + 1, semi - i - 1);
    if (name.size() >= 2 && name[0] == '#') {
        uint32_t cp = 0;
        const bool hex = name[1] == 'x' || name[1] == 'X';
        const std::string_view digits = name.substr(hex ? 2 : 1);
        if (digits.empty()) return 0;
        for (char c : digits) {
            uint32_t d;
            if (is_digit(c))
                d = static_cast<uint32_t>(c - '0');
            else if (hex && c >= 'a' && c <= 'f')
                d = static_cast<uint32_t>(c - 'a' + 10);
            else if (hex && c >= 'A' && c <= 'F')
                d = static_cast<uint32_t>(c - 'A' + 10);
            else
                return 0;
            cp = cp * (hex ? 16 : 10) + d;
            if (cp > 0x10FFFF) cp = 0x110000;  // stays invalid, becomes U+FFFD
        }
        utf8::append(out, cp == 0 ? 0xFFFD : cp);  // &#0; too, as HTML reads it
        return semi - i + 1;
    }
    static const std::pair<const char*, uint32_t> named[] = {
        {"amp", '&'},     {"lt", '<'},       {"gt", '>'},       {"quot", '"'},
        {"apos", '\''},   {"nbsp", 0xA0},    {"auml", 0xE4},    {"Auml", 0xC4},
        {"ouml", 0xF6},   {"Ouml", 0xD6},    {"aring", 0xE5},   {"Aring", 0xC5},
        {"euro", 0x20AC}, {"ndash", 0x2013}, {"mdash", 0x2014}, {"hellip", 0x2026}};
    for (const auto& [n, cp] : named) {
        if (name == n) {
            // A no-break space is a space to the reply parser.
            if (cp == 0xA0)
                out += ' ';
            else
                utf8::append(out, cp);
            return semi - i + 1;
        }
    }
    return 0;
}

bool is_block_tag(std::string_view tag) {
    static const char* const blocks[] = {"br",    "p",  "div", "tr", "li", "h1",
                                         "h2",    "h3", "h4",  "h5", "h6", "blockquote",
                                         "table", "ul", "ol",  "hr", "pre"};
    for (const char* b : blocks)
        if (tag == b) return true;
    return false;
}

}  // namespace

std::string strip_quoted_reply(const std::string& text) {
    std::vector<std::string_view> lines;
    std::string_view rest = text;
    while (true) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        lines.push_back(line);
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    std::vector<std::string_view> kept;
    for (size_t i = 0; i < lines.size(); ++i) {
        if (starts_quoted_tail(lines, i)) break;
        const std::string_view t = trim(lines[i]);
        if (!t.empty() && t.front() == '>') continue;
        std::string_view line = lines[i];
        while (!line.empty() && is_space(line.back())) line.remove_suffix(1);
        kept.push_back(line);
    }
    while (!kept.empty() && kept.back().empty()) kept.pop_back();
    size_t first = 0;
    while (first < kept.size() && kept[first].empty()) ++first;
    std::string out;
    for (size_t i = first; i < kept.size(); ++i) {
        if (i > first) out += '\n';
        out += kept[i];
    }
    return std::string(trim(out));
}

std::string html_to_text(std::string_view html) {
    std::string out;
    bool pending_space = false;
    auto newline = [&] {
        while (!out.empty() && out.back() == ' ') out.pop_back();
        out += '\n';
        pending_space = false;
    };
    size_t i = 0;
    while (i < html.size()) {
        const char c = html[i];
        if (c == '<') {
            if (html.substr(i, 4) == "<!--") {
                const size_t end = html.find("-->", i + 4);
                i = end == std::string_view::npos ? html.size() : end + 3;
                continue;
            }
            const size_t end = html.find('>', i);
            if (end == std::string_view::npos) break;  // an unterminated tag is dropped
            std::string_view inside = html.substr(i + 1, end - i - 1);
            const bool closing = !inside.empty() && inside.front() == '/';
            if (closing) inside.remove_prefix(1);
            size_t n = 0;
            while (n < inside.size() && !is_space(inside[n]) && inside[n] != '/' &&
                   inside[n] != '>')
                ++n;
            std::string tag;
            for (char x : inside.substr(0, n)) tag += ascii_lower(x);
            i = end + 1;
            if (!closing &&
                (tag == "style" || tag == "script" || tag == "head" || tag == "title")) {
                // Skip to the matching close tag; its contents are not text.
                const std::string close = "</" + tag;
                size_t j = i;
                while (j < html.size() && !starts_with_nocase(html.substr(j), close)) ++j;
                const size_t gt = html.find('>', j);
                i = gt == std::string_view::npos ? html.size() : gt + 1;
                continue;
            }
            if (is_block_tag(tag)) newline();
            continue;
        }
        if (is_space(c)) {
            pending_space = true;
            ++i;
            continue;
        }
        if (pending_space && !out.empty() && out.back() != '\n') out += ' ';
        pending_space = false;
        if (c == '&') {
            if (const size_t used = decode_entity(html, i, out)) {
                i += used;
                continue;
            }
        }
        out += c;
        ++i;
    }
    // Trim each line and collapse runs of blank lines to one.
    std::string result;
    std::string_view rest = out;
    int blank_run = 0;
    while (true) {
        const size_t nl = rest.find('\n');
        const std::string_view line = trim(rest.substr(0, nl));
        if (line.empty()) {
            ++blank_run;
        } else {
            if (!result.empty()) result += blank_run > 1 ? "\n\n" : "\n";
            result += line;
            blank_run = 0;
        }
        if (nl == std::string_view::npos) break;
        rest.remove_prefix(nl + 1);
    }
    return result;
}

std::string extract_address(std::string_view mailbox) {
    const size_t open = mailbox.rfind('<');
    if (open != std::string_view::npos) {
        const size_t close = mailbox.find('>', open);
        if (close != std::string_view::npos)
            return std::string(trim(mailbox.substr(open + 1, close - open - 1)));
    }
    return std::string(trim(mailbox));
}

std::string format_mailbox(std::string_view name, std::string_view address) {
    std::string clean;
    for (char c : name)
        if (c != '\r' && c != '\n') clean += c;
    const std::string_view n = trim(clean);
    if (n.empty()) return std::string(address);
    bool special = false;
    for (char c : n)
        if (std::string_view("()<>[]:;@\\,.\"").find(c) != std::string_view::npos) special = true;
    if (!special) return std::string(n) + " <" + std::string(address) + ">";
    std::string quoted = "\"";
    for (char c : n) {
        if (c == '"' || c == '\\') quoted += '\\';
        quoted += c;
    }
    return quoted + "\" <" + std::string(address) + ">";
}

std::string header_field(std::string_view raw_headers, std::string_view name) {
    std::string value;
    bool in_field = false;
    std::string_view rest = raw_headers;
    while (!rest.empty()) {
        const size_t nl = rest.find('\n');
        std::string_view line = rest.substr(0, nl);
        if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
        rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
        if (line.empty()) break;  // end of the header block
        if (line.front() == ' ' || line.front() == '\t') {
            if (in_field) {
                value += ' ';
                value += trim(line);
            }
            continue;
        }
        if (in_field) break;
        const size_t colon = line.find(':');
        if (colon == std::string_view::npos) continue;
        if (trim(line.substr(0, colon)).size() == name.size() &&
            starts_with_nocase(trim(line.substr(0, colon)), name)) {
            in_field = true;
            value = std::string(trim(line.substr(colon + 1)));
        }
    }
    return std::string(trim(value));
}

std::string strip_angle_brackets(std::string_view id) {
    std::string_view t = trim(id);
    if (!t.empty() && t.front() == '<') t.remove_prefix(1);
    if (!t.empty() && t.back() == '>') t.remove_suffix(1);
    return std::string(trim(t));
}

}  // namespace cxgate::channels
