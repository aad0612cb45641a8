// End-to-end tests of the team-chat webhooks (integrations.md) against the
// real server binary: signed requests per platform get answers in the
// platform's format, every failure gets its status, follow-ups keep the
// channel's context, and Slack Events answers reach a stand-in Slack API.
#include <openssl/evp.h>

#include <boost/json.hpp>
#include <catch2/catch.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <fstream>
#include <memory>
#include <mutex>
#include <thread>

#include "bot/channels/crypto.hpp"
#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;
namespace ch = advisor::channels;

namespace {

constexpr const char* slack_secret = "e2e-slack-signing-secret";
constexpr const char* slack_token = "xoxb-e2e-bot-token";
constexpr const char* teams_key_default = "vqF0En+Z0ucuRTM/01o2GuhMH3hKKk/N2bOmlM31zaA=";
constexpr const char* teams_key_hr = "c2Vjb25kLXdlYmhvb2stc2VjcmV0LWtleS0zMmJ5dGU=";
constexpr const char* discord_sk = "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
constexpr const char* discord_pk = "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";

// A stand-in for the Slack Web API: records every request and answers
// {"ok":true}, or as answer_with() says (an error status, Slack's
// {"ok":false,...}, or no answer at all). Runs its own I/O thread.
class fake_slack_api {
 public:
  // How the next requests are answered.
  struct answer {
    http::status status = http::status::ok;
    std::string body = R"({"ok":true,"ts":"1700000000.000100"})";
    bool hang = false;  // read the request, then never answer (the connection is held open)
  };

  struct request {
    std::string method;
    std::string target;
    std::string authorization;
    std::string content_type;
    std::string body;
  };

  fake_slack_api() : acceptor_(ioc_, tcp::endpoint(net::ip::make_address("127.0.0.1"), 0)) {
    do_accept();
    thread_ = std::thread([this] { ioc_.run(); });
  }
  ~fake_slack_api() {
    ioc_.stop();
    thread_.join();
  }

  unsigned short port() const { return acceptor_.local_endpoint().port(); }

  void answer_with(answer a) {
    std::lock_guard lock(mu_);
    answer_ = std::move(a);
  }

  // The next request received, waiting up to timeout.
  std::optional<request> next(std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
    std::unique_lock lock(mu_);
    if (!cv_.wait_for(lock, timeout, [&] { return !received_.empty(); })) return std::nullopt;
    auto r = std::move(received_.front());
    received_.pop_front();
    return r;
  }

 private:
  struct connection {
    explicit connection(tcp::socket s) : stream(std::move(s)) {}
    beast::tcp_stream stream;
    beast::flat_buffer buffer;
    http::request<http::string_body> req;
    http::response<http::string_body> res;
  };

  void do_accept() {
    acceptor_.async_accept([this](error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<connection>(std::move(s));
      http::async_read(c->stream, c->buffer, c->req, [this, c](error_code rec, std::size_t) {
        if (rec) return;
        answer a;
        {
          std::lock_guard lock(mu_);
          received_.push_back({std::string(c->req.method_string()), std::string(c->req.target()),
                               std::string(c->req[http::field::authorization]),
                               std::string(c->req[http::field::content_type]), c->req.body()});
          a = answer_;
          if (a.hang) held_.push_back(c);  // kept open, unanswered, until the stand-in stops
        }
        cv_.notify_all();
        if (a.hang) return;
        c->res = http::response<http::string_body>(a.status, 11);
        c->res.set(http::field::content_type, "application/json");
        c->res.body() = a.body;
        c->res.keep_alive(false);
        c->res.prepare_payload();
        http::async_write(c->stream, c->res, [c](error_code, std::size_t) {
          error_code ignored;
          c->stream.socket().shutdown(tcp::socket::shutdown_both, ignored);
        });
      });
      do_accept();
    });
  }

  net::io_context ioc_;
  tcp::acceptor acceptor_;
  std::thread thread_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<request> received_;
  answer answer_;
  std::vector<std::shared_ptr<connection>> held_;
};

std::string now_ts() {
  return std::to_string(
      std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count());
}

std::string form_escape(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.') {
      out.push_back(c);
    } else if (c == ' ') {
      out.push_back('+');
    } else {
      char buf[4];
      std::snprintf(buf, sizeof buf, "%%%02X", static_cast<unsigned char>(c));
      out += buf;
    }
  }
  return out;
}

http_result post(unsigned short port, const std::string& target, std::string body, const std::string& content_type,
                 const std::vector<std::pair<std::string, std::string>>& headers = {}) {
  http::request<http::string_body> req(http::verb::post, target, 11);
  if (!content_type.empty()) req.set(http::field::content_type, content_type);
  for (const auto& [k, v] : headers) req.set(k, v);
  req.body() = std::move(body);
  return http_send(port, std::move(req));
}

