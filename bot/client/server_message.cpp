#include "bot/client/server_message.hpp"

#include <boost/json.hpp>

namespace advisor::client {
namespace json = boost::json;
namespace {

// Reads the fields of one frame object, remembering the first problem.
class field_reader {
 public:
  field_reader(const json::object& o, std::string type) : o_(o), type_(std::move(type)) {}

  bool ok() const { return error_.empty(); }
  const std::string& error() const { return error_; }

  // A string field; required ones must be present.
  std::string str(std::string_view key, bool required) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || (!required && v->is_null())) {
      if (required) fail(key, "is missing");
      return {};
    }
    if (!v->is_string()) return fail(key, "must be a string"), std::string();
    return std::string(v->get_string());
  }

  // `reply_to`: a string, null or absent.
  std::optional<std::string> reply_to() {
    const json::value* v = o_.if_contains("reply_to");
    if (v == nullptr || v->is_null()) return std::nullopt;
    if (!v->is_string()) return fail("reply_to", "must be a string or null"), std::nullopt;
    return std::string(v->get_string());
  }

  std::vector<std::string> strings(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return {};
    std::vector<std::string> out;
    if (!v->is_array() || !string_array(v->get_array(), out)) fail(key, "must be an array of strings");
    return out;
  }

  double number(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return 0;
    if (!v->is_number()) return fail(key, "must be a number"), 0;
    return v->to_number<double>();
  }

  // `sources`: [{"section": "..."}, ...].
  std::vector<std::string> sources() {
    const json::value* v = o_.if_contains("sources");
    if (v == nullptr || v->is_null()) return {};
    std::vector<std::string> out;
    const auto bad = [&] { return fail("sources", "must be an array of {\"section\": string}"), out; };
    if (!v->is_array()) return bad();
    for (const auto& item : v->get_array()) {
      if (!item.is_object()) return bad();
      const json::value* section = item.get_object().if_contains("section");
      if (section == nullptr || !section->is_string()) return bad();
      out.emplace_back(section->get_string());
    }
    return out;
  }

  // `table`: {"columns": [string...], "rows": [[string...]...]}.
  std::optional<text_table> table() {
    const json::value* v = o_.if_contains("table");
    if (v == nullptr || v->is_null()) return std::nullopt;
    const auto bad = [&] {
      fail("table", "must be {\"columns\": [string...], \"rows\": [[string...]...]}");
      return std::nullopt;
    };
    if (!v->is_object()) return bad();
    const auto& t = v->get_object();
    text_table out;
    const json::value* columns = t.if_contains("columns");
    const json::value* rows = t.if_contains("rows");
    if (columns == nullptr || !columns->is_array() || !string_array(columns->get_array(), out.columns)) return bad();
    if (rows == nullptr || !rows->is_array()) return bad();
    for (const auto& row : rows->get_array()) {
      out.rows.emplace_back();
      if (!row.is_array() || !string_array(row.get_array(), out.rows.back())) return bad();
    }
    return out;
  }

 private:
  // Table cells and suggestions are strings; numbers are shown as written.
  static bool string_array(const json::array& a, std::vector<std::string>& out) {
    out.reserve(a.size());
    for (const auto& item : a) {
      if (item.is_string()) {
        out.emplace_back(item.get_string());
      } else if (item.is_number()) {
        out.push_back(json::serialize(item));
      } else {
        return false;
      }
    }
    return true;
  }

  void fail(std::string_view key, std::string_view what) {
    if (error_.empty()) error_ = "'" + type_ + "' frame: field '" + std::string(key) + "' " + std::string(what);
  }

  const json::object& o_;
  std::string type_;
  std::string error_;
};

}  // namespace

std::optional<server_message> parse_server_message(std::string_view frame, std::string& error) {
  json::error_code ec;
  const json::value v = json::parse(frame, ec);
  if (ec) {
    error = "the frame is not JSON (" + ec.message() + ")";
    return std::nullopt;
  }
  if (!v.is_object()) {
    error = "the frame is not a JSON object";
    return std::nullopt;
  }
  const auto& o = v.get_object();
  const json::value* type_value = o.if_contains("type");
  if (type_value == nullptr || !type_value->is_string()) {
    error = "the frame has no string 'type'";
    return std::nullopt;
  }
  const std::string type(type_value->get_string());
  field_reader f(o, type);
  server_message out;
  if (type == "welcome") {
    welcome_message m;
    m.session = f.str("session", true);
    m.text = f.str("text", true);
    m.suggestions = f.strings("suggestions");
    m.version = f.str("version", false);
    out = std::move(m);
  } else if (type == "reply") {
    reply_message m;
    m.reply_to = f.reply_to();
    m.text = f.str("text", true);
    m.intent = f.str("intent", false);
    m.roles = f.strings("roles");
    m.confidence = f.number("confidence");
    m.sources = f.sources();
    m.suggestions = f.strings("suggestions");
    m.table = f.table();
    out = std::move(m);
  } else if (type == "error") {
    error_message m;
    m.reply_to = f.reply_to();
    m.code = f.str("code", true);
    m.message = f.str("message", true);
    out = std::move(m);
  } else if (type == "pong") {
    out = pong_message{f.reply_to()};
  } else if (type == "reset_ok") {
    out = reset_ok_message{f.reply_to()};
  } else {
    out = unknown_message{type};
  }
  if (!f.ok()) {
    error = f.error();
    return std::nullopt;
  }
  return out;
}

std::optional<std::string> reply_to_of(const server_message& m) {
  return std::visit(
      [](const auto& x) -> std::optional<std::string> {
        if constexpr (requires { x.reply_to; }) {
          return x.reply_to;
        } else {
          return std::nullopt;
        }
      },
      m);
}

}  // namespace advisor::client
