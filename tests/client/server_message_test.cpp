#include "bot/client/server_message.hpp"

#include <catch2/catch.hpp>

using namespace advisor::client;

namespace {

server_message ok(std::string_view frame) {
  std::string error;
  auto m = parse_server_message(frame, error);
  INFO(error);
  REQUIRE(m.has_value());
  return *m;
}

std::string fails(std::string_view frame) {
  std::string error;
  REQUIRE_FALSE(parse_server_message(frame, error).has_value());
  REQUIRE_FALSE(error.empty());
  return error;
}

}  // namespace

TEST_CASE("server_message parses the protocol's welcome", "[client]") {
  const auto m = ok(
      R"({"type":"welcome","session":"s1","text":"Hi!","suggestions":["What does a TPM do?","TPM vs PM?"],"version":"1"})");
  const auto& w = std::get<welcome_message>(m);
  CHECK(w.session == "s1");
  CHECK(w.text == "Hi!");
  CHECK(w.suggestions == std::vector<std::string>{"What does a TPM do?", "TPM vs PM?"});
  CHECK(w.version == "1");
  CHECK_FALSE(reply_to_of(m).has_value());
}

TEST_CASE("server_message parses a reply with every field and ignores unknown ones", "[client]") {
  const auto m = ok(R"({"type":"reply","reply_to":"c1","text":"A TPM ...","intent":"responsibilities",
      "roles":["tpm"],"confidence":0.93,"sources":[{"section":"Core Responsibilities Comparison"}],
      "suggestions":["What about a PM?"],"table":{"columns":["Aspect","TPM"],"rows":[["Focus","Delivery"]]},
      "rule":"r1","future":{"x":1}})");
  const auto& r = std::get<reply_message>(m);
  CHECK(r.reply_to == "c1");
  CHECK(r.text == "A TPM ...");
  CHECK(r.intent == "responsibilities");
  CHECK(r.roles == std::vector<std::string>{"tpm"});
  CHECK(r.confidence == Approx(0.93));
  CHECK(r.sources == std::vector<std::string>{"Core Responsibilities Comparison"});
  CHECK(r.suggestions == std::vector<std::string>{"What about a PM?"});
  REQUIRE(r.table.has_value());
  CHECK(r.table->columns == std::vector<std::string>{"Aspect", "TPM"});
  CHECK(r.table->rows == std::vector<std::vector<std::string>>{{"Focus", "Delivery"}});
  CHECK(reply_to_of(m) == std::optional<std::string>("c1"));
}

TEST_CASE("server_message accepts a minimal reply and a null reply_to", "[client]") {
  const auto m = ok(R"({"type":"reply","reply_to":null,"text":"ok"})");
  const auto& r = std::get<reply_message>(m);
  CHECK_FALSE(r.reply_to.has_value());
  CHECK(r.sources.empty());
  CHECK(r.suggestions.empty());
  CHECK_FALSE(r.table.has_value());
}

TEST_CASE("server_message parses error, pong, reset_ok and unknown types", "[client]") {
  const auto e = std::get<error_message>(
      ok(R"({"type":"error","reply_to":"c7","code":"bad_request","message":"field 'text' must be a non-empty string"})"));
  CHECK(e.reply_to == "c7");
  CHECK(e.code == "bad_request");
  CHECK(e.message == "field 'text' must be a non-empty string");
  CHECK(std::get<pong_message>(ok(R"({"type":"pong","reply_to":"p"})")).reply_to == "p");
  CHECK(std::get<reset_ok_message>(ok(R"({"type":"reset_ok","reply_to":null})")).reply_to == std::nullopt);
  CHECK(std::get<unknown_message>(ok(R"({"type":"typing"})")).type == "typing");
}

TEST_CASE("server_message rejects frames that are not protocol JSON", "[client]") {
  CHECK(fails("not json").find("not JSON") != std::string::npos);
  CHECK(fails("[1,2]") == "the frame is not a JSON object");
  CHECK(fails(R"({"text":"no type"})") == "the frame has no string 'type'");
  CHECK(fails(R"({"type":7})") == "the frame has no string 'type'");
  CHECK(fails(R"({"type":"welcome","text":"Hi"})") == "'welcome' frame: field 'session' is missing");
  CHECK(fails(R"({"type":"reply","reply_to":"c1"})") == "'reply' frame: field 'text' is missing");
  CHECK(fails(R"({"type":"reply","text":5})") == "'reply' frame: field 'text' must be a string");
  CHECK(fails(R"({"type":"reply","text":"t","reply_to":3})") == "'reply' frame: field 'reply_to' must be a string or null");
  CHECK(fails(R"({"type":"reply","text":"t","suggestions":"x"})") ==
        "'reply' frame: field 'suggestions' must be an array of strings");
  CHECK(fails(R"({"type":"reply","text":"t","sources":["x"]})").find("field 'sources'") != std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","table":{"columns":["a"],"rows":[["b",{}]]}})").find("field 'table'") !=
        std::string::npos);
  CHECK(fails(R"({"type":"error","code":"x"})") == "'error' frame: field 'message' is missing");
}