http_result slack_post(unsigned short port, std::string body,
                       const std::string& content_type = "application/x-www-form-urlencoded",
                       const std::string& ts = now_ts(), const std::string& secret = slack_secret) {
  std::string base = "v0:" + ts + ":" + body;
  const std::string sig = "v0=" + ch::to_hex(ch::hmac_sha256(secret, base));
  return post(port, "/hooks/slack", std::move(body), content_type,
              {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", sig}});
}

std::string slash_body(const std::string& channel, const std::string& text) {
  return "token=legacy&team_id=T0001&team_domain=example&channel_id=" + channel +
         "&channel_name=general&user_id=U0001&user_name=ada&command=%2Fadvisor&text=" + form_escape(text) +
         "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F1&trigger_id=1.2.3&api_app_id=A0001";
}

std::string teams_sign(const std::string& key_b64, const std::string& body) {
  return "HMAC " + ch::to_base64(ch::hmac_sha256(*ch::from_base64(key_b64), body));
}

// Ed25519 signature (hex) of message with the RFC 8032 test 1 secret key.
std::string discord_sign(const std::string& message) {
  const auto sk = *ch::from_hex(discord_sk);
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(
      EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr, reinterpret_cast<const unsigned char*>(sk.data()),
                                   sk.size()),
      &EVP_PKEY_free);
  REQUIRE(key);
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
  REQUIRE(EVP_DigestSignInit(ctx.get(), nullptr, nullptr, nullptr, key.get()) == 1);
  unsigned char sig[64];
  std::size_t len = sizeof sig;
  REQUIRE(EVP_DigestSign(ctx.get(), sig, &len, reinterpret_cast<const unsigned char*>(message.data()),
                         message.size()) == 1);
  return ch::to_hex(std::string_view(reinterpret_cast<const char*>(sig), len));
}

http_result discord_post(unsigned short port, const std::string& body, const std::string& ts = "1700000000") {
  return post(port, "/hooks/discord", body, "application/json",
              {{"X-Signature-Ed25519", discord_sign(ts + body)}, {"X-Signature-Timestamp", ts}});
}

std::vector<std::string> channel_env(unsigned short slack_api_port) {
  return {std::string("ADVISOR_SLACK_SIGNING_SECRET=") + slack_secret,
          std::string("ADVISOR_SLACK_BOT_TOKEN=") + slack_token,
          "ADVISOR_SLACK_API_URL=http://127.0.0.1:" + std::to_string(slack_api_port) + "/api",
          "ADVISOR_MATTERMOST_TOKEN=mm-outgoing-token,mm-slash-token",
          std::string("ADVISOR_TEAMS_SECRETS==") + teams_key_default + ",hr=" + teams_key_hr,
          std::string("ADVISOR_DISCORD_PUBLIC_KEY=") + discord_pk};
}

void require_status(const http_result& r, unsigned status, const std::string& code = {}) {
  INFO("status " << r.response.result_int() << " body " << r.response.body());
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == status);
  if (!code.empty()) {
    REQUIRE(r.response[http::field::content_type].starts_with("application/json"));
    REQUIRE(error_code_of(json_body(r.response)) == code);
  }
}

json::object require_json_200(const http_result& r) {
  INFO("status " << r.response.result_int() << " body " << r.response.body());
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
  REQUIRE(r.response[http::field::content_type].starts_with("application/json"));
  auto body = json_body(r.response);
  REQUIRE(!body.empty());
  return body;
}

std::string blocks_text(const json::object& o) { return json::serialize(o.at("blocks")); }

void require_healthy(unsigned short port) {
  const auto r = http_get(port, "/healthz");
  REQUIRE(!r.ec);
  REQUIRE(r.response.result_int() == 200);
}

// The value of a metric sample line starting with prefix, or -1.
double metric(unsigned short port, const std::string& prefix) {
  const auto r = http_get(port, "/metrics");
  const auto& body = r.response.body();
  const auto at = body.find("\n" + prefix + " ");
  if (at == std::string::npos) return -1;
  return std::stod(body.substr(at + prefix.size() + 2));
}

}  // namespace

TEST_CASE("Slack slash commands get ephemeral block answers and follow-ups keep the channel's context",
          "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));

  auto o = require_json_200(slack_post(server.port(), slash_body("C100", "What skills does a TPM need?")));
  CHECK(str(o, "response_type") == "ephemeral");
  CHECK(str(o, "text").find("Technical Program Manager") != std::string::npos);
  REQUIRE(o.at("blocks").is_array());
  CHECK(o.at("blocks").at(0).at("type") == "section");
  CHECK(o.at("blocks").at(0).at("text").at("type") == "mrkdwn");
  CHECK(blocks_text(o).find("Source: Essential Skills and Competencies") != std::string::npos);
  CHECK(blocks_text(o).find("Try asking:") != std::string::npos);

  // The follow-up inherits the skills topic in the same channel ...
  o = require_json_200(slack_post(server.port(), slash_body("C100", "what about PMs?")));
  CHECK(str(o, "text").find("Product Manager") != std::string::npos);
  CHECK(blocks_text(o).find("Source: Essential Skills and Competencies") != std::string::npos);
  // ... but not in another channel.
  o = require_json_200(slack_post(server.port(), slash_body("C200", "what about PMs?")));
  CHECK(blocks_text(o).find("Essential Skills and Competencies") == std::string::npos);

  // Comparisons carry the table as one section per row.
  o = require_json_200(slack_post(server.port(), slash_body("C300", "TPM vs PM?")));
  CHECK(blocks_text(o).find("\"fields\"") != std::string::npos);
  CHECK(blocks_text(o).find("*Primary Focus*") != std::string::npos);

  // Empty text: a help reply, still 200 ephemeral.
  o = require_json_200(slack_post(server.port(), slash_body("C100", "")));
  CHECK(str(o, "response_type") == "ephemeral");
  CHECK_FALSE(str(o, "text").empty());

  // ssl_check is signed too and answered 200.
  require_status(slack_post(server.port(), "ssl_check=1&token=legacy"), 200);
}

