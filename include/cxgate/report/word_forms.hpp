#pragma once
// The forms under which a word of a comment can match a theme keyword. Finnish inflects
// heavily ("odotin", "odotusaika", "jonossa" are forms of "odottaa" and "jono"), so Finnish
// words are read by Voikko (libvoikko + voikko-fi): each word's base forms, and the base forms
// of a compound's parts. Swedish and English are matched by prefix ("wait" matches
// "waiting", "vänta" matches "väntade" and "väntan").
#include <memory>
#include <string>
#include <vector>

namespace cxgate::report {

// The words of a text, lower-cased (ä, ö, å and other Latin-1 letters too), without
// punctuation or digits.
std::vector<std::string> words_of(const std::string& text);

class FinnishForms {
  public:
    // Throws std::runtime_error when Voikko or its Finnish dictionary is missing.
    FinnishForms();
    ~FinnishForms();
    FinnishForms(const FinnishForms&) = delete;
    FinnishForms& operator=(const FinnishForms&) = delete;

    // The word itself (lower-case), its base forms and its compound parts' base forms.
    // Voikko's handle is not thread-safe; each FinnishForms is used by one thread at a time.
    std::vector<std::string> forms(const std::string& word);

  private:
    struct Handle;
    std::unique_ptr<Handle> voikko_;
};

// Whether `word` is a form of `keyword` in a language matched by prefix (sv, en): it starts
// with the keyword, or with the keyword less its final vowel ("vänta" -> "vänt").
bool prefix_match(const std::string& word, const std::string& keyword);

}  // namespace cxgate::report
