#include "cxgate/foundation/json_input.hpp"

#include <vector>

namespace cxgate::json_input {

namespace {

using json = nlohmann::json;

// nlohmann's own DOM builder behind a SAX filter that counts levels and remembers where
// it is, so an error can name the member ("attributes.deal_id") and a too-deep body is
// refused before the level that breaks the limit exists.
class LimitedDom {
  public:
    LimitedDom(json& root, size_t max_depth) : dom_(root, false), max_depth_(max_depth) {}

    bool null() { return scalar(dom_.null()); }
    bool boolean(bool v) { return scalar(dom_.boolean(v)); }
    bool number_integer(json::number_integer_t v) { return scalar(dom_.number_integer(v)); }
    bool number_unsigned(json::number_unsigned_t v) { return scalar(dom_.number_unsigned(v)); }
    bool number_float(json::number_float_t v, const std::string& text) {
        return scalar(dom_.number_float(v, text));
    }
    bool string(std::string& v) { return scalar(dom_.string(v)); }
    bool binary(json::binary_t& v) { return scalar(dom_.binary(v)); }

    bool start_object(std::size_t n) { return open(true) && dom_.start_object(n); }
    bool key(std::string& k) {
        frames_.back().key = k;
        return dom_.key(k);
    }
    bool end_object() { return close() && dom_.end_object(); }
    bool start_array(std::size_t n) { return open(false) && dom_.start_array(n); }
    bool end_array() { return close() && dom_.end_array(); }

    template <class Exception>
    bool parse_error(std::size_t position, const std::string& token, const Exception& ex) {
        if (ex.id == 406) {  // out_of_range: "number overflow parsing '1e999'"
            field_ = path();
            error_ = "number out of range (" + token.substr(0, 40) + ")";
        } else {
            field_ = "body";
            error_ = "malformed JSON at byte " + std::to_string(position);
        }
        return false;
    }

    const std::string& field() const { return field_; }
    const std::string& error() const { return error_; }

  private:
    struct Frame {
        bool object = false;
        std::string key;   // the member being read, in an object
        size_t index = 0;  // the element being read, in an array
    };

    bool scalar(bool ok) {
        next();
        return ok;
    }
    bool open(bool object) {
        if (frames_.size() >= max_depth_) {
            field_ = "body";
            error_ = "JSON nested deeper than " + std::to_string(max_depth_) + " levels";
            return false;
        }
        frames_.push_back(Frame{object, {}, 0});
        return true;
    }
    bool close() {
        frames_.pop_back();
        next();
        return true;
    }
    // A value ended: in an array, the next one has the next index.
    void next() {
        if (!frames_.empty() && !frames_.back().object) ++frames_.back().index;
    }
    std::string path() const {
        std::string out;
        for (const auto& f : frames_) {
            if (f.object)
                out += (out.empty() ? "" : ".") + f.key;
            else
                out += "[" + std::to_string(f.index) + "]";
        }
        return out.empty() ? "body" : out;
    }

    nlohmann::detail::json_sax_dom_parser<json> dom_;
    size_t max_depth_;
    std::vector<Frame> frames_;
    std::string field_, error_;
};

}  // namespace

Parsed parse(std::string_view text, size_t max_depth) {
    Parsed out;
    json root;
    LimitedDom sax(root, max_depth);
    if (json::sax_parse(text.begin(), text.end(), &sax, json::input_format_t::json, true)) {
        out.value = std::move(root);
        return out;
    }
    out.field = sax.field().empty() ? "body" : sax.field();
    out.error = sax.error().empty() ? "malformed JSON" : sax.error();
    return out;
}

nlohmann::json parse_or_discarded(std::string_view text, size_t max_depth) {
    auto parsed = parse(text, max_depth);
    return parsed.value ? std::move(*parsed.value) : json(json::value_t::discarded);
}

std::string dump(const nlohmann::json& value, int indent) {
    return value.dump(indent, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace cxgate::json_input
