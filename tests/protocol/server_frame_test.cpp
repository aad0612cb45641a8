#include "bot/protocol/server_frame.hpp"

#include <algorithm>
#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <string>

#include "bot/engine/brain.hpp"
#include "tests/conversation_cases.hpp"

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

  const auto one =
      parse(reply_frame(reply{"t", "skills", role_set::of(role::pm), 0.5, {}, {}, {}, "", {}, false, {}}, {}, "v"));
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

// A number rounded to two decimals as the protocol writes it, computed
// independently of the writer: printf's %.2f, trailing zeros dropped.
std::string two_decimals(double d) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.2f", std::isfinite(d) ? d : 0.0);
  std::string s = buf;
  while (s.back() == '0') s.pop_back();
  if (s.back() == '.') s.pop_back();
  if (s == "-0") s = "0";
  return s;
}

// Boost.JSON writes doubles as 9.3E-1: the reference puts a marked string
// in their place and swaps it for the two-decimal text afterwards.
json::value number_mark(double d) { return json::value("@num:" + two_decimals(d) + "@"); }
std::string unmark_numbers(std::string s) {
  for (std::size_t at; (at = s.find("\"@num:")) != std::string::npos;) {
    const std::size_t end = s.find("@\"", at);
    s = s.substr(0, at) + s.substr(at + 6, end - at - 6) + s.substr(end + 2);
  }
  return s;
}

json::array roles_array(role_set roles) {
  json::array a;
  if (roles.has(role::tpm)) a.emplace_back("tpm");
  if (roles.has(role::pm)) a.emplace_back("pm");
  return a;
}

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
  o.emplace("roles", roles_array(r.roles));
  o.emplace("confidence", number_mark(std::isnan(r.confidence) ? 0.0 : std::clamp(r.confidence, 0.0, 1.0)));
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
  if (r.advice) {
    json::array reasons;
    for (const auto& reason : r.advice->reasons) {
      json::object x{{"said", reason.said}, {"points_to", reason.points_to}, {"because", reason.because}};
      if (reason.points_to != "neither" && !reason.section.empty()) x.emplace("section", reason.section);
      reasons.emplace_back(std::move(x));
    }
    o.emplace("advice", json::object{{"fit", r.advice->fit}, {"reasons", std::move(reasons)}});
  }
  if (r.clarify) o.emplace("clarify", true);
  if (r.why) {
    const auto& w = *r.why;
    json::array corrections;
    for (const auto& c : w.corrections) corrections.emplace_back(json::object{{"from", c.from}, {"to", c.to}});
    json::array runners;
    for (std::size_t i = 0; i < std::min<std::size_t>(w.runner_up.size(), 3); ++i) {
      const auto& x = w.runner_up[i];
      runners.emplace_back(json::object{{"intent", x.intent}, {"roles", roles_array(x.roles)},
                                        {"score", number_mark(x.score)}, {"rule", x.rule}, {"lost", x.lost}});
    }
    json::object why;
    why.emplace("normalized", w.normalized);
    why.emplace("corrections", std::move(corrections));
    why.emplace("rule", w.rule);
    why.emplace("file", w.file);
    why.emplace("line", w.line);
    why.emplace("matched", w.matched);
    why.emplace("context", w.context ? json::value(json::object{{"intent", w.context->intent},
                                                                {"roles", roles_array(w.context->roles)}})
                                     : json::value(nullptr));
    why.emplace("runner_up", std::move(runners));
    o.emplace("why", std::move(why));
  }
  o.emplace("version", version);
  if (!session.empty()) o.emplace("session", session);
  return unmark_numbers(json::serialize(o));
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
  // The 1.1 extras, with strings that need escaping.
  r.advice = reply_advice{"pm", {{"I \"love\" users\n", "pm", every_byte, "Customer Focus"},
                                 {"guitar", "neither", "silent", ""}}};
  r.clarify = true;
  r.why = reply_why{"a\tb",
                    {{"x\"", every_byte}},
                    "r.1",
                    "rules/t.json",
                    7,
                    "m",
                    why_reading{"skills", role_set::both(), 0, "", ""},
                    {{"skills", role_set::of(role::tpm), 0.4049, "s.1", "lower weight"}}};
  CHECK(reply_frame(r, std::string("c2"), "v3", "s") == reply_frame_via_json_object(r, std::string("c2"), "v3", "s"));
}