TEST_CASE("server_message parses the protocol 1.1 extras advice, clarify and why", "[client]") {
  const auto m = ok(R"({"type":"reply","reply_to":"c2","text":"A TPM role fits.","intent":"choosing_role",
      "roles":["tpm","pm"],"confidence":0.9,"sources":[],"suggestions":[],
      "advice":{"fit":"tpm","reasons":[{"said":"I love coding","points_to":"tpm","because":"TPMs need depth",
                "section":"Technical Expertise Requirements"},
               {"said":"I play the guitar","points_to":"neither","because":"the article does not speak to this"}]},
      "clarify":true,
      "why":{"normalized":"how are pm evaluated","corrections":[{"from":"evaluted","to":"evaluated"}],
             "rule":"key_metrics.evaluated","file":"rules/topical.json","line":120,"matched":"pm evaluated",
             "context":{"intent":"skills","roles":["pm"]},
             "runner_up":[{"intent":"responsibilities","roles":["pm"],"score":0.61,
                           "rule":"responsibilities.word","lost":"lower weight"}]}})");
  const auto& r = std::get<reply_message>(m);
  REQUIRE(r.advice.has_value());
  CHECK(r.advice->fit == "tpm");
  REQUIRE(r.advice->reasons.size() == 2);
  CHECK(r.advice->reasons[0].said == "I love coding");
  CHECK(r.advice->reasons[0].points_to == "tpm");
  CHECK(r.advice->reasons[0].because == "TPMs need depth");
  CHECK(r.advice->reasons[0].section == "Technical Expertise Requirements");
  CHECK(r.advice->reasons[1].points_to == "neither");
  CHECK(r.advice->reasons[1].section.empty());
  CHECK(r.clarify);
  REQUIRE(r.why.has_value());
  CHECK(r.why->normalized == "how are pm evaluated");
  CHECK(r.why->corrections == std::vector<std::pair<std::string, std::string>>{{"evaluted", "evaluated"}});
  CHECK(r.why->rule == "key_metrics.evaluated");
  CHECK(r.why->file == "rules/topical.json");
  CHECK(r.why->line == 120);
  CHECK(r.why->matched == "pm evaluated");
  REQUIRE(r.why->context.has_value());
  CHECK(r.why->context->intent == "skills");
  CHECK(r.why->context->roles == std::vector<std::string>{"pm"});
  REQUIRE(r.why->runner_up.size() == 1);
  CHECK(r.why->runner_up[0].score == Approx(0.61));
  CHECK(r.why->runner_up[0].lost == "lower weight");

  const auto minimal = ok(R"({"type":"reply","text":"ok","why":{"normalized":"x","context":null}})");
  const auto& none = std::get<reply_message>(minimal);
  CHECK_FALSE(none.advice.has_value());
  CHECK_FALSE(none.clarify);
  REQUIRE(none.why.has_value());
  CHECK_FALSE(none.why->context.has_value());
  CHECK(none.why->runner_up.empty());
}

TEST_CASE("server_message rejects malformed 1.1 extras", "[client]") {
  CHECK(fails(R"({"type":"reply","text":"t","advice":"tpm"})").find("field 'advice'") != std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","advice":{"fit":1}})").find("field 'advice'") != std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","advice":{"fit":"pm","reasons":[{"said":2}]}})").find("advice") !=
        std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","clarify":"yes"})") == "'reply' frame: field 'clarify' must be a boolean");
  CHECK(fails(R"({"type":"reply","text":"t","why":[]})").find("field 'why'") != std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","why":{"line":"12"}})").find("field 'why'") != std::string::npos);
  CHECK(fails(R"({"type":"reply","text":"t","why":{"runner_up":[{"score":"high"}]}})").find("why") !=
        std::string::npos);
}
