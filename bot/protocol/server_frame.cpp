#include "bot/protocol/server_frame.hpp"

#include "bot/protocol/json_string.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <string>

namespace advisor::protocol {
namespace json = boost::json;
namespace {

// Scratch space for building one frame; most frames fit without a heap
// allocation.
struct scratch {
  unsigned char bytes[4096];
  json::monotonic_resource mr{bytes, sizeof bytes};
};

json::string_view sv(std::string_view s) { return {s.data(), s.size()}; }

json::value id_value(const reply_to& id, json::storage_ptr sp) {
  if (id) return json::value(json::string(sv(*id), std::move(sp)));
  return json::value(nullptr, std::move(sp));
}

json::array string_array(const std::vector<std::string>& items, std::size_t limit, json::storage_ptr sp) {
  json::array out(sp);
  const std::size_t n = std::min(items.size(), limit);
  out.reserve(n);
  for (std::size_t i = 0; i < n; ++i) out.emplace_back(sv(items[i]));
  return out;
}

// Writes one compact JSON text into a string, byte for byte as
// json::serialize would write the same values: no white space, strings
// escaped as Boost.JSON escapes them (the quote, the backslash, and control
// characters as \b \t \n \f \r or else \u00xx in lower-case hex; all other
// bytes, UTF-8 included, as they are). The writer places the commas; keys
// are written as strings.
class frame_writer {
 public:
  explicit frame_writer(std::size_t reserve) { out_.reserve(reserve); }

  frame_writer& open_object() { return open('{'); }
  frame_writer& close_object() { return close('}'); }
  frame_writer& open_array() { return open('['); }
  frame_writer& close_array() { return close(']'); }
  frame_writer& key(std::string_view k) {
    string(k);
    out_.push_back(':');
    after_key_ = true;
    return *this;
  }
  frame_writer& string(std::string_view s) {
    separate();
    append_json_string(out_, s);
    return *this;
  }
  // A value already written as JSON.
  frame_writer& raw(std::string_view json) {
    separate();
    out_.append(json);
    return *this;
  }
  frame_writer& null() {
    separate();
    out_.append("null");
    return *this;
  }
  frame_writer& boolean(bool b) {
    separate();
    out_.append(b ? "true" : "false");
    return *this;
  }
  frame_writer& integer(long long n) {
    separate();
    out_.append(std::to_string(n));
    return *this;
  }
  // d rounded to two decimals, without trailing zeros: 0.93, 0.5, 1, 0
  // (never 0.8200000000000001 or 9.3E-1). Not finite: 0.
  frame_writer& two_decimals(double d) {
    separate();
    const long long hundredths = std::isfinite(d) && std::abs(d) < 1e15 ? std::llround(d * 100) : 0;
    const unsigned long long magnitude = hundredths < 0 ? 0ULL - static_cast<unsigned long long>(hundredths)
                                                        : static_cast<unsigned long long>(hundredths);
    if (hundredths < 0) out_.push_back('-');
    out_.append(std::to_string(magnitude / 100));
    const unsigned cents = static_cast<unsigned>(magnitude % 100);
    if (cents != 0) {
      out_.push_back('.');
      out_.push_back(static_cast<char>('0' + cents / 10));
      if (cents % 10 != 0) out_.push_back(static_cast<char>('0' + cents % 10));
    }
    return *this;
  }
  // The first `limit` items as an array of strings.
  frame_writer& strings(const std::vector<std::string>& items, std::size_t limit) {
    open_array();
    const std::size_t n = std::min(items.size(), limit);
    for (std::size_t i = 0; i < n; ++i) string(items[i]);
    return close_array();
  }
  std::string take() { return std::move(out_); }

