#include "bot/protocol/client_frame.hpp"

#include <boost/json.hpp>

#include "bot/protocol/utf8_text.hpp"

namespace advisor::protocol {
namespace json = boost::json;
namespace {

// Parses s into an object whose storage lives in mr; nullptr when s is not a
// JSON object.
const json::object* parse_object(std::string_view s, json::value& out, json::monotonic_resource& mr) {
  json::error_code ec;
  out = json::parse(json::string_view(s.data(), s.size()), ec, &mr);
  if (ec) return nullptr;
  return out.if_object();
}

reply_to string_id(const json::object& obj) {
  if (const auto* id = obj.if_contains("id"); id != nullptr && id->is_string()) {
    return std::string(id->get_string());
  }
  return std::nullopt;
}

// Validates obj["text"]; on success stores the trimmed text in out.
std::optional<frame_error> take_text(const json::object& obj, const text_limits& limits, const reply_to& id,
                                     std::string& out) {
  const auto* text = obj.if_contains("text");
  if (text == nullptr || !text->is_string()) {
    return frame_error{wire_error::bad_request, id, "field 'text' must be a non-empty string"};
  }
  const json::string& raw = text->get_string();
  const std::string_view trimmed = trim_unicode_space(std::string_view(raw.data(), raw.size()));
  if (trimmed.empty()) {
    return frame_error{wire_error::bad_request, id, "field 'text' must be a non-empty string"};
  }
  if (count_code_points(trimmed) > limits.max_text_chars) {
    return frame_error{wire_error::too_long, id,
                       "field 'text' is longer than " + std::to_string(limits.max_text_chars) + " characters"};
  }
  out.assign(trimmed);
  return std::nullopt;
}

// Reads the optional boolean obj["explain"] (protocol 1.1) into out.
std::optional<frame_error> take_explain(const json::object& obj, const reply_to& id, bool& out) {
  const auto* explain = obj.if_contains("explain");
  if (explain == nullptr) return std::nullopt;
  if (!explain->is_bool()) return frame_error{wire_error::bad_request, id, "field 'explain' must be a boolean"};
  out = explain->get_bool();
  return std::nullopt;
}

}  // namespace

frame_result parse_client_frame(std::string_view frame, const text_limits& limits) {
  unsigned char storage[4096];
  json::monotonic_resource mr(storage, sizeof storage);
  json::value v;
  const json::object* obj = parse_object(frame, v, mr);
  if (obj == nullptr) {
    return frame_error{wire_error::bad_json, std::nullopt, "frame must be one JSON object"};
  }
  client_frame out;
  out.id = string_id(*obj);
  const auto* type = obj->if_contains("type");
  if (type == nullptr || !type->is_string()) {
    return frame_error{wire_error::bad_request, std::move(out.id), "field 'type' must be a string"};
  }
  const json::string& name = type->get_string();
  if (name == "message") {
    out.type = frame_type::message;
    if (auto err = take_text(*obj, limits, out.id, out.text)) return std::move(*err);
    if (auto err = take_explain(*obj, out.id, out.explain)) return std::move(*err);
  } else if (name == "ping") {
    out.type = frame_type::ping;
  } else if (name == "reset") {
    out.type = frame_type::reset;
  } else {
    return frame_error{wire_error::unknown_type, std::move(out.id),
                       "unknown 'type': expected \"message\", \"reset\" or \"ping\""};
  }
  return out;
}

chat_result parse_chat_request(std::string_view body, const text_limits& limits) {
  unsigned char storage[4096];
  json::monotonic_resource mr(storage, sizeof storage);
  json::value v;
  const json::object* obj = parse_object(body, v, mr);
  if (obj == nullptr) {
    return frame_error{wire_error::bad_json, std::nullopt, "body must be one JSON object"};
  }
  chat_request out;
  out.id = string_id(*obj);
  if (auto err = take_text(*obj, limits, out.id, out.text)) return std::move(*err);
  if (const auto* session = obj->if_contains("session"); session != nullptr && !session->is_null()) {
    if (!session->is_string()) {
      return frame_error{wire_error::bad_request, std::move(out.id), "field 'session' must be a string"};
    }
    out.session = std::string(session->get_string());
  }
  if (auto err = take_explain(*obj, out.id, out.explain)) return std::move(*err);
  return out;
}

}  // namespace advisor::protocol
