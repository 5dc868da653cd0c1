#include <algorithm>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "fields.hpp"
#include "render.hpp"

namespace cxgate::templates::detail {

namespace {

// Markers around a value's index in the rendering that finds a template's literal text.
// ASCII record and unit separators: no template has a reason to contain them, and one
// that does is rendered through mstch every time instead.
constexpr char kOpen = '\x1e';
constexpr char kClose = '\x1f';

bool truthy(const Field& f) {
    if (const auto* text = std::get_if<std::string>(&f.value)) return !text->empty();
    return std::get<bool>(f.value);
}

// Literal text, then the value of field `field` (none for the last piece).
struct Piece {
    std::string literal;
    int field = -1;
};
using Compiled = std::vector<Piece>;

std::shared_ptr<const Compiled> compile(const std::string& source, const Fields& fields) {
    if (source.find(kOpen) != std::string::npos || source.find(kClose) != std::string::npos)
        return nullptr;
    // An empty text stays empty: it closes sections and puts nothing in, as itself would.
    Fields markers = fields;
    for (size_t i = 0; i < markers.size(); ++i)
        if (auto* text = std::get_if<std::string>(&markers[i].value); text && !text->empty())
            *text = kOpen + std::to_string(i) + kClose;
    const auto marked = render(source, to_mstch(markers), false);

    auto out = std::make_shared<Compiled>();
    Piece piece;
    for (size_t at = 0; at < marked.size();) {
        const auto open = marked.find(kOpen, at);
        if (open == std::string::npos) {
            piece.literal.append(marked, at, std::string::npos);
            break;
        }
        const auto close = marked.find(kClose, open);
        if (close == std::string::npos) return nullptr;  // cannot happen: a marker is whole
        piece.literal.append(marked, at, open - at);
        piece.field = std::stoi(marked.substr(open + 1, close - open - 1));
        out->push_back(std::move(piece));
        piece = Piece{};
        at = close + 1;
    }
    out->push_back(std::move(piece));
    return out;
}

// Bounded: a reload brings new template texts, and the old entries are dropped together
// when the cache is full rather than tracked one by one.
constexpr size_t kMaxCompiled = 2048;

class Cache {
  public:
    std::shared_ptr<const Compiled> find(const std::string& key) {
        std::lock_guard lock(mutex_);
        auto it = entries_.find(key);
        return it == entries_.end() ? nullptr : it->second;
    }
    void put(std::string key, std::shared_ptr<const Compiled> compiled) {
        std::lock_guard lock(mutex_);
        if (entries_.size() >= kMaxCompiled) entries_.clear();
        entries_.emplace(std::move(key), std::move(compiled));
    }

  private:
    std::mutex mutex_;
    std::unordered_map<std::string, std::shared_ptr<const Compiled>> entries_;
};

Cache& cache() {
    static Cache instance;
    return instance;
}

}  // namespace

mstch::map to_mstch(const Fields& fields) {
    mstch::map top;
    std::map<std::string, mstch::map> groups;
    for (const auto& f : fields) {
        auto& into = f.group.empty() ? top : groups[f.group];
        std::visit([&](const auto& v) { into.emplace(f.name, v); }, f.value);
    }
    for (auto& [name, group] : groups) top.emplace(name, std::move(group));
    return top;
}

std::string render_fields(const std::string& source, const Fields& fields) {
    // The template's text, then each value's name and whether it is set: what decides
    // the literal text.
    std::string key = source;
    key += '\0';
    for (const auto& f : fields) {
        key += f.group;
        key += '.';
        key += f.name;
        // Its kind too: a marker is filled only from a text.
        const bool text = std::holds_alternative<std::string>(f.value);
        key += truthy(f) ? (text ? '\1' : '\3') : (text ? '\2' : '\4');
    }
    auto compiled = cache().find(key);
    if (!compiled) {
        compiled = compile(source, fields);
        if (!compiled) return render(source, to_mstch(fields), false);
        cache().put(std::move(key), compiled);
    }
    size_t size = 0;
    for (const auto& piece : *compiled) {
        size += piece.literal.size();
        if (piece.field >= 0) size += std::get<std::string>(fields[piece.field].value).size();
    }
    std::string out;
    out.reserve(size);
    for (const auto& piece : *compiled) {
        out += piece.literal;
        if (piece.field >= 0) out += std::get<std::string>(fields[piece.field].value);
    }
    return out;
}

}  // namespace cxgate::templates::detail