TEST_CASE("Slack refuses unsigned, badly signed and stale requests with 401 and counts them", "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();
  const std::string body = slash_body("C1", "what is a TPM?");

  require_status(post(port, "/hooks/slack", body, "application/x-www-form-urlencoded"), 401, "unauthorized");
  const std::string ts = now_ts();
  require_status(post(port, "/hooks/slack", body, "application/x-www-form-urlencoded",
                      {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", "v0=" + std::string(64, '0')}}),
                 401, "unauthorized");
  // Signed, but the body was changed on the way.
  const std::string sig = "v0=" + ch::to_hex(ch::hmac_sha256(slack_secret, "v0:" + ts + ":" + body));
  require_status(post(port, "/hooks/slack", body + "x", "application/x-www-form-urlencoded",
                      {{"X-Slack-Request-Timestamp", ts}, {"X-Slack-Signature", sig}}),
                 401, "unauthorized");
  require_status(slack_post(port, body, "application/x-www-form-urlencoded", ts, "another-secret"), 401,
                 "unauthorized");
  const auto stale = std::to_string(std::stoll(ts) - 301);
  require_status(slack_post(port, body, "application/x-www-form-urlencoded", stale), 401, "unauthorized");
  // url_verification must be signed as well.
  require_status(post(port, "/hooks/slack", R"({"type":"url_verification","challenge":"abc"})", "application/json"),
                 401, "unauthorized");

  CHECK(metric(port, R"(advisor_errors_total{code="unauthorized"})") == 6);
  CHECK(metric(port, R"(advisor_http_requests_total{route="/hooks/slack",status="401"})") == 6);
  CHECK(metric(port, R"(advisor_channel_rejected_total{channel="slack",reason="stale"})") == 1);
  CHECK(metric(port, R"(advisor_channel_rejected_total{channel="slack",reason="missing"})") == 2);
  require_healthy(port);
}

TEST_CASE("Slack answers 415, 400 and 413 for wrong content types, malformed and oversized bodies", "[e2e][channels]") {
  fake_slack_api api;
  server_process server({"--max-body-bytes", "4KiB"}, channel_env(api.port()));
  const auto port = server.port();

  require_status(slack_post(port, slash_body("C1", "hi"), "text/plain"), 415, "unsupported_media_type");
  require_status(slack_post(port, "{not json", "application/json"), 400);
  require_status(slack_post(port, R"({"type":"event_callback","event":"nope"})", "application/json"), 400);
  require_status(slack_post(port, "team_id=T1&text=%zz", "application/x-www-form-urlencoded"), 400);
  require_status(slack_post(port, "team_id=T1&text=no+command", "application/x-www-form-urlencoded"), 400);
  require_status(slack_post(port, slash_body("C1", std::string(5000, 'a'))), 413, "payload_too_large");
  require_healthy(port);

  // The handshake, signed: the challenge comes back.
  auto o = require_json_200(slack_post(
      port,
      R"({"token":"t","challenge":"3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P","type":"url_verification"})",
      "application/json"));
  CHECK(str(o, "challenge") == "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
}

TEST_CASE("Slack events are acknowledged and answered through chat.postMessage on the stand-in API",
          "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();
  const auto event = [](const std::string& id, const std::string& extra) {
    return R"({"token":"t","team_id":"T0001","api_app_id":"A1","type":"event_callback","event_id":")" + id +
           R"(","event_time":1700000000,"authorizations":[{"user_id":"UBOT","is_bot":true}],"event":{)" + extra + "}}";
  };

  // A mention in a channel: acknowledged at once, answered in that channel.
  const auto ack = slack_post(
      port,
      event("Ev1",
            R"("type":"app_mention","user":"U0001","text":"<@UBOT> What does a TPM do?","ts":"1.1","channel":"C0001")"),
      "application/json");
  require_status(ack, 200);
  auto posted = api.next();
  REQUIRE(posted.has_value());
  CHECK(posted->method == "POST");
  CHECK(posted->target == "/api/chat.postMessage");
  CHECK(posted->authorization == std::string("Bearer ") + slack_token);
  CHECK(posted->content_type.starts_with("application/json"));
  auto body = json::parse(posted->body).as_object();
  CHECK(str(body, "channel") == "C0001");
  CHECK(str(body, "text").find("Technical Program Manager") != std::string::npos);
  REQUIRE(body.at("blocks").is_array());
  CHECK(json::serialize(body.at("blocks")).find("Source:") != std::string::npos);

  // Retries of the same event_id, bot messages and the app's own messages
  // are acknowledged and never answered.
  require_status(
      slack_post(
          port,
          event("Ev1", R"("type":"app_mention","user":"U0001","text":"<@UBOT> What does a TPM do?","channel":"C0001")"),
          "application/json"),
      200);
  require_status(
      slack_post(
          port,
          event(
              "Ev2",
              R"("type":"message","channel_type":"im","bot_id":"B1","subtype":"bot_message","text":"hi","channel":"D0001")"),
          "application/json"),
      200);
  require_status(
      slack_post(port,
                 event("Ev3", R"("type":"message","channel_type":"im","user":"UBOT","text":"hi","channel":"D0001")"),
                 "application/json"),
      200);
  // A direct message, in a thread, follows up on the DM's own context.
  require_status(
      slack_post(
          port,
          event(
              "Ev4",
              R"("type":"message","channel_type":"im","user":"U0001","text":"What skills does a PM need?","channel":"D0001","ts":"2.1","thread_ts":"2.0")"),
          "application/json"),
      200);
  posted = api.next();
  REQUIRE(posted.has_value());
  body = json::parse(posted->body).as_object();
  CHECK(str(body, "channel") == "D0001");  // the next post is the DM's: the ignored events posted nothing
  CHECK(str(body, "thread_ts") == "2.0");
  CHECK(str(body, "text").find("Product Manager") != std::string::npos);

  require_status(
      slack_post(
          port,
          event("Ev5", R"("type":"message","channel_type":"im","user":"U0001","text":"and a TPM?","channel":"D0001")"),
          "application/json"),
      200);
  posted = api.next();
  REQUIRE(posted.has_value());
  body = json::parse(posted->body).as_object();
  CHECK(json::serialize(body.at("blocks")).find("Essential Skills and Competencies") != std::string::npos);
  CHECK_FALSE(api.next(std::chrono::milliseconds(200)).has_value());
  CHECK(metric(port, R"(advisor_slack_posts_total{result="ok"})") == 3);
}

