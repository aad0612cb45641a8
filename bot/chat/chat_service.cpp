#include "bot/chat/chat_service.hpp"

#include <chrono>

#include "bot/chat/session_id.hpp"
#include "bot/protocol/server_frame.hpp"
#include "bot/protocol/utf8_text.hpp"

namespace advisor::server {
namespace {

// The intent the engine answers with when no rule matches (counted apart).
constexpr std::string_view fallback_intent = "fallback";
// What a platform's empty message (a bare mention or slash command) asks.
constexpr std::string_view empty_platform_text = "help";
// The intent of the short reply to a platform message over the limit.
constexpr std::string_view too_long_intent = "too_long";

}  // namespace

void chat_service::record(const reply& r, std::chrono::steady_clock::duration elapsed, std::string_view text,
                          const turn_request& req) {
  metrics_.reply_latency().observe(elapsed);
  metrics_.reply_counter(r.intent).inc();
  if (r.intent == fallback_intent) metrics_.fallbacks_total().inc();
  if (r.rule == brain::match_error_rule) {
    metrics_.match_errors_total().inc();
    log_.at(log_level::warn, "match_error").str("channel", req.channel).str("session", req.session);
  }
  auto rec = log_.at(log_level::info, "reply");
  rec.str("channel", req.channel)
      .str("session", req.session)
      .str("intent", r.intent)
      .num("confidence", r.confidence)
      .num("latency_us",
           static_cast<std::int64_t>(std::chrono::duration_cast<std::chrono::microseconds>(elapsed).count()));
  if (!r.rule.empty()) rec.str("rule", r.rule);
  if (log_.log_text()) rec.str("text", text);
}

chat_service::chat_service(protocol::text_limits limits, session_store& sessions, server_metrics& metrics, logger& log,
                           std::shared_ptr<const brain> b)
    : limits_(limits), sessions_(sessions), metrics_(metrics), log_(log), brain_(std::move(b)) {}

open_session chat_service::open(std::string_view requested_id, bool save_new) {
  open_session s;
  if (plausible_session_id(requested_id)) {
    if (auto conv = sessions_.load(requested_id)) {
      s.id = std::string(requested_id);
      s.conv = std::move(*conv);
      s.resumed = true;
    }
  }
  if (!s.resumed) {
    s.id = new_session_id();
    if (save_new) sessions_.save(s.id, s.conv);
  }
  return s;
}

turn_result chat_service::turn(const turn_request& req) { return run(req, nullptr); }

turn_result chat_service::turn(const turn_request& req, conversation& conv) { return run(req, &conv); }

turn_result chat_service::run(const turn_request& req, conversation* held) {
  turn_result out;
  const auto b = current_brain();
  if (b == nullptr) {
    out.status = turn_result::outcome::not_ready;
    return out;
  }
  std::string_view text = req.text;
  if (req.source == text_source::platform) {
    text = protocol::trim_unicode_space(text);
    if (protocol::count_code_points(text) > limits_.max_text_chars) {
      metrics_.error_counter(protocol::wire_error::too_long).inc();
      out.reply.intent = too_long_intent;
      out.reply.text = "That question is too long (over " + std::to_string(limits_.max_text_chars) +
                       " characters). Please ask something shorter.";
      return out;
    }
    if (text.empty()) text = empty_platform_text;
  }

  // Loaded only once the turn will be answered (a load counts as use).
  conversation stored;
  if (held == nullptr) stored = sessions_.load(req.session).value_or(conversation());
  conversation& conv = held != nullptr ? *held : stored;

  const auto start = std::chrono::steady_clock::now();
  out.reply = b->answer(text, conv, {.explain = req.explain});
  if (req.form != reply_form::value) {
    out.frame = protocol::reply_frame(out.reply, req.id, b->version(),
                                      req.form == reply_form::frame_with_session ? req.session : std::string_view());
  }
  const auto elapsed = std::chrono::steady_clock::now() - start;
  // The parts live in the brain, which may be replaced once this returns.
  out.reply.parts = nullptr;

  record(out.reply, elapsed, text, req);

  sessions_.save(req.session, conv);
  return out;
}

void chat_service::count_message() { metrics_.messages_total().inc(); }

void chat_service::record_error(const protocol::frame_error& e, std::string_view session, std::string_view channel) {
  metrics_.error_counter(e.code).inc();
  log_.at(e.code == protocol::wire_error::rate_limited ? log_level::debug : log_level::info, "protocol_error")
      .str("channel", channel)
      .str("session", session)
      .str("code", protocol::to_string(e.code));
}

void chat_service::count_error(std::string_view code) { metrics_.error_counter(code).inc(); }

void chat_service::count_error(protocol::wire_error code) { metrics_.error_counter(code).inc(); }

void chat_service::save(std::string_view id, const conversation& conv) { sessions_.save(id, conv); }

}  // namespace advisor::server
