#include "bot/channels/discord_channel.hpp"

#include <boost/json.hpp>

#include "bot/channels/payloads.hpp"
#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

}  // namespace

discord_channel::discord_channel(const channel_services& services, discord_verifier verifier)
    : channel_base(services, "discord"), verifier_(std::move(verifier)) {}

route_response discord_channel::handle(const route_request& r) {
  const std::string_view body = r.message.body();
  const verdict v = verifier_.verify(header(r, "X-Signature-Ed25519"), header(r, "X-Signature-Timestamp"), body);
  if (v != verdict::ok) return unauthorized(v);
  if (auto wrong = require_json(r)) return std::move(*wrong);
  const auto interaction = parse_discord_interaction(body);
  if (!interaction.value) return reject(http::status::bad_request, interaction.code, interaction.message);
  const discord_interaction& i = *interaction.value;
  if (i.ping) return json(R"({"type":1})");
  const conversation_key key{"discord", i.guild, i.channel, i.user};
  auto a = ask(key, i.question);
  if (a.error) return std::move(*a.error);
  json::object out{{"type", 4},
                   {"data", json::object{{"content", render_discord(*a.reply)},
                                         {"allowed_mentions", json::object{{"parse", json::array{}}}}}}};
  return json(json::serialize(out));
}

}  // namespace advisor::channels
