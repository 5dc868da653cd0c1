// Composing an email for SMTP: input checks, top-level headers with RFC 2047 encoded-words,
// and the text parts with CRLF line ends.
#include "cxgate/channels/mime_message.hpp"

#include <openssl/evp.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <ctime>

#include "header_text.hpp"

namespace cxgate::channels {

namespace {

using namespace detail;

std::string base64(std::string_view bytes) {
    std::string out(4 * ((bytes.size() + 2) / 3) + 1, '\0');
    int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                            reinterpret_cast<const unsigned char*>(bytes.data()),
                            static_cast<int>(bytes.size()));
    out.resize(static_cast<size_t>(n));
    return out;
}

// The quoted-printable encoder treats only CRLF as a line break (a lone LF would become
// "=0A"), and SMTP wants CRLF anyway.
std::string crlf_lines(std::string_view text) {
    std::string out;
    out.reserve(text.size() + text.size() / 32);
    for (size_t i = 0; i < text.size(); ++i) {
        if (text[i] == '\r' && i + 1 < text.size() && text[i + 1] == '\n') {
            out += "\r\n";
            ++i;
        } else if (text[i] == '\n' || text[i] == '\r') {
            out += "\r\n";
        } else {
            out += text[i];
        }
    }
    return out;
}

// The line a header value continues on after its last fold.
size_t last_line_length(std::string_view s) {
    auto fold = s.rfind("\r\n");
    return fold == s.npos ? s.size() : s.size() - fold - 2;
}

bool plain_ascii(std::string_view s) {
    return std::all_of(s.begin(), s.end(), [](char c) { return c >= 0x20 && c <= 0x7e; });
}

// From: "Display Name" <address>, the display name encoded when it is not ASCII.
std::string from_header(const MailMessage& m) {
    std::string value;
    const std::string_view prefix = "From: ";
    if (m.from_name.empty()) return std::string(prefix) + m.from;
    if (plain_ascii(m.from_name)) {
        value = "\"";
        for (char c : m.from_name) {
            if (c == '"' || c == '\\') value += '\\';
            value += c;
        }
        value += '"';
    } else {
        value = encode_header_value(m.from_name, prefix.size());
    }
    const bool fits = last_line_length(std::string(prefix) + value) + m.from.size() + 3 <= 76;
    return std::string(prefix) + value + (fits ? " <" : "\r\n <") + m.from + ">";
}

}  // namespace

std::string mail_input_error(const MailMessage& m) {
    if (m.to.empty()) return "mail without recipients";
    if (m.from.empty()) return "mail without sender";
    for (const auto& s : {m.from, m.from_name})
        if (has_line_break(s)) return "line break in sender";
    for (const auto& s : m.to)
        if (has_line_break(s) || s.empty()) return "invalid recipient";
    for (const auto& h : m.headers)
        if (has_line_break(h) || h.find(':') == h.npos) return "invalid mail header '" + h + "'";
    return {};
}

std::vector<std::string> mail_headers(const MailMessage& m,
                                      std::chrono::system_clock::time_point now) {
    // The caller's headers win over our defaults.
    std::vector<std::string> lines;
    std::vector<std::string> own;
    for (const auto& h : m.headers) own.push_back(header_name(h));
    auto add = [&](std::string_view name, const std::string& line) {
        if (std::find(own.begin(), own.end(), lower(name)) == own.end()) lines.push_back(line);
    };
    std::string to_line = "To: ";
    for (size_t i = 0; i < m.to.size(); ++i) to_line += (i ? ",\r\n " : "") + m.to[i];
    add("Date", "Date: " + rfc5322_date(now));
    add("From", from_header(m));
    add("To", to_line);
    add("Subject", "Subject: " + encode_header_value(m.subject, std::strlen("Subject: ")));
    add("MIME-Version", "MIME-Version: 1.0");  // curl adds its own only when this is missing
    lines.insert(lines.end(), m.headers.begin(), m.headers.end());
    return lines;
}

std::vector<MailPart> mail_parts(const MailMessage& m) {
    std::vector<MailPart> parts;
    parts.push_back({"text/plain; charset=UTF-8", crlf_lines(m.text)});
    if (!m.html.empty()) parts.push_back({"text/html; charset=UTF-8", crlf_lines(m.html)});
    return parts;
}

std::string mail_document(const MailMessage& m, std::chrono::system_clock::time_point date,
                          const std::string& boundary) {
    auto part_text = [](const MailPart& part) {
        std::string out = "Content-Type: " + std::string(part.type) +
                          "\r\nContent-Transfer-Encoding: base64\r\n\r\n";
        const auto encoded = base64(part.data);
        for (size_t i = 0; i < encoded.size(); i += 76) out += encoded.substr(i, 76) + "\r\n";
        return out;
    };
    std::string out;
    for (const auto& line : mail_headers(m, date)) out += line + "\r\n";
    const auto parts = mail_parts(m);
    if (parts.size() == 1) return out + part_text(parts.front());
    out += "Content-Type: multipart/alternative; boundary=\"" + boundary + "\"\r\n\r\n";
    for (const auto& part : parts) out += "--" + boundary + "\r\n" + part_text(part);
    return out + "--" + boundary + "--\r\n";
}

std::string encode_header_value(std::string_view utf8, size_t first_line_used) {
    std::string text(utf8);
    for (auto& c : text)
        if (c == '\r' || c == '\n') c = ' ';
    // "=?" in plain text would read as the start of an encoded-word; very long plain values
    // would break SMTP's 998-character line limit. Both get encoded (and so folded) too.
    if (plain_ascii(text) && text.find("=?") == text.npos && first_line_used + text.size() <= 900)
        return text;

    // An encoded-word is "=?UTF-8?B?" + base64 + "?=": 12 characters around the base64, and
    // each 3 input bytes become 4 base64 characters. A line holding encoded-words must stay
    // within 76 characters (RFC 2047 section 2), a word within 75.
    constexpr std::string_view open = "=?UTF-8?B?", close = "?=";
    auto max_bytes = [&](size_t used) {
        const size_t room = used + open.size() + close.size() < 76
                                ? std::min<size_t>(75, 76 - used) - open.size() - close.size()
                                : 0;
        return room / 4 * 3;
    };
    std::string out;
    size_t used = first_line_used;
    size_t pos = 0;
    while (pos < text.size()) {
        size_t n = std::min(max_bytes(used), text.size() - pos);
        if (n == 0) {  // no room left on the first line: start on a continuation line
            out += "\r\n ";
            used = 1;
            continue;
        }
        // Back off to a character boundary: continuation bytes look like 10xxxxxx.
        size_t cut = n;
        while (cut > 0 && pos + cut < text.size() &&
               (static_cast<unsigned char>(text[pos + cut]) & 0xC0) == 0x80)
            --cut;
        if (cut == 0) cut = n;  // not UTF-8 at all; any split is as good as another
        out += open;
        out += base64(std::string_view(text).substr(pos, cut));
        out += close;
        pos += cut;
        if (pos < text.size()) {
            out += "\r\n ";
            used = 1;
        }
    }
    return out;
}

std::string rfc5322_date(std::chrono::system_clock::time_point time) {
    // Spelled out rather than strftime'd so that the process locale cannot change it.
    static constexpr const char* days[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
    static constexpr const char* months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    std::time_t t = std::chrono::system_clock::to_time_t(time);
    std::tm tm{};
    gmtime_r(&t, &tm);
    char buf[40];
    std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d +0000", days[tm.tm_wday],
                  tm.tm_mday, months[tm.tm_mon], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                  tm.tm_sec);
    return buf;
}

}  // namespace cxgate::channels
