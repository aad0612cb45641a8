#include "bot/protocol/server_frame.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>

using namespace advisor;
using namespace advisor::protocol;
namespace json = boost::json;

namespace {

json::object parse(const std::string& s) {
  json::error_code ec;
  auto v = json::parse(s, ec);
  INFO(s);
  REQUIRE(!ec);
  REQUIRE(v.is_object());
  return v.as_object();
}

}  // namespace

TEST_CASE("welcome_frame carries session, text, suggestions and version 1", "[protocol]") {
  const welcome_message w{"Hi!", {"a", "b", "c"}};
  const auto o = parse(welcome_frame("sess-1", w));
  CHECK(o.at("type") == "welcome");
  CHECK(o.at("session") == "sess-1");
  CHECK(o.at("text") == "Hi!");
  CHECK(o.at("suggestions") == json::array{"a", "b", "c"});
  CHECK(o.at("version") == "1");
  CHECK(o.size() == 5);
}

TEST_CASE("reply_frame serialises every field of a reply", "[protocol]") {
  reply r;
  r.text = "A TPM \"coordinates\"\nprojects";
  r.intent = "responsibilities";
  r.roles = role_set::both();
  r.confidence = 0.93;
  r.sources = {"Core Responsibilities Comparison", "Table of Comparison"};
  r.suggestions = {"1", "2", "3", "4", "5", "6", "7"};
  r.table = reply_table{{"Aspect", "TPM", "PM"}, {{"Focus", "How", "What"}}};
  r.rule = "responsibilities.core";

  const auto o = parse(reply_frame(r, std::string("c1"), "v42"));
  CHECK(o.at("type") == "reply");
  CHECK(o.at("reply_to") == "c1");
  CHECK(o.at("text") == "A TPM \"coordinates\"\nprojects");
  CHECK(o.at("intent") == "responsibilities");
  CHECK(o.at("roles") == json::array{"tpm", "pm"});
  CHECK(o.at("confidence").to_number<double>() == Approx(0.93));
  CHECK(o.at("sources") == json::array{json::object{{"section", "Core Responsibilities Comparison"}},
                                       json::object{{"section", "Table of Comparison"}}});
  CHECK(o.at("suggestions").as_array().size() == max_suggestions);  // capped at 5
  CHECK(o.at("table").at("columns") == json::array{"Aspect", "TPM", "PM"});
  CHECK(o.at("table").at("rows") == json::array{json::array{"Focus", "How", "What"}});
  CHECK(o.at("rule") == "responsibilities.core");
  CHECK(o.at("version") == "v42");
  CHECK_FALSE(o.contains("session"));
}

TEST_CASE("reply_frame: meta replies, null reply_to, optional fields and the HTTP session", "[protocol]") {
  reply r;
  r.text = "Hello!";
  r.intent = "greeting";
  const auto o = parse(reply_frame(r, std::nullopt, "v", "s-9"));
  CHECK(o.at("reply_to").is_null());
  CHECK(o.at("roles") == json::array{});
  CHECK(o.at("sources") == json::array{});
  CHECK(o.at("suggestions") == json::array{});
  CHECK(o.at("confidence").to_number<double>() == 0.0);
  CHECK_FALSE(o.contains("table"));
  CHECK_FALSE(o.contains("rule"));
  CHECK(o.at("session") == "s-9");

  const auto one = parse(reply_frame(reply{"t", "skills", role_set::of(role::pm), 0.5, {}, {}, {}, ""}, {}, "v"));
  CHECK(one.at("roles") == json::array{"pm"});
}

TEST_CASE("reply_frame keeps confidence a number in [0, 1]", "[protocol]") {
  reply r;
  r.intent = "fallback";
  r.confidence = 1.7;
  CHECK(parse(reply_frame(r, {}, "v")).at("confidence").to_number<double>() == 1.0);
  r.confidence = -0.2;
  CHECK(parse(reply_frame(r, {}, "v")).at("confidence").to_number<double>() == 0.0);
  r.confidence = std::nan("");
  CHECK(parse(reply_frame(r, {}, "v")).at("confidence").to_number<double>() == 0.0);
}

TEST_CASE("error, pong and reset_ok frames echo reply_to or null", "[protocol]") {
  auto o = parse(error_frame({wire_error::too_long, std::string("c7"), "too long"}));
  CHECK(o.at("type") == "error");
  CHECK(o.at("reply_to") == "c7");
  CHECK(o.at("code") == "too_long");
  CHECK(o.at("message") == "too long");
  o = parse(error_frame({wire_error::bad_json, std::nullopt, "m"}));
  CHECK(o.at("reply_to").is_null());
  CHECK(o.at("code") == "bad_json");

  o = parse(pong_frame(std::string("p1")));
  CHECK(o == json::object{{"type", "pong"}, {"reply_to", "p1"}});
  o = parse(pong_frame(std::nullopt));
  CHECK(o == json::object{{"type", "pong"}, {"reply_to", nullptr}});
  o = parse(reset_ok_frame(std::string("r")));
  CHECK(o == json::object{{"type", "reset_ok"}, {"reply_to", "r"}});
  o = parse(reset_ok_frame(std::nullopt));
  CHECK(o.at("reply_to").is_null());
}