namespace {

// The protocol.md examples of the 1.1 extras, as engine values.
reply_advice spec_advice() {
  return {"tpm",
          {{"I love coding", "tpm",
            "TPMs need a deep understanding of software development and architecture; PMs a moderate understanding "
            "of technical constraints",
            "Technical Expertise Requirements"},
           {"I play the guitar", "neither", "the article does not speak to this", ""}}};
}

reply_why spec_why() {
  reply_why w;
  w.normalized = "how are pm evaluated";
  w.corrections = {{"evaluted", "evaluated"}};
  w.rule = "key_metrics.evaluated";
  w.file = "rules/topical.json";
  w.line = 120;
  w.matched = "pm evaluated";
  w.context = why_reading{"skills", role_set::of(role::pm), 0.0, "", ""};
  w.runner_up = {{"responsibilities", role_set::of(role::pm), 0.61, "responsibilities.word", "lower weight"}};
  return w;
}

reply plain_reply() {
  reply r;
  r.text = "A TPM coordinates.";
  r.intent = "choosing_role";
  r.roles = role_set::both();
  r.confidence = 0.93;
  r.sources = {"Career Paths"};
  r.suggestions = {"What does a TPM do?"};
  r.rule = "choosing.which";
  return r;
}

}  // namespace

TEST_CASE("reply_frame writes advice exactly as protocol.md shows it", "[protocol]") {
  reply r = plain_reply();
  r.advice = spec_advice();
  const std::string frame = reply_frame(r, std::string("c1"), "v");
  const std::string expected =
      R"("rule":"choosing.which","advice":{"fit":"tpm","reasons":[{"said":"I love coding","points_to":"tpm",)"
      R"("because":"TPMs need a deep understanding of software development and architecture; PMs a moderate )"
      R"(understanding of technical constraints","section":"Technical Expertise Requirements"},)"
      R"({"said":"I play the guitar","points_to":"neither","because":"the article does not speak to this"}]},)"
      R"("version":"v"})";
  CHECK(frame.ends_with(expected));
  const auto o = parse(frame);
  CHECK_FALSE(o.contains("clarify"));
  CHECK_FALSE(o.contains("why"));
  // "neither" never carries a section, even when the engine filled one.
  r.advice->reasons[1].section = "Introduction";
  CHECK(reply_frame(r, std::string("c1"), "v").ends_with(expected));
  // An advice with no reasons is still an object with an empty list.
  r.advice = reply_advice{"either", {}};
  CHECK(parse(reply_frame(r, {}, "v")).at("advice") == json::object{{"fit", "either"}, {"reasons", json::array{}}});
}

TEST_CASE("reply_frame writes clarify only when true", "[protocol]") {
  reply r = plain_reply();
  CHECK(reply_frame(r, {}, "v").find("clarify") == std::string::npos);
  r.clarify = true;
  const std::string frame = reply_frame(r, {}, "v");
  CHECK(frame.find(R"("rule":"choosing.which","clarify":true,"version":"v")") != std::string::npos);
  CHECK(parse(frame).at("clarify") == true);
}

TEST_CASE("reply_frame writes why exactly as protocol.md shows it", "[protocol]") {
  reply r = plain_reply();
  r.why = spec_why();
  const std::string frame = reply_frame(r, std::string("c1"), "v");
  const std::string expected =
      R"("why":{"normalized":"how are pm evaluated","corrections":[{"from":"evaluted","to":"evaluated"}],)"
      R"("rule":"key_metrics.evaluated","file":"rules/topical.json","line":120,"matched":"pm evaluated",)"
      R"("context":{"intent":"skills","roles":["pm"]},)"
      R"("runner_up":[{"intent":"responsibilities","roles":["pm"],"score":0.61,"rule":"responsibilities.word",)"
      R"("lost":"lower weight"}]},"version":"v"})";
  CHECK(frame.ends_with(expected));
  CHECK_FALSE(parse(frame).contains("advice"));

  // No context is null; no corrections or runners-up are empty lists; at most three runners-up.
  r.why->context.reset();
  r.why->corrections.clear();
  r.why->runner_up.clear();
  r.why->rule.clear();
  r.why->file.clear();
  r.why->line = 0;
  auto why = parse(reply_frame(r, {}, "v")).at("why").as_object();
  CHECK(why.at("context").is_null());
  CHECK(why.at("corrections") == json::array{});
  CHECK(why.at("runner_up") == json::array{});
  CHECK(why.at("rule") == "");
  CHECK(why.at("line") == 0);
  for (int i = 0; i < 5; ++i) {
    r.why->runner_up.push_back({"skills", role_set::both(), 0.5 - i * 0.1, "r", "lower weight"});
  }
  why = parse(reply_frame(r, {}, "v")).at("why").as_object();
  REQUIRE(why.at("runner_up").as_array().size() == max_runners_up);
  CHECK(why.at("runner_up").at(0).at("roles") == json::array{"tpm", "pm"});
  CHECK(why.at("runner_up").at(2).at("score").to_number<double>() == Approx(0.3));
}