TEST_CASE("Mattermost outgoing webhooks and slash commands get markdown answers, bad tokens get 401",
          "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();
  const auto outgoing = [](const std::string& token, const std::string& text) {
    return "token=" + token +
           "&team_id=team1&team_domain=acme&channel_id=chan1&channel_name=town-square&timestamp=1700000000000&user_id="
           "user1&user_name=ada&post_id=post1&text=" +
           form_escape(text) + "&trigger_word=advisor&file_ids=";
  };

  auto o = require_json_200(post(port, "/hooks/mattermost", outgoing("mm-outgoing-token", "advisor TPM vs PM?"),
                                 "application/x-www-form-urlencoded"));
  CHECK(str(o, "response_type") == "comment");
  const auto text = str(o, "text");
  CHECK(text.find("| Aspect |") != std::string::npos);
  CHECK(text.find("|---|") != std::string::npos);
  CHECK(text.find("*Source:") != std::string::npos);
  CHECK(text.find("**Try asking:**") != std::string::npos);

  // JSON outgoing webhook: a follow-up in the same channel keeps context.
  require_json_200(post(
      port, "/hooks/mattermost",
      R"({"token":"mm-outgoing-token","team_id":"team1","channel_id":"chan2","user_id":"user1","post_id":"p2","text":"advisor what skills does a TPM need?","trigger_word":"advisor"})",
      "application/json"));
  o = require_json_200(post(
      port, "/hooks/mattermost",
      R"({"token":"mm-outgoing-token","team_id":"team1","channel_id":"chan2","user_id":"user1","post_id":"p3","text":"advisor: what about PMs?","trigger_word":"advisor"})",
      "application/json"));
  CHECK(str(o, "text").find("Essential Skills and Competencies") != std::string::npos);
  CHECK(str(o, "text").find("Product Manager") != std::string::npos);

  // Slash command with the Authorization header.
  o = require_json_200(
      post(port, "/hooks/mattermost",
           "channel_id=chan3&channel_name=x&command=%2Fadvisor&response_url=http%3A%2F%2Fx&team_domain="
           "acme&team_id=team1&text=what+is+a+PM%3F&token=mm-slash-token&user_id=user1&user_name=ada",
           "application/x-www-form-urlencoded", {{"Authorization", "Token mm-slash-token"}}));
  CHECK(str(o, "response_type") == "ephemeral");
  CHECK(str(o, "text").find("Product Manager") != std::string::npos);

  require_status(
      post(port, "/hooks/mattermost", outgoing("wrong-token", "advisor hi"), "application/x-www-form-urlencoded"), 401,
      "unauthorized");
  require_status(post(port, "/hooks/mattermost", outgoing("", "advisor hi"), "application/x-www-form-urlencoded"), 401,
                 "unauthorized");
  require_status(post(port, "/hooks/mattermost", outgoing("mm-slash-token", "advisor hi"),
                      "application/x-www-form-urlencoded", {{"Authorization", "Token wrong"}}),
                 401, "unauthorized");
  require_status(post(port, "/hooks/mattermost", outgoing("mm-outgoing-token", "advisor hi"), "text/plain"), 415,
                 "unsupported_media_type");
  require_status(post(port, "/hooks/mattermost", "{broken", "application/json"), 400);
  require_status(post(port, "/hooks/mattermost", R"({"token":"mm-outgoing-token","text":"hi"})", "application/json"),
                 400);
  CHECK(metric(port, R"(advisor_channel_rejected_total{channel="mattermost",reason="bad_signature"})") == 2);
  require_healthy(port);
}

