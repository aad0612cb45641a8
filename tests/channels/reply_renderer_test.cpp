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

// A choosing_role reply with protocol 1.1 advice.
reply advised() {
  reply r;
  r.text = "From what you said, a TPM role fits you better.";
  r.intent = "choosing_role";
  r.roles = role_set::both();
  r.sources = {"Technical Expertise Requirements"};
  r.suggestions = {"What does a TPM do?"};
  r.advice = reply_advice{"tpm",
                          {{"I love coding", "tpm", "TPMs need a deep understanding of software development",
                            "Technical Expertise Requirements"},
                           {"I play the guitar", "neither", "the article does not speak to this", ""}}};
  return r;
}

// A protocol 1.1 clarify reply: a question, the readings as suggestions.
reply clarifying() {
  reply r;
  r.text = "Do you mean what a TPM does, or how a TPM is evaluated?";
  r.intent = "responsibilities";
  r.roles = role_set::of(role::tpm);
  r.clarify = true;
  r.suggestions = {"What does a TPM do?", "How is a TPM evaluated?"};
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

TEST_CASE("markdown (Mattermost, Teams): advice as a fit line and a bullet per reason with its section", "[channels]") {
  CHECK(render_markdown(advised()) ==
        "From what you said, a TPM role fits you better.\n\n"
        "**Fit: TPM (Technical Program Manager)**\n"
        "- \"I love coding\" \xE2\x86\x92 **tpm**: TPMs need a deep understanding of software development "
        "_(Technical Expertise Requirements)_\n"
        "- \"I play the guitar\" \xE2\x86\x92 **neither**: the article does not speak to this\n\n"
        "*Source: Technical Expertise Requirements*\n\n"
        "**Try asking:**\n- What does a TPM do?");
  auto r = advised();
  r.advice = reply_advice{"either", {}};
  CHECK(render_markdown(r).find("\n\n**Fit: either role**\n\n*Source:") != std::string::npos);
  r.advice->fit = "pm";
  CHECK(render_markdown(r).find("**Fit: PM (Product Manager)**") != std::string::npos);
}

TEST_CASE("markdown (Mattermost, Teams): a clarify reply is the question and the numbered readings", "[channels]") {
  CHECK(render_markdown(clarifying()) ==
        "Do you mean what a TPM does, or how a TPM is evaluated?\n\n"
        "**Which did you mean?**\n1. What does a TPM do?\n2. How is a TPM evaluated?");
}

TEST_CASE("markdown without the 1.1 extras is unchanged", "[channels]") {
  auto r = comparison();
  const auto before = render_markdown(r);
  r.advice.reset();
  r.clarify = false;
  r.why = reply_why{};  // why is for the WebSocket protocol only
  CHECK(render_markdown(r) == before);
  CHECK(render_discord(r) == render_discord(comparison()));
  CHECK(boost::json::serialize(render_slack_blocks(r)) == boost::json::serialize(render_slack_blocks(comparison())));
}

TEST_CASE("Slack: advice is a mrkdwn section with the fit and the reasons, escaped", "[channels]") {
  auto r = advised();
  r.advice->reasons[0].said = "I love <code> & tests";
  const auto blocks = render_slack_blocks(r);
  REQUIRE(blocks.size() == 4);  // text, advice, context, suggestions
  CHECK(blocks[1].at("type") == "section");
  CHECK(blocks[1].at("text").at("type") == "mrkdwn");
  CHECK(blocks[1].at("text").at("text") ==
        "*Fit: TPM (Technical Program Manager)*\n"
        "\xE2\x80\xA2 \"I love &lt;code&gt; &amp; tests\" \xE2\x86\x92 *tpm*: TPMs need a deep understanding of "
        "software development _(Technical Expertise Requirements)_\n"
        "\xE2\x80\xA2 \"I play the guitar\" \xE2\x86\x92 *neither*: the article does not speak to this");
  CHECK(blocks[2].at("type") == "context");
  CHECK(render_slack_text(r) == r.text);
}

TEST_CASE("Slack: a clarify reply numbers its readings under the question", "[channels]") {
  const auto blocks = render_slack_blocks(clarifying());
  REQUIRE(blocks.size() == 2);
  CHECK(blocks[0].at("text").at("text") == "Do you mean what a TPM does, or how a TPM is evaluated?");
  CHECK(blocks[1].at("text").at("text") == "*Which did you mean?*\n1. What does a TPM do?\n2. How is a TPM evaluated?");
}

TEST_CASE("Discord: advice and clarify readings, within 2,000 characters", "[channels]") {
  CHECK(render_discord(advised()) == render_markdown(advised()));
  CHECK(render_discord(clarifying()) == render_markdown(clarifying()));

  // Little room: the advice goes before the sources and suggestions...
  auto r = advised();
  const std::size_t advice_len = protocol::count_code_points(render_markdown(r)) -
                                 protocol::count_code_points("\n\n*Source: Technical Expertise Requirements*") -
                                 protocol::count_code_points("\n\n**Try asking:**\n- What does a TPM do?");
  auto tight = render_discord(r, advice_len + 5);
  CHECK(tight.find("**Fit: TPM") != std::string::npos);
  CHECK(tight.find("*Source:") == std::string::npos);
  CHECK(tight.find("Try asking") == std::string::npos);

  // ...and a clarify reply keeps its readings before anything else.
  auto c = clarifying();
  c.sources = {"Key Metrics"};
  const std::string readings = "\n\n**Which did you mean?**\n1. What does a TPM do?\n2. How is a TPM evaluated?";
  tight = render_discord(c, protocol::count_code_points(c.text) + protocol::count_code_points(readings));
  CHECK(tight == c.text + readings);

  r.text = std::string(2100, 'y');
  CHECK(protocol::count_code_points(render_discord(r)) == discord_content_limit);
}
