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

  // `clarify`: a boolean, false when absent or null.
  bool flag(std::string_view key) {
    const json::value* v = o_.if_contains(key);
    if (v == nullptr || v->is_null()) return false;
    if (!v->is_bool()) return fail(key, "must be a boolean"), false;
    return v->get_bool();
  }

  // `advice`: {"fit": string, "reasons": [{"said", "points_to", "because", "section"?}...]}.
  std::optional<advice_block> advice() {
    const json::value* v = o_.if_contains("advice");
    if (v == nullptr || v->is_null()) return std::nullopt;
    const auto bad = [&] {
      fail("advice", "must be {\"fit\": string, \"reasons\": [{\"said\", \"points_to\", \"because\": string...}...]}");
      return std::nullopt;
    };
    if (!v->is_object()) return bad();
    advice_block out;
    if (!member(v->get_object(), "fit", out.fit)) return bad();
    const json::value* reasons = v->get_object().if_contains("reasons");
    if (reasons != nullptr && !reasons->is_null()) {
      if (!reasons->is_array()) return bad();
      for (const auto& item : reasons->get_array()) {
        if (!item.is_object()) return bad();
        const auto& r = item.get_object();
        advice_reason reason;
        if (!member(r, "said", reason.said) || !member(r, "points_to", reason.points_to) ||
            !member(r, "because", reason.because) || !member(r, "section", reason.section)) {
          return bad();
        }
        out.reasons.push_back(std::move(reason));
      }
    }
    return out;
  }

  // `why`: {"normalized", "corrections": [{"from","to"}], "rule", "file", "line",
  // "matched", "context": {"intent","roles"} | null, "runner_up": [{...}]}.
  std::optional<why_block> why() {
    const json::value* v = o_.if_contains("why");
    if (v == nullptr || v->is_null()) return std::nullopt;
    const auto bad = [&] {
      fail("why", "must be an object as protocol.md shows it");
      return std::nullopt;
    };
    if (!v->is_object()) return bad();
    const auto& w = v->get_object();
    why_block out;
    if (!member(w, "normalized", out.normalized) || !member(w, "rule", out.rule) || !member(w, "file", out.file) ||
        !member(w, "matched", out.matched)) {
      return bad();
    }
    if (const json::value* line = w.if_contains("line"); line != nullptr && !line->is_null()) {
      if (line->is_int64()) {
        out.line = line->get_int64();
      } else if (line->is_uint64()) {
        out.line = static_cast<long long>(line->get_uint64());
      } else {
        return bad();
      }
    }
    if (const json::value* c = w.if_contains("corrections"); c != nullptr && !c->is_null()) {
      if (!c->is_array()) return bad();
      for (const auto& item : c->get_array()) {
        std::pair<std::string, std::string> fix;
        if (!item.is_object() || !member(item.get_object(), "from", fix.first) ||
            !member(item.get_object(), "to", fix.second)) {
          return bad();
        }
        out.corrections.push_back(std::move(fix));
      }
    }
    if (const json::value* c = w.if_contains("context"); c != nullptr && !c->is_null()) {
      why_reading context;
      if (!c->is_object() || !reading(c->get_object(), context)) return bad();
      out.context = std::move(context);
    }
    if (const json::value* r = w.if_contains("runner_up"); r != nullptr && !r->is_null()) {
      if (!r->is_array()) return bad();
      for (const auto& item : r->get_array()) {
        why_reading runner;
        if (!item.is_object() || !reading(item.get_object(), runner)) return bad();
        out.runner_up.push_back(std::move(runner));
      }
    }
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

  // An optional string member of a nested object: absent or null leaves out
  // empty; false when it is something else.
  static bool member(const json::object& o, std::string_view key, std::string& out) {
    const json::value* v = o.if_contains(key);
    if (v == nullptr || v->is_null()) return true;
    if (!v->is_string()) return false;
    out = std::string(v->get_string());
    return true;
  }

  // A reading of `why`: intent, roles, and for runners-up score, rule, lost.
  static bool reading(const json::object& o, why_reading& out) {
    if (!member(o, "intent", out.intent) || !member(o, "rule", out.rule) || !member(o, "lost", out.lost)) return false;
    if (const json::value* roles = o.if_contains("roles"); roles != nullptr && !roles->is_null()) {
      if (!roles->is_array() || !string_array(roles->get_array(), out.roles)) return false;
    }
    if (const json::value* score = o.if_contains("score"); score != nullptr && !score->is_null()) {
      if (!score->is_number()) return false;
      out.score = score->to_number<double>();
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
    m.advice = f.advice();
    m.clarify = f.flag("clarify");
    m.why = f.why();
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