TEST_CASE("a signed payload with a field of the wrong type gets 400 on every platform", "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();
  // Slack (JSON events): type and challenge must be strings.
  require_status(slack_post(port, R"({"type":5})", "application/json"), 400);
  require_status(slack_post(port, R"({"type":"url_verification","challenge":5})", "application/json"), 400);
  // Mattermost (JSON outgoing webhook, the right token): text, channel_id must be strings.
  require_status(
      post(port, "/hooks/mattermost",
           R"({"token":"mm-outgoing-token","channel_id":"c1","user_id":"u1","text":5,"trigger_word":"advisor"})",
           "application/json"),
      400, "bad_request");
  require_status(
      post(
          port, "/hooks/mattermost",
          R"({"token":"mm-outgoing-token","channel_id":7,"user_id":"u1","text":"advisor hi","trigger_word":"advisor"})",
          "application/json"),
      400, "bad_request");
  // Teams: text must be a string.
  const std::string teams = R"({"type":"message","from":{"id":"29:u1"},"conversation":{"id":"19:c1"},"text":5})";
  require_status(
      post(port, "/hooks/teams", teams, "application/json", {{"Authorization", teams_sign(teams_key_default, teams)}}),
      400, "bad_request");
  // Discord: type must be an integer.
  require_status(discord_post(port, R"({"type":"1"})"), 400, "bad_request");
  require_healthy(port);
}

TEST_CASE("Teams outgoing webhooks: HMAC per ?id=, mention stripped, markdown reply, failures", "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();

  // integrations.md's vector, as is.
  const std::string vector_body = R"({"type":"message","text":"<at>Bot</at> hello"})";
  auto o = require_json_200(post(port, "/hooks/teams", vector_body, "application/json",
                                 {{"Authorization", "HMAC NFJ/F4oE3MimwSbEE6PUFDgawiB3QuNNLzRi9lGzu6w="}}));
  CHECK(str(o, "type") == "message");
  CHECK(str(o, "text").find("Hello") != std::string::npos);

  // The second webhook, selected by ?id=, with its own key; a comparison is a table.
  const std::string body =
      R"({"type":"message","id":"1700000000001","timestamp":"2024-01-01T00:00:00Z","from":{"id":"29:u1","name":"Ada"},"conversation":{"id":"19:c1"},"text":"<at>Advisor</at> TPM vs PM?"})";
  o = require_json_200(
      post(port, "/hooks/teams?id=hr", body, "application/json", {{"Authorization", teams_sign(teams_key_hr, body)}}));
  CHECK(str(o, "type") == "message");
  CHECK(str(o, "text").find("| Aspect |") != std::string::npos);
  CHECK(str(o, "text").find("**Try asking:**") != std::string::npos);
  // A replay of the same activity gets the same answer.
  auto again = require_json_200(
      post(port, "/hooks/teams?id=hr", body, "application/json", {{"Authorization", teams_sign(teams_key_hr, body)}}));
  CHECK(again == o);

  // Follow-up in the same conversation.
  const std::string q1 =
      R"({"type":"message","id":"a2","from":{"id":"29:u1"},"conversation":{"id":"19:c9"},"text":"<at>Advisor</at> How is a TPM measured?"})";
  const std::string q2 =
      R"({"type":"message","id":"a3","from":{"id":"29:u1"},"conversation":{"id":"19:c9"},"text":"<at>Advisor</at> what about PMs?"})";
  require_json_200(
      post(port, "/hooks/teams", q1, "application/json", {{"Authorization", teams_sign(teams_key_default, q1)}}));
  o = require_json_200(
      post(port, "/hooks/teams", q2, "application/json", {{"Authorization", teams_sign(teams_key_default, q2)}}));
  CHECK(str(o, "text").find("Product Manager") != std::string::npos);
  CHECK(str(o, "text").find("key metrics are product adoption") != std::string::npos);

  // Failures.
  require_status(post(port, "/hooks/teams?id=hr", body, "application/json",
                      {{"Authorization", teams_sign(teams_key_default, body)}}),
                 401, "unauthorized");
  require_status(
      post(port, "/hooks/teams?id=nope", body, "application/json", {{"Authorization", teams_sign(teams_key_hr, body)}}),
      401, "unauthorized");
  require_status(post(port, "/hooks/teams", body, "application/json"), 401, "unauthorized");
  require_status(post(port, "/hooks/teams", body + " ", "application/json",
                      {{"Authorization", teams_sign(teams_key_default, body)}}),
                 401, "unauthorized");
  require_status(
      post(port, "/hooks/teams", "", "application/json", {{"Authorization", teams_sign(teams_key_default, "")}}), 400);
  require_status(
      post(port, "/hooks/teams", "[1]", "application/json", {{"Authorization", teams_sign(teams_key_default, "[1]")}}),
      400);
  require_status(
      post(port, "/hooks/teams", body, "text/plain", {{"Authorization", teams_sign(teams_key_default, body)}}), 415,
      "unsupported_media_type");
  require_healthy(port);
}

