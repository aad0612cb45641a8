// libFuzzer target: the WebSocket client-frame parser and the HTTP chat
// request parser (bot/protocol/client_frame.hpp) on arbitrary bytes. Both
// must return a frame or a frame_error, never crash or throw.
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <variant>

#include "bot/protocol/client_frame.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace advisor::protocol;
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const text_limits limits{};
  const text_limits tiny{.max_text_chars = 3};

  auto frame = parse_client_frame(input, limits);
  if (auto* f = std::get_if<client_frame>(&frame)) {
    // A parsed message is never empty and never over the limit.
    if (f->type == frame_type::message && f->text.empty()) __builtin_trap();
  }
  (void)parse_client_frame(input, tiny);
  (void)parse_chat_request(input, limits);
  return 0;
}
