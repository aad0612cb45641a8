#include "bot/server/chat_turn.hpp"

#include <chrono>

#include "bot/protocol/server_frame.hpp"

namespace advisor::server {
namespace {

// Counts and logs one answered turn.
void record_turn(server_context& ctx, const reply& r, std::chrono::steady_clock::duration elapsed,
                 std::string_view text, std::string_view session, std::string_view channel) {
  auto& m = ctx.metrics;
  m.reply_latency().observe(elapsed);
  m.reply_counter(r.intent).inc();
  if (r.intent == "fallback") m.fallbacks_total().inc();

  auto rec = ctx.log.at(log_level::info, "reply");
  rec.str("channel", channel)
      .str("session", session)
      .str("intent", r.intent)
      .num("confidence", r.confidence)
      .num("latency_us",
           static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  if (!r.rule.empty()) rec.str("rule", r.rule);
  if (ctx.log.log_text()) rec.str("text", text);
}

}  // namespace

std::string answer_turn(server_context& ctx, const brain& b, conversation& conv, std::string_view text,
                        const protocol::reply_to& id, std::string_view session, std::string_view channel,
                        bool include_session) {
  const auto start = std::chrono::steady_clock::now();
  const reply r = b.answer(text, conv);
  std::string frame = protocol::reply_frame(r, id, b.version(), include_session ? session : std::string_view());
  record_turn(ctx, r, std::chrono::steady_clock::now() - start, text, session, channel);
  return frame;
}

reply answer_reply(server_context& ctx, const brain& b, conversation& conv, std::string_view text,
                   std::string_view session, std::string_view channel) {
  const auto start = std::chrono::steady_clock::now();
  reply r = b.answer(text, conv);
  record_turn(ctx, r, std::chrono::steady_clock::now() - start, text, session, channel);
  return r;
}

std::string error_turn(server_context& ctx, const protocol::frame_error& e, std::string_view session,
                       std::string_view channel) {
  ctx.metrics.error_counter(e.code).inc();
  ctx.log.at(e.code == protocol::wire_error::rate_limited ? log_level::debug : log_level::info, "protocol_error")
      .str("channel", channel)
      .str("session", session)
      .str("code", protocol::to_string(e.code));
  return protocol::error_frame(e);
}

}  // namespace advisor::server