TEST_CASE("Discord interactions: PING vector, application commands within 2,000 characters, bad signatures",
          "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();

  // integrations.md's Discord-shaped vector, as is.
  const auto pong =
      post(port, "/hooks/discord", R"({"type":1})", "application/json",
           {{"X-Signature-Ed25519",
             "1695961a47c91a1ec033b819b7e87e3dbc583dd0cee6d1fd0216f58ac87b6228ae531ddbf91fb7bc28d7edf7f08604"
             "da16f54624f38a6bc0614e4dc13cd47f0f"},
            {"X-Signature-Timestamp", "1700000000"}});
  auto o = require_json_200(pong);
  CHECK(json::value(o) == json::parse(R"({"type":1})"));

  const auto command = [](const std::string& channel, const std::string& question) {
    return R"({"type":2,"id":"1","application_id":"2","token":"tok","guild_id":"g1","channel_id":")" + channel +
           R"(","member":{"user":{"id":"u1","username":"ada"}},"data":{"id":"3","name":"advisor","type":1,"options":[{"name":"question","type":3,"value":")" +
           question + R"("}]}})";
  };
  o = require_json_200(discord_post(port, command("c1", "TPM vs PM?"), now_ts()));
  CHECK(o.at("type") == 4);
  const auto content = std::string(o.at("data").at("content").as_string());
  CHECK(content.find("Technical Program Manager") != std::string::npos);
  CHECK(content.size() <= 2000 * 4);
  CHECK(advisor::test::str(o.at("data").as_object(), "content").size() > 0);
  CHECK(json::serialize(o.at("data").at("allowed_mentions")) == R"({"parse":[]})");
  std::size_t code_points = 0;
  for (const char c : content) code_points += (static_cast<unsigned char>(c) & 0xC0) != 0x80;
  CHECK(code_points <= 2000);

  // Follow-up in the same channel.
  require_json_200(discord_post(port, command("c2", "What skills does a TPM need?")));
  o = require_json_200(discord_post(port, command("c2", "what about PMs?")));
  CHECK(std::string(o.at("data").at("content").as_string()).find("Essential Skills and Competencies") !=
        std::string::npos);

  // Discord's own probe: a bad signature must get 401.
  const std::string ping = R"({"type":1})";
  require_status(post(port, "/hooks/discord", ping, "application/json",
                      {{"X-Signature-Ed25519", std::string(128, '0')}, {"X-Signature-Timestamp", "1700000000"}}),
                 401, "unauthorized");
  require_status(
      post(port, "/hooks/discord", ping, "application/json",
           {{"X-Signature-Ed25519", discord_sign("1700000000" + ping)}, {"X-Signature-Timestamp", "1700000001"}}),
      401, "unauthorized");
  require_status(post(port, "/hooks/discord", ping, "application/json"), 401, "unauthorized");
  require_status(
      post(port, "/hooks/discord", ping, "text/plain",
           {{"X-Signature-Ed25519", discord_sign("1700000000" + ping)}, {"X-Signature-Timestamp", "1700000000"}}),
      415, "unsupported_media_type");
  require_status(discord_post(port, "{oops"), 400);
  require_status(discord_post(port, R"({"type":9})"), 400);
  require_healthy(port);
}

TEST_CASE("channels without a secret are off (404), a secrets file enables them, secrets stay out of logs",
          "[e2e][channels]") {
  {
    server_process server;
    for (const char* route : {"/hooks/slack", "/hooks/mattermost", "/hooks/teams", "/hooks/discord"}) {
      INFO(route);
      require_status(post(server.port(), route, "{}", "application/json"), 404, "not_found");
    }
  }
  char name[] = "/tmp/advisor-e2e-secrets-XXXXXX";
  const int fd = mkstemp(name);
  REQUIRE(fd >= 0);
  close(fd);
  std::ofstream(name) << "# test secrets\nADVISOR_SLACK_SIGNING_SECRET=file-secret-value-42\n";
  {
    server_process server({"--secrets-file", name, "--log-level", "debug"});
    require_status(post(server.port(), "/hooks/slack", "a=b", "application/x-www-form-urlencoded"), 401);
    const auto o = require_json_200(slack_post(server.port(), slash_body("C1", "hi"),
                                               "application/x-www-form-urlencoded", now_ts(), "file-secret-value-42"));
    CHECK(str(o, "response_type") == "ephemeral");
    require_status(post(server.port(), "/hooks/discord", "{}", "application/json"), 404);
    REQUIRE(server.stop() == 0);
    CHECK(server.output().find("channel_enabled") != std::string::npos);
    CHECK(server.output().find("file-secret-value-42") == std::string::npos);
  }
  std::remove(name);
}

namespace {

// A slash command as Slack sends it: every command carries a fresh
// trigger_id, while team, channel and user stay the same.
std::string quiz_slash_body(const std::string& text) {
  static int trigger = 0;
  ++trigger;
  return "token=legacy&team_id=T0042&team_domain=example&channel_id=C0042&channel_name=careers&user_id=U0042"
         "&user_name=grace&command=%2Fadvisor&text=" +
         form_escape(text) +
         "&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2F42&trigger_id=" + std::to_string(trigger) +
         ".42.quiz&api_app_id=A0001";
}

// The text of every block of a Slack answer, joined by newlines.
std::string all_block_text(const json::object& o) {
  std::string out;
  const auto add = [&](const json::value& t) {
    if (t.is_object() && t.as_object().contains("text") && t.at("text").is_string())
      out += std::string(t.at("text").as_string()) + "\n";
  };
  for (const auto& b : o.at("blocks").as_array()) {
    const auto& block = b.as_object();
    if (block.contains("text")) add(block.at("text"));
    if (block.contains("elements"))
      for (const auto& e : block.at("elements").as_array()) add(e);
  }
  return out;
}

bool contains(const std::string& haystack, const std::string& needle) {
  return haystack.find(needle) != std::string::npos;
}

}  // namespace

