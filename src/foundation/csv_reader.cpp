#include "cxgate/foundation/csv_reader.hpp"

namespace cxgate::csv {

bool read_record(std::istream& in, std::vector<std::string>& fields, int& lines) {
    fields.clear();
    std::string line;
    if (!std::getline(in, line)) return false;
    ++lines;
    std::string field;
    bool quoted = false;
    for (size_t i = 0;; ++i) {
        if (i == line.size()) {
            if (quoted) {
                std::string more;
                if (!std::getline(in, more)) break;
                ++lines;
                field += '\n';
                line = more;
                i = static_cast<size_t>(-1);
                continue;
            }
            break;
        }
        char c = line[i];
        if (quoted) {
            if (c == '"' && i + 1 < line.size() && line[i + 1] == '"') {
                field += '"';
                ++i;
            } else if (c == '"') {
                quoted = false;
            } else {
                field += c;
            }
        } else if (c == '"') {
            quoted = true;
        } else if (c == ',') {
            fields.push_back(field);
            field.clear();
        } else if (c != '\r' || i + 1 != line.size()) {
            field += c;
        }
    }
    fields.push_back(field);
    return true;
}

}  // namespace cxgate::csv