 private:
  frame_writer& open(char c) {
    separate();
    out_.push_back(c);
    first_ = true;
    return *this;
  }
  frame_writer& close(char c) {
    out_.push_back(c);
    first_ = false;
    return *this;
  }
  // A comma before every value but the first of its container and those
  // that follow a key.
  void separate() {
    if (after_key_) {
      after_key_ = false;
    } else if (!first_) {
      out_.push_back(',');
    }
    first_ = false;
  }
  std::string out_;
  bool first_ = true;       // nothing written yet in the current container (or at top level)
  bool after_key_ = false;  // a key was just written: its value needs no comma
};

// ["tpm","pm"], in that order, for the roles in the set.
void write_roles(frame_writer& w, role_set roles) {
  w.open_array();
  if (roles.has(role::tpm)) w.string("tpm");
  if (roles.has(role::pm)) w.string("pm");
  w.close_array();
}

// "advice":{"fit":...,"reasons":[{"said","points_to","because","section"}]};
// section is left out for "neither" (and when empty).
void write_advice(frame_writer& w, const reply_advice& advice) {
  w.key("advice").open_object();
  w.key("fit").string(advice.fit);
  w.key("reasons").open_array();
  for (const auto& reason : advice.reasons) {
    w.open_object();
    w.key("said").string(reason.said);
    w.key("points_to").string(reason.points_to);
    w.key("because").string(reason.because);
    if (reason.points_to != "neither" && !reason.section.empty()) w.key("section").string(reason.section);
    w.close_object();
  }
  w.close_array();
  w.close_object();
}

// "why":{"normalized","corrections","rule","file","line","matched","context","runner_up"}.
void write_why(frame_writer& w, const reply_why& why) {
  w.key("why").open_object();
  w.key("normalized").string(why.normalized);
  w.key("corrections").open_array();
  for (const auto& c : why.corrections)
    w.open_object().key("from").string(c.from).key("to").string(c.to).close_object();
  w.close_array();
  w.key("rule").string(why.rule);
  w.key("file").string(why.file);
  w.key("line").integer(why.line);
  w.key("matched").string(why.matched);
  w.key("context");
  if (why.context) {
    w.open_object().key("intent").string(why.context->intent).key("roles");
    write_roles(w, why.context->roles);
    w.close_object();
  } else {
    w.null();
  }
  w.key("runner_up").open_array();
  const std::size_t n = std::min(why.runner_up.size(), max_runners_up);
  for (std::size_t i = 0; i < n; ++i) {
    const auto& r = why.runner_up[i];
    w.open_object().key("intent").string(r.intent).key("roles");
    write_roles(w, r.roles);
    w.key("score").two_decimals(r.score);
    w.key("rule").string(r.rule);
    w.key("lost").string(r.lost);
    w.close_object();
  }
  w.close_array();
  w.close_object();
}

}  // namespace

std::string welcome_frame(std::string_view session, const welcome_message& welcome) {
  scratch s;
  json::object o(&s.mr);
  o.reserve(5);
  o.emplace("type", "welcome");
  o.emplace("session", sv(session));
  o.emplace("text", sv(welcome.text));
  o.emplace("suggestions", string_array(welcome.suggestions, max_suggestions, &s.mr));
  o.emplace("version", sv(protocol_version));
  return json::serialize(o);
}

std::string reply_frame(const reply& r, const reply_to& id, std::string_view brain_version, std::string_view session) {
  // One reply per answered message: this is on the hot path. Building a
  // json::object and serialising it cost about 16k instructions per reply
  // (some 13% of the advisor's user-space work per reply in the
  // tests/bench/ load; see the README's Performance section), mostly copying
  // the strings into the object and escaping them byte by byte. The
  // frame_writer writes the same bytes directly: same key order, strings
  // escaped exactly as Boost.JSON's serializer does, numbers rounded to two
  // decimals (Boost.JSON would write 0.93 as 9.3E-1). server_frame_test
  // checks it byte for byte against the json::object route.
  frame_writer w(512 + r.text.size());
  w.open_object();
  w.key("type").string("reply");
  w.key("reply_to");
  if (id)
    w.string(*id);
  else
    w.null();
  // The parts composed from the knowledge base, written as JSON at load,
  // are spliced as they are while the reply still holds them unchanged.
  const reply_json_parts* parts = r.parts;
  w.key("text");
  if (parts && r.text == parts->text)
    w.raw(parts->text_json);
  else
    w.string(r.text);
  w.key("intent").string(r.intent);
  w.key("roles");
  write_roles(w, r.roles);
  const double confidence = std::isnan(r.confidence) ? 0.0 : std::clamp(r.confidence, 0.0, 1.0);
  w.key("confidence").two_decimals(confidence);
  w.key("sources");
  if (parts && r.sources == parts->sources) {
    w.raw(parts->sources_json);
  } else {
    w.open_array();
    for (const auto& section : r.sources) w.open_object().key("section").string(section).close_object();
    w.close_array();
  }
  w.key("suggestions").strings(r.suggestions, max_suggestions);
  if (r.table && parts && parts->table && *r.table == *parts->table) {
    w.key("table").raw(parts->table_json);
  } else if (r.table) {
    w.key("table").open_object();
    w.key("columns").strings(r.table->columns, r.table->columns.size());
    w.key("rows").open_array();
    for (const auto& row : r.table->rows) w.strings(row, row.size());
    w.close_array();
    w.close_object();
  }
  if (!r.rule.empty()) w.key("rule").string(r.rule);
  if (r.advice) write_advice(w, *r.advice);
  if (r.clarify) w.key("clarify").boolean(true);
  if (r.why) write_why(w, *r.why);
  w.key("version").string(brain_version);
  if (!session.empty()) w.key("session").string(session);
  w.close_object();
  return w.take();
}

std::string error_frame(const frame_error& e) {
  scratch s;
  json::object o(&s.mr);
  o.reserve(4);
  o.emplace("type", "error");
  o.emplace("reply_to", id_value(e.reply_to, &s.mr));
  o.emplace("code", sv(to_string(e.code)));
  o.emplace("message", sv(e.message));
  return json::serialize(o);
}

std::string pong_frame(const reply_to& id) {
  scratch s;
  json::object o(&s.mr);
  o.emplace("type", "pong");
  o.emplace("reply_to", id_value(id, &s.mr));
  return json::serialize(o);
}

std::string reset_ok_frame(const reply_to& id) {
  scratch s;
  json::object o(&s.mr);
  o.emplace("type", "reset_ok");
  o.emplace("reply_to", id_value(id, &s.mr));
  return json::serialize(o);
}

std::string http_error_body(std::string_view code, std::string_view message) {
  scratch s;
  json::object inner(&s.mr);
  inner.emplace("code", sv(code));
  inner.emplace("message", sv(message));
  json::object o(&s.mr);
  o.emplace("error", std::move(inner));
  return json::serialize(o);
}

}  // namespace advisor::protocol