TEST_CASE("http_error_body nests code and message under error", "[protocol]") {
  const auto o = parse(http_error_body("not_found", "no such \"route\""));
  CHECK(o == json::object{{"error", json::object{{"code", "not_found"}, {"message", "no such \"route\""}}}});
}

namespace {

// reply_frame as it was first written, through a json::object: the
// reference its hand-written fast path must match byte for byte.
std::string reply_frame_via_json_object(const reply& r, const reply_to& id, std::string_view version,
                                        std::string_view session) {
  auto strings = [](const std::vector<std::string>& items, std::size_t limit) {
    json::array a;
    for (std::size_t i = 0; i < std::min(items.size(), limit); ++i) a.emplace_back(items[i]);
    return a;
  };
  json::object o;
  o.emplace("type", "reply");
  o.emplace("reply_to", id ? json::value(*id) : json::value(nullptr));
  o.emplace("text", r.text);
  o.emplace("intent", r.intent);
  json::array roles;
  if (r.roles.has(role::tpm)) roles.emplace_back("tpm");
  if (r.roles.has(role::pm)) roles.emplace_back("pm");
  o.emplace("roles", std::move(roles));
  o.emplace("confidence", std::isnan(r.confidence) ? 0.0 : std::clamp(r.confidence, 0.0, 1.0));
  json::array sources;
  for (const auto& s : r.sources) sources.emplace_back(json::object{{"section", s}});
  o.emplace("sources", std::move(sources));
  o.emplace("suggestions", strings(r.suggestions, max_suggestions));
  if (r.table) {
    json::array rows;
    for (const auto& row : r.table->rows) rows.emplace_back(strings(row, row.size()));
    o.emplace("table", json::object{{"columns", strings(r.table->columns, r.table->columns.size())},
                                    {"rows", std::move(rows)}});
  }
  if (!r.rule.empty()) o.emplace("rule", r.rule);
  o.emplace("version", version);
  if (!session.empty()) o.emplace("session", session);
  return json::serialize(o);
}

}  // namespace

TEST_CASE("reply_frame writes the same bytes as Boost.JSON would", "[protocol]") {
  std::string every_byte;
  for (int c = 1; c < 256; ++c) every_byte.push_back(static_cast<char>(c));
  reply r;
  r.text = "A TPM \"coordinates\"\n\tprojects\\ \x01\x1f\x7f caf\xc3\xa9 \xe2\x80\x94 end";
  r.intent = "responsibilities";
  r.roles = role_set::both();
  r.sources = {"Core Responsibilities Comparison", every_byte};
  r.suggestions = {"a", "b\"", "c", "d", "e", "f", "g"};
  r.rule = "resp.tpm";
  for (const double confidence : {0.93, 1.0 / 3, 0.0, 1.0, 1e-7, 0.5, 1.7, -0.2, std::nan("")}) {
    r.confidence = confidence;
    CHECK(reply_frame(r, std::string("c1"), "v1") == reply_frame_via_json_object(r, std::string("c1"), "v1", ""));
  }
  r.table = reply_table{{"Aspect", "TPM", "PM"}, {{"Focus", "How", "What"}, {"Owner", "\"x\"", every_byte}}};
  CHECK(reply_frame(r, std::nullopt, "v2", "sess") == reply_frame_via_json_object(r, std::nullopt, "v2", "sess"));
  reply empty;
  CHECK(reply_frame(empty, std::nullopt, "") == reply_frame_via_json_object(empty, std::nullopt, "", ""));
  // Every special byte at every position of short and longer texts (the
  // writer skips plain text 8 bytes at a time).
  for (const char special : {'"', '\\', '\x01', '\n', '\x1f', ' ', '\x7f', '\xc3', '\xff'}) {
    for (std::size_t len = 1; len <= 20; ++len) {
      for (std::size_t pos = 0; pos < len; ++pos) {
        r.text.assign(len, 'a');
        r.text[pos] = special;
        REQUIRE(reply_frame(r, std::nullopt, "v") == reply_frame_via_json_object(r, std::nullopt, "v", ""));
      }
    }
  }
  r.table = reply_table{};
  r.roles = role_set{};
  r.sources.clear();
  CHECK(reply_frame(r, std::string(), "v") == reply_frame_via_json_object(r, std::string(), "v", ""));
}
