#include "bot/channels/discord_channel.hpp"

#include <boost/json.hpp>

#include "bot/channels/reply_renderer.hpp"

namespace advisor::channels {
namespace {

namespace json = boost::json;

const json::object* object_of(const json::object& o, std::string_view key) {
  const auto* v = o.if_contains(key);
  return v != nullptr && v->is_object() ? &v->get_object() : nullptr;
}

// The first string option's value, depth-first through sub-command options.
std::optional<std::string_view> question(const json::object& container, int depth = 0) {
  const auto* options = container.if_contains("options");
  if (options == nullptr || !options->is_array() || depth > 3) return std::nullopt;
  for (const auto& opt : options->get_array()) {
    if (!opt.is_object()) continue;
    const auto& o = opt.get_object();
    if (const auto* v = o.if_contains("value"); v != nullptr && v->is_string())
      return std::string_view(v->get_string());
    if (auto nested = question(o, depth + 1)) return nested;
  }
  return std::nullopt;
}

}  // namespace

discord_channel::discord_channel(const channel_services& services,
                                 discord_verifier verifier)
    : channel_base(services, "discord"), verifier_(std::move(verifier)) {}

route_response discord_channel::handle(const route_request& r) {
  const std::string_view body = r.message.body();
  const verdict v = verifier_.verify(header(r, "X-Signature-Ed25519"), header(r, "X-Signature-Timestamp"), body);
  if (v != verdict::ok) return unauthorized(v);
  auto request = parse_json_request(r);
  if (request.error) return std::move(*request.error);
  const json::object& o = *request.object;
  const auto* type = o.if_contains("type");
  if (type == nullptr || !type->is_int64()) {
    return reject(http::status::bad_request, "bad_request", "field 'type' must be an integer");
  }
  if (type->get_int64() == 1) return json(R"({"type":1})");
  if (type->get_int64() != 2) {
    return reject(http::status::bad_request, "bad_request", "only PING and application commands are supported");
  }
  const auto* data = object_of(o, "data");
  if (data == nullptr) return reject(http::status::bad_request, "bad_request", "field 'data' must be an object");

  std::string_view user;
  if (const auto* member = object_of(o, "member")) {
    if (const auto* u = object_of(*member, "user")) user = str_of(*u, "id");
  }
  if (user.empty()) {
    if (const auto* u = object_of(o, "user")) user = str_of(*u, "id");
  }
  const conversation_key key{"discord", str_of(o, "guild_id"), str_of(o, "channel_id"), user};
  auto a = ask(key, question(*data).value_or(std::string_view()));
  if (a.error) return std::move(*a.error);
  json::object out{{"type", 4},
                   {"data", json::object{{"content", render_discord(*a.reply)},
                                         {"allowed_mentions", json::object{{"parse", json::array{}}}}}}};
  return json(json::serialize(out));
}

}  // namespace advisor::channels
