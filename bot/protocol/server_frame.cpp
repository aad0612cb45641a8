#include "bot/protocol/server_frame.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <cmath>

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
  scratch s;
  json::object o(&s.mr);
  o.reserve(12);
  o.emplace("type", "reply");
  o.emplace("reply_to", id_value(id, &s.mr));
  o.emplace("text", sv(r.text));
  o.emplace("intent", sv(r.intent));
  json::array roles(&s.mr);
  if (r.roles.has(role::tpm)) roles.emplace_back("tpm");
  if (r.roles.has(role::pm)) roles.emplace_back("pm");
  o.emplace("roles", std::move(roles));
  double confidence = std::isnan(r.confidence) ? 0.0 : std::clamp(r.confidence, 0.0, 1.0);
  o.emplace("confidence", confidence);
  json::array sources(&s.mr);
  sources.reserve(r.sources.size());
  for (const auto& section : r.sources) {
    json::object src(&s.mr);
    src.emplace("section", sv(section));
    sources.emplace_back(std::move(src));
  }
  o.emplace("sources", std::move(sources));
  o.emplace("suggestions", string_array(r.suggestions, max_suggestions, &s.mr));
  if (r.table) {
    json::object table(&s.mr);
    table.emplace("columns", string_array(r.table->columns, r.table->columns.size(), &s.mr));
    json::array rows(&s.mr);
    rows.reserve(r.table->rows.size());
    for (const auto& row : r.table->rows) rows.emplace_back(string_array(row, row.size(), &s.mr));
    table.emplace("rows", std::move(rows));
    o.emplace("table", std::move(table));
  }
  if (!r.rule.empty()) o.emplace("rule", sv(r.rule));
  o.emplace("version", sv(brain_version));
  if (!session.empty()) o.emplace("session", sv(session));
  return json::serialize(o);
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
