#pragma once
// Text into HTML: the email's HTML part, the answer and unsubscribe pages.
#include <string>

namespace cxgate::html {

// & < > " ' as entities; everything else as it is (UTF-8 passes through).
std::string escape(const std::string& text);

}  // namespace cxgate::html
