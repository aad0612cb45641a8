// libFuzzer target: the engine's whole reply path. The shipped rules and
// knowledge are loaded once; each input is split on '\n' into the turns of
// one conversation, and every turn goes through brain::answer (normalising,
// spelling correction, matching, context, composing). Also explain().
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string_view>

#include "bot/engine/brain.hpp"

namespace {

std::shared_ptr<const advisor::brain> shipped_brain() {
  static const std::shared_ptr<const advisor::brain> b = [] {
    const std::filesystem::path src = ADVISOR_SOURCE_DIR;
    advisor::load_report report;
    auto loaded = advisor::brain::load(src / "rules", src / "knowledge", report);
    if (!loaded) {
      std::fprintf(stderr, "brain_answer_fuzz: the shipped rules do not load\n");
      std::abort();
    }
    return loaded;
  }();
  return b;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const auto b = shipped_brain();
  std::string_view rest(reinterpret_cast<const char*>(data), size);
  advisor::conversation conv;
  while (true) {
    const auto nl = rest.find('\n');
    const auto turn = rest.substr(0, nl);
    (void)b->answer(turn, conv);
    if (nl == std::string_view::npos) break;
    rest.remove_prefix(nl + 1);
  }
  (void)b->explain(std::string_view(reinterpret_cast<const char*>(data), size));
  // The context survives a store round trip.
  if (!advisor::conversation::deserialize(conv.serialize())) __builtin_trap();
  (void)advisor::conversation::deserialize(std::string_view(reinterpret_cast<const char*>(data), size));
  return 0;
}