TEST_CASE("reply_frame orders the extras advice, clarify, why before version", "[protocol]") {
  reply r = plain_reply();
  r.advice = spec_advice();
  r.clarify = true;
  r.why = spec_why();
  const std::string frame = reply_frame(r, std::string("c1"), "v", "s");
  const auto at = [&](std::string_view key) {
    std::string quoted(1, '"');
    quoted.append(key).append("\":");
    return frame.find(quoted);
  };
  CHECK(at("rule") < at("advice"));
  CHECK(at("advice") < at("clarify"));
  CHECK(at("clarify") < at("why"));
  CHECK(at("why") < at("version"));
  CHECK(at("version") < at("session"));
  CHECK(frame == reply_frame_via_json_object(r, std::string("c1"), "v", "s"));
}

TEST_CASE("without the extras a reply has no advice, clarify or why", "[protocol]") {
  const std::string frame = reply_frame(plain_reply(), std::string("c1"), "v");
  CHECK(frame ==
        R"({"type":"reply","reply_to":"c1","text":"A TPM coordinates.","intent":"choosing_role","roles":["tpm","pm"],)"
        R"("confidence":0.93,"sources":[{"section":"Career Paths"}],"suggestions":["What does a TPM do?"],)"
        R"("rule":"choosing.which","version":"v"})");
}

TEST_CASE("confidence and runner-up scores are written with at most two decimals", "[protocol]") {
  const auto confidence_of = [](double c) {
    reply r;
    r.confidence = c;
    const std::string frame = reply_frame(r, {}, "v");
    const std::size_t at = frame.find("\"confidence\":") + 13;
    return frame.substr(at, frame.find(',', at) - at);
  };
  CHECK(confidence_of(0.93) == "0.93");
  CHECK(confidence_of(0.8200000000000001) == "0.82");
  CHECK(confidence_of(0.82 - 1e-12) == "0.82");
  CHECK(confidence_of(1.0 / 3) == "0.33");
  CHECK(confidence_of(2.0 / 3) == "0.67");
  CHECK(confidence_of(0.5) == "0.5");
  CHECK(confidence_of(0.05) == "0.05");
  CHECK(confidence_of(0.999) == "1");
  CHECK(confidence_of(1.0) == "1");
  CHECK(confidence_of(0.0) == "0");
  CHECK(confidence_of(1e-7) == "0");
  CHECK(confidence_of(1.7) == "1");
  CHECK(confidence_of(-0.2) == "0");
  CHECK(confidence_of(std::nan("")) == "0");
  for (int i = 0; i <= 1000; ++i) {
    const double c = i / 1000.0;
    const std::string text = confidence_of(c);
    INFO(c << " -> " << text);
    CHECK(std::abs(std::stod(text) - c) <= 0.005 + 1e-9);
    const std::size_t dot = text.find('.');
    CHECK((dot == std::string::npos || (text.size() - dot - 1 <= 2 && text.back() != '0')));
  }
  reply r;
  r.why = reply_why{};
  r.why->runner_up = {{"skills", role_set{}, 0.6100000000000001, "", ""}, {"skills", role_set{}, -1.25, "", ""},
                      {"skills", role_set{}, std::nan(""), "", ""}};
  const std::string frame = reply_frame(r, {}, "v");
  CHECK(frame.find(R"("score":0.61,)") != std::string::npos);
  CHECK(frame.find(R"("score":-1.25,)") != std::string::npos);
  CHECK(frame.find(R"("score":0,)") != std::string::npos);
  parse(frame);
}

TEST_CASE("reply_frame splices a brain's precomposed parts byte for byte, and only while they are unchanged",
          "[protocol]") {
  const std::filesystem::path dir = ADVISOR_SOURCE_DIR;
  load_report report;
  const auto b = brain::load(dir / "rules", dir / "knowledge", report);
  REQUIRE(b);
  auto without_parts = [](reply r) {
    r.parts = nullptr;
    return r;
  };
  int spliced = 0, tables = 0;
  for (const auto& c : advisor::testing::read_cases(dir / "tests" / "conversations" / "topical.jsonl")) {
    conversation conv;
    for (const auto& t : c.turns) {
      reply r = b->answer(t.text, conv);
      INFO(t.text);
      const auto frame = reply_frame(r, std::string("c"), b->version(), "s");
      CHECK(frame == reply_frame(without_parts(r), std::string("c"), b->version(), "s"));
      if (r.parts == nullptr) continue;
      ++spliced;
      if (r.table) ++tables;
      // Parts changed after composing are written afresh, never spliced.
      r.text += " (more)";
      r.sources.push_back("Another \"section\"");
      if (r.table) r.table->rows.push_back({"x", "y", "z"});
      const auto changed = reply_frame(r, std::nullopt, "v");
      CHECK(changed == reply_frame(without_parts(r), std::nullopt, "v"));
      CHECK(changed.find(" (more)\"") != std::string::npos);
      CHECK(changed.find("Another \\\"section\\\"") != std::string::npos);
    }
  }
  CHECK(spliced > 100);
  CHECK(tables > 10);
}