TEST_CASE("Slack: the career-fit questionnaire by offered answer, free text and skip ends in a recommendation",
          "[e2e][channels]") {
  fake_slack_api api;
  server_process server({}, channel_env(api.port()));
  const auto port = server.port();

  // One turn: the answer's blocks as text, and the context for the checks.
  json::object o;
  std::string blocks;
  const auto turn = [&](const std::string& text) {
    o = require_json_200(slack_post(port, quiz_slash_body(text)));
    CHECK(str(o, "response_type") == "ephemeral");
    blocks = all_block_text(o);
  };

  // Nothing known yet: the first question, its typical answers and a skip,
  // as an ephemeral Block Kit answer.
  turn("Which role suits me?");
  {
    INFO(blocks);
    CHECK(contains(str(o, "text"), "Question 1 of 4: How technical do you want to be"));
    CHECK(contains(blocks, "Question 1 of 4: How technical do you want to be"));
    CHECK(contains(blocks, "\xE2\x80\xA2 Deep: software and architecture"));
    CHECK(contains(blocks, "\xE2\x80\xA2 Constraints and feasibility is enough"));
    CHECK(contains(blocks, "\xE2\x80\xA2 Skip"));
    CHECK_FALSE(contains(blocks, "Fit:"));
  }
  // An offered answer, as a slash command can give it: its text.
  turn("Deep: software and architecture");
  {
    INFO(blocks);
    CHECK(contains(blocks, "Question 2 of 4: Whom would you rather work with"));
    CHECK(contains(blocks, "\xE2\x80\xA2 Engineering teams"));
  }
  // Free text.
  turn("Engineering teams, definitely");
  {
    INFO(blocks);
    CHECK(contains(blocks, "Question 3 of 4: What would you rather be measured on"));
  }
  // Skip: nothing recorded, the next question.
  turn("skip");
  {
    INFO(blocks);
    CHECK(contains(blocks, "Question 4 of 4: Which would you rather own"));
    CHECK(contains(blocks, "\xE2\x80\xA2 Schedules, risks and dependencies"));
  }
  // The last answer, an offered one by its place in the list: the
  // recommendation, with one cited reason per answer given (the skip gave
  // none), and no further question.
  turn("the first one");
  {
    INFO(blocks);
    CHECK_FALSE(contains(blocks, "Question "));
    CHECK(contains(blocks, "*Fit: TPM (Technical Program Manager)*"));
    std::size_t reasons = 0;
    for (std::size_t at = blocks.find("\" \xE2\x86\x92 *tpm*: "); at != std::string::npos;
         at = blocks.find("\" \xE2\x86\x92 *tpm*: ", at + 1))
      ++reasons;
    CHECK(reasons == 3);
    CHECK(contains(blocks, "\xE2\x80\xA2 \"Deep: software and architecture"));
    CHECK(contains(blocks, "\xE2\x80\xA2 \"Engineering teams"));
    CHECK(contains(blocks, "\xE2\x80\xA2 \"the first one (Schedules, risks and dependencies)"));
    CHECK(contains(blocks, "_Source: "));
    CHECK(contains(blocks, "\xE2\x80\xA2 Why?"));
  }
  require_healthy(port);
}

namespace {

// Waits (at most timeout) until the metric sample reaches value; returns
// the last value read.
double wait_for_metric(unsigned short port, const std::string& prefix, double value,
                       std::chrono::milliseconds timeout = std::chrono::seconds(20)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  double seen = metric(port, prefix);
  while (seen < value && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    seen = metric(port, prefix);
  }
  return seen;
}

// The log lines (JSON) of server output whose "msg" is event.
std::vector<json::object> log_events(const std::string& output, const std::string& event) {
  std::vector<json::object> out;
  std::size_t start = 0;
  while (start < output.size()) {
    const auto end = output.find('\n', start);
    const std::string line = output.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? output.size() : end + 1;
    boost::system::error_code ec;
    auto v = json::parse(line, ec);
    if (!ec && v.is_object() && line.find("\"" + event + "\"") != std::string::npos) out.push_back(v.as_object());
  }
  return out;
}

std::string slack_event(const std::string& id, const std::string& text) {
  return R"({"token":"t","team_id":"T0001","api_app_id":"A1","type":"event_callback","event_id":")" + id +
         R"(","event_time":1700000000,"event":{"type":"app_mention","user":"U0001","text":"<@UBOT> )" + text +
         R"(","ts":"1.1","channel":"C0001"}})";
}

}  // namespace

