// libFuzzer target: replies come from anyone with a phone, so no byte sequence may crash or
// throw. Not part of the CMake build; see README.md.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "cxgate/replies/parse.hpp"

using cxgate::replies::Intent;
using cxgate::replies::parse_reply;

namespace {

void check(std::string_view text, const cxgate::metrics::Scale& scale) {
    const auto r = parse_reply(text, scale);
    // Invariants the conversation code relies on; abort() makes libFuzzer keep the input.
    if (r.intent == Intent::score) {
        if (!r.score || *r.score < scale.min || *r.score > scale.max) std::abort();
    } else if (r.score) {
        std::abort();
    }
    if (r.confidence < 0 || r.confidence > 1) std::abort();
    if (r.comment.size() > text.size()) std::abort();
    const auto keyword = cxgate::replies::keyword_intent(text);
    if (keyword && r.intent != *keyword) std::abort();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    check(text, {0, 10});
    check(text, {1, 5});
    return 0;
}
