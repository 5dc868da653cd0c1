// Word forms for theme matching (word_forms.hpp), Finnish through Voikko.
#include "cxgate/report/word_forms.hpp"

#include <libvoikko/voikko.h>

#include <algorithm>
#include <cctype>
#include <stdexcept>

namespace cxgate::report {

namespace {

// UTF-8 encoding of a code point below U+0800 (every letter lower_case produces).
void put(std::string& out, char32_t c) {
    if (c < 0x80) {
        out += static_cast<char>(c);
    } else {
        out += static_cast<char>(0xC0 | (c >> 6));
        out += static_cast<char>(0x80 | (c & 0x3F));
    }
}

}  // namespace

std::vector<std::string> words_of(const std::string& text) {
    std::vector<std::string> out;
    std::string word;
    auto flush = [&] {
        if (!word.empty()) out.push_back(word);
        word.clear();
    };
    for (size_t i = 0; i < text.size();) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            if (std::isalpha(c))
                word += static_cast<char>(std::tolower(c));
            else if (c == '-' && !word.empty())
                word += '-';  // "asiakas-palvelu" stays one word, as Voikko reads it
            else
                flush();
            ++i;
            continue;
        }
        // Two-byte sequences hold the Latin-1 letters (ä, ö, å, é, ...); Latin-1 capitals
        // (U+00C0..U+00DE, except ×) are their small letter minus 0x20.
        if ((c & 0xE0) == 0xC0 && i + 1 < text.size()) {
            char32_t cp = ((c & 0x1F) << 6) | (static_cast<unsigned char>(text[i + 1]) & 0x3F);
            if (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7) cp += 0x20;
            if (cp >= 0xDF && cp <= 0xFF && cp != 0xF7)
                put(word, cp);
            else
                flush();
            i += 2;
            continue;
        }
        flush();  // other scripts and symbols (emoji, punctuation) end a word
        ++i;
        while (i < text.size() && (static_cast<unsigned char>(text[i]) & 0xC0) == 0x80) ++i;
    }
    flush();
    for (auto& w : out)
        while (!w.empty() && w.back() == '-') w.pop_back();
    return out;
}

struct FinnishForms::Handle {
    VoikkoHandle* handle = nullptr;
};

FinnishForms::FinnishForms() : voikko_(std::make_unique<Handle>()) {
    const char* error = nullptr;
    voikko_->handle = voikkoInit(&error, "fi", nullptr);
    if (!voikko_->handle)
        throw std::runtime_error(std::string("Voikko (Finnish word forms): ") +
                                 (error ? error : "cannot start") +
                                 "; install libvoikko1 and voikko-fi");
}

FinnishForms::~FinnishForms() {
    if (voikko_ && voikko_->handle) voikkoTerminate(voikko_->handle);
}

std::vector<std::string> FinnishForms::forms(const std::string& word) {
    std::vector<std::string> out{word};
    auto add = [&](const std::string& form) {
        if (!form.empty() && std::find(out.begin(), out.end(), form) == out.end())
            out.push_back(form);
    };
    voikko_mor_analysis** analyses = voikkoAnalyzeWordCstr(voikko_->handle, word.c_str());
    if (!analyses) return out;
    for (auto** a = analyses; *a; ++a) {
        if (char* base = voikko_mor_analysis_value_cstr(*a, "BASEFORM")) {
            std::string lower;
            for (const auto& w : words_of(base)) lower += w;
            add(lower);
            voikko_free_mor_analysis_value_cstr(base);
        }
        // "+odot(odottaa)+us(+us)+aika(aika)": each part's base form in parentheses.
        if (char* bases = voikko_mor_analysis_value_cstr(*a, "WORDBASES")) {
            const std::string text = bases;
            for (size_t open = text.find('('); open != std::string::npos;
                 open = text.find('(', open + 1)) {
                const auto close = text.find(')', open);
                if (close == std::string::npos) break;
                auto part = text.substr(open + 1, close - open - 1);
                if (!part.empty() && part.front() != '+') add(part);
            }
            voikko_free_mor_analysis_value_cstr(bases);
        }
    }
    voikko_free_mor_analysis(analyses);
    return out;
}

bool prefix_match(const std::string& word, const std::string& keyword) {
    if (keyword.empty()) return false;
    if (word.rfind(keyword, 0) == 0) return true;
    // Less its final vowel (one byte for a, e, i, o, u, y; ä and ö are two).
    static const std::vector<std::string> vowels{"a", "e", "i", "o", "u", "y", "ä", "ö", "å"};
    for (const auto& v : vowels) {
        if (keyword.size() > v.size() + 2 &&
            keyword.compare(keyword.size() - v.size(), v.size(), v) == 0) {
            const auto stem = keyword.substr(0, keyword.size() - v.size());
            return word.rfind(stem, 0) == 0;
        }
    }
    return false;
}

}  // namespace cxgate::report
