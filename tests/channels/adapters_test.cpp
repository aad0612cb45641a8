// The adapters' parsing helpers: form bodies, Slack and Teams text clean-up,
// Mattermost trigger words, conversation keys and the dedupe cache.
#include <catch2/catch.hpp>

#include "bot/channels/channel.hpp"
#include "bot/channels/form_fields.hpp"
#include "bot/channels/mattermost_channel.hpp"
#include "bot/channels/recent_ids.hpp"
#include "bot/channels/slack_channel.hpp"
#include "bot/channels/teams_channel.hpp"

using namespace advisor::channels;

TEST_CASE("form_fields decodes '+' and percent escapes and rejects bad encodings", "[channels]") {
  const auto f = form_fields::parse("command=%2Fadvisor&text=what+is+a+TPM%3F&empty=&flag");
  REQUIRE(f.has_value());
  CHECK(f->get("command") == "/advisor");
  CHECK(f->get("text") == "what is a TPM?");
  CHECK(f->has("empty"));
  CHECK(f->get("empty").empty());
  CHECK(f->has("flag"));
  CHECK(f->get("missing").empty());
  CHECK_FALSE(form_fields::parse("text=%zz").has_value());
  CHECK_FALSE(form_fields::parse("text=%ff%fe").has_value());  // not UTF-8
  CHECK(form_fields::parse("text=caf%C3%A9")->get("text") == "caf\xC3\xA9");
}

TEST_CASE("slack_plain_text drops mentions and keeps link labels", "[channels]") {
  CHECK(slack_plain_text("<@U0LAN0Z89> what is a TPM?") == " what is a TPM?");
  CHECK(slack_plain_text("see <https://x.test|the article> &amp; <!here>") == "see the article & ");
  CHECK(slack_plain_text("a &lt;b&gt;") == "a <b>");
}

TEST_CASE("teams_plain_text removes the <at> mention and markup", "[channels]") {
  CHECK(teams_plain_text("<at>Bot</at> hello") == "hello");
  CHECK(teams_plain_text("<p><at>Advisor</at>&nbsp;TPM vs PM?</p>\n") == "TPM vs PM?");
  CHECK(teams_plain_text("R&amp;D <b>skills</b>") == "R&D skills");
}

TEST_CASE("strip_trigger_word removes only a leading trigger word", "[channels]") {
  CHECK(strip_trigger_word("advisor what is a PM?", "advisor") == "what is a PM?");
  CHECK(strip_trigger_word("advisor: skills?", "advisor") == "skills?");
  CHECK(strip_trigger_word("what is an advisor?", "advisor") == "what is an advisor?");
  CHECK(strip_trigger_word("hello", "") == "hello");
}

TEST_CASE("conversation keys keep platform, team, channel and user apart", "[channels]") {
  CHECK(conversation_key{"slack", "T1", "C1", "U1"}.to_string() == "slack/T1/C1/U1");
  CHECK(conversation_key{"teams", "", "a/b", "u%"}.to_string() == "teams//a%2Fb/u%25");
  CHECK(conversation_key{"slack", "T1", "C1", "U1"}.to_string() !=
        conversation_key{"slack", "T1", "C2", "U1"}.to_string());
}

TEST_CASE("recent_ids reports duplicates and forgets the oldest beyond capacity", "[channels]") {
  recent_ids ids(2);
  CHECK(ids.insert("a", "1"));
  CHECK_FALSE(ids.insert("a", "2"));
  CHECK(ids.find("a") == "1");
  CHECK(ids.insert("b"));
  CHECK(ids.insert("c"));
  CHECK_FALSE(ids.find("a").has_value());
  CHECK(ids.size() == 2);
}

TEST_CASE("form_fields reads only the view it is given (query views are not NUL-terminated)", "[channels]") {
  const std::string target = "a=1&b=2XYZ&c=3";
  const auto f = form_fields::parse(std::string_view(target).substr(0, 7));
  REQUIRE(f.has_value());
  CHECK(f->get("a") == "1");
  CHECK(f->get("b") == "2");
  CHECK_FALSE(f->has("c"));
}