TEST_CASE(
    "Slack chat.postMessage failures (HTTP error, ok:false, no answer in time) are logged, counted, block nothing",
    "[e2e][channels]") {
  fake_slack_api api;
  server_process server({"--slack-api-timeout", "3s"}, channel_env(api.port()));
  const auto port = server.port();
  const std::string errors = R"(advisor_slack_posts_total{result="error"})";

  // An HTTP error status.
  api.answer_with({http::status::internal_server_error, "upstream down", false});
  require_status(slack_post(port, slack_event("EvF1", "What does a TPM do?"), "application/json"), 200);
  REQUIRE(api.next().has_value());
  CHECK(wait_for_metric(port, errors, 1) == 1);

  // Slack's own error: 200 with {"ok":false,"error":...}.
  api.answer_with({http::status::ok, R"({"ok":false,"error":"channel_not_found"})", false});
  require_status(slack_post(port, slack_event("EvF2", "What does a PM do?"), "application/json"), 200);
  REQUIRE(api.next().has_value());
  CHECK(wait_for_metric(port, errors, 2) == 2);

  // No answer at all: while the post hangs, the event is acknowledged and
  // other requests are answered; the post fails after --slack-api-timeout.
  api.answer_with({http::status::ok, "", true});
  require_status(slack_post(port, slack_event("EvF3", "TPM vs PM?"), "application/json"), 200);
  REQUIRE(api.next().has_value());  // the advisor is now waiting on the stand-in
  require_healthy(port);
  const auto o = require_json_200(slack_post(port, slash_body("C700", "What skills does a TPM need?")));
  CHECK(contains(str(o, "text"), "Technical Program Manager"));
  require_json_200(http_post(port, "/api/v1/chat", R"({"text":"What does a PM do?"})"));
  require_status(slack_post(port, slack_event("EvF4", "What does a PM do?"), "application/json"), 200);
  REQUIRE(api.next().has_value());
  // All of that was answered while the hung post was still pending.
  INFO("failed posts counted when the other requests had been answered (2: they did not wait for the hung post)");
  CHECK(metric(port, errors) == 2);
  CHECK(wait_for_metric(port, errors, 4) == 4);
  CHECK(metric(port, R"(advisor_slack_posts_total{result="ok"})") == -1);

  const auto failures = log_events(server.output(), "slack_post_failed");
  REQUIRE(failures.size() == 4);
  INFO(server.output());
  CHECK(str(failures[0], "level") == "warn");
  CHECK(contains(str(failures[0], "error"), "status 500"));
  CHECK(contains(str(failures[1], "error"), "channel_not_found"));
  CHECK(contains(str(failures[2], "error"), "timeout"));
  CHECK(contains(str(failures[3], "error"), "timeout"));
  require_healthy(port);
  REQUIRE(server.stop() == 0);
  CHECK_FALSE(contains(server.output(), slack_token));
}

TEST_CASE("Mattermost slash commands sent as GET: fields from the query string, the token checked", "[e2e][channels]") {
  fake_slack_api api;
  server_process server({"--log-level", "debug"}, channel_env(api.port()));
  const auto port = server.port();
  const auto get = [&](const std::string& token, const std::string& text,
                       const std::vector<std::pair<std::string, std::string>>& headers = {}) {
    http::request<http::string_body> req(
        http::verb::get,
        "/hooks/mattermost?channel_id=chan7&channel_name=town-square&command=%2Fadvisor&response_url=http%3A%2F%2Fmm"
        "%2Fhooks%2Fcommands%2F1&team_domain=acme&team_id=team7&text=" +
            form_escape(text) + (token.empty() ? "" : "&token=" + token) + "&user_id=user7&user_name=ada",
        11);
    for (const auto& [k, v] : headers) req.set(k, v);
    return http_send(port, std::move(req));
  };

  auto o = require_json_200(
      get("mm-slash-token", "What skills does a TPM need?", {{"Authorization", "Token mm-slash-token"}}));
  CHECK(str(o, "response_type") == "ephemeral");
  CHECK(contains(str(o, "text"), "Technical Program Manager"));
  CHECK(contains(str(o, "text"), "*Source: Essential Skills and Competencies"));
  // The follow-up, the token only in the query: same team, channel and user, same context.
  o = require_json_200(get("mm-slash-token", "what about PMs?"));
  CHECK(contains(str(o, "text"), "Product Manager"));
  CHECK(contains(str(o, "text"), "Essential Skills and Competencies"));

  require_status(get("wrong-token", "what is a PM?"), 401, "unauthorized");
  require_status(get("", "what is a PM?"), 401, "unauthorized");
  require_status(get("mm-slash-token", "what is a PM?", {{"Authorization", "Token wrong-token"}}), 401, "unauthorized");
  require_status(get("mm-outgoing-token", "what is a PM?", {{"Authorization", "Token mm-slash-token"}}), 401,
                 "unauthorized");
  require_status(http_get(port, "/hooks/mattermost?token=mm-slash-token&text=%zz&channel_id=c&user_id=u"), 400);
  require_status(http_get(port, "/hooks/mattermost?token=mm-slash-token&command=%2Fadvisor&text=hi"), 400);
  CHECK(metric(port, R"(advisor_channel_rejected_total{channel="mattermost",reason="bad_signature"})") == 3);
  CHECK(metric(port, R"(advisor_channel_rejected_total{channel="mattermost",reason="missing"})") == 1);
  CHECK(metric(port, R"(advisor_http_requests_total{route="/hooks/mattermost",status="401"})") == 4);
  require_healthy(port);
  REQUIRE(server.stop() == 0);
  CHECK_FALSE(contains(server.output(), "mm-slash-token"));
}
