#include "cxgate/foundation/authorization.hpp"

#include <cctype>

namespace cxgate::authorization {

std::optional<std::string_view> credentials(std::string_view header, std::string_view scheme) {
    if (header.size() <= scheme.size()) return std::nullopt;
    for (size_t i = 0; i < scheme.size(); ++i)
        if (std::tolower(static_cast<unsigned char>(header[i])) !=
            std::tolower(static_cast<unsigned char>(scheme[i])))
            return std::nullopt;
    auto rest = header.substr(scheme.size());
    if (rest.front() != ' ') return std::nullopt;
    auto begin = rest.find_first_not_of(' ');
    if (begin == std::string_view::npos) return std::nullopt;
    auto end = rest.find_last_not_of(' ');
    return rest.substr(begin, end - begin + 1);
}

}  // namespace cxgate::authorization
