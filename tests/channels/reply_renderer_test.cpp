// Platform renderings of a structured reply.
#include "bot/channels/reply_renderer.hpp"

#include <boost/json.hpp>
#include <catch2/catch.hpp>

#include "bot/protocol/utf8_text.hpp"

using namespace advisor;
using namespace advisor::channels;

namespace {

reply comparison() {
  reply r;
  r.text = "TPMs deliver; PMs decide what to build.";
  r.intent = "comparison";
  r.roles = role_set::both();
  r.sources = {"Introduction", "Table of Comparison"};
  r.suggestions = {"What does a TPM do?", "Which role suits me?"};
  r.table = reply_table{{"Aspect", "TPM", "PM"},
                        {{"Primary Focus", "Delivery", "Vision | strategy"}, {"Metrics", "Milestones", "Adoption"}}};
  return r;
}

}  // namespace

TEST_CASE("markdown rendering has the text, a GFM table, the sources and a try-asking list", "[channels]") {
  const auto md = render_markdown(comparison());
  CHECK(md.starts_with("TPMs deliver; PMs decide what to build."));
  CHECK(md.find("| Aspect | TPM | PM |\n|---|---|---|\n| Primary Focus | Delivery | Vision \\| strategy |") !=
        std::string::npos);
  CHECK(md.find("| Metrics | Milestones | Adoption |") != std::string::npos);
  CHECK(md.find("*Source: Introduction; Table of Comparison*") != std::string::npos);
  CHECK(md.find("**Try asking:**\n- What does a TPM do?\n- Which role suits me?") != std::string::npos);

  reply meta;
  meta.text = "Hello!";
  CHECK(render_markdown(meta) == "Hello!");
}

TEST_CASE("Slack blocks: escaped mrkdwn section, a section per table row, sources context, suggestions", "[channels]") {
  auto r = comparison();
  r.text = "A <b> & c";
  const auto blocks = render_slack_blocks(r);
  REQUIRE(blocks.size() == 5);  // text, 2 rows, context, suggestions
  CHECK(blocks[0].at("type") == "section");
  CHECK(blocks[0].at("text").at("type") == "mrkdwn");
  CHECK(blocks[0].at("text").at("text") == "A &lt;b&gt; &amp; c");
  CHECK(blocks[1].at("text").at("text") == "*Primary Focus*");
  REQUIRE(blocks[1].at("fields").as_array().size() == 2);
  CHECK(blocks[1].at("fields").at(0).at("text") == "*TPM*\nDelivery");
  CHECK(blocks[3].at("type") == "context");
  CHECK(boost::json::serialize(blocks[3]).find("Table of Comparison") != std::string::npos);
  CHECK(blocks[4].at("text").at("text").as_string().starts_with("*Try asking:*"));
  CHECK(render_slack_text(r) == "A <b> & c");
}

TEST_CASE("Discord content never exceeds 2,000 characters and drops optional parts first", "[channels]") {
  auto r = comparison();
  const auto full = render_discord(r);
  CHECK(full.find("**Primary Focus**\n- TPM: Delivery\n- PM: Vision | strategy") != std::string::npos);
  CHECK(full.find("**Try asking:**") != std::string::npos);

  r.text = std::string(1990, 'x');
  const auto tight = render_discord(r);
  CHECK(protocol::count_code_points(tight) <= discord_content_limit);
  CHECK(tight == std::string(1990, 'x'));  // nothing optional fits

  r.text.clear();
  for (int i = 0; i < 1500; ++i) r.text += "\xC3\xA9";  // 2 bytes each
  r.text += r.text;                                     // 3,000 code points
  const auto cut = render_discord(r);
  CHECK(protocol::count_code_points(cut) == discord_content_limit);
  CHECK(cut.ends_with("\xE2\x80\xA6"));
}

TEST_CASE("truncate_code_points never splits a UTF-8 sequence", "[channels]") {
  CHECK(truncate_code_points("abc", 3) == "abc");
  CHECK(truncate_code_points("abcd", 3) == "ab\xE2\x80\xA6");
  CHECK(truncate_code_points("\xC3\xA9\xC3\xA9\xC3\xA9", 2) == "\xC3\xA9\xE2\x80\xA6");
}
