// Hot reload against the real server binary: SIGHUP and POST /admin/reload
// swap in new rules only after they load and pass the conversation checks;
// refused sets keep the old ones serving; open connections keep going.
#include <signal.h>
#include <stdlib.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>
#include <thread>

#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace json = boost::json;
namespace fs = std::filesystem;

namespace {

const fs::path source_dir = ADVISOR_SOURCE_DIR;
constexpr const char* token = "test-admin-token-0123456789";

// A private copy of the rules, knowledge and conversation checks the test
// may change, removed at the end.
struct data_copy {
  fs::path dir;
  data_copy() {
    char tmpl[] = "/tmp/advisor-reload-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    dir = tmpl;
    fs::copy(source_dir / "rules", dir / "rules", fs::copy_options::recursive);
    fs::copy(source_dir / "knowledge", dir / "knowledge", fs::copy_options::recursive);
    fs::copy(fs::path(ADVISOR_SOURCE_DIR) / "rules" / "checks", dir / "conversations", fs::copy_options::recursive);
  }
  ~data_copy() {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  std::vector<std::string> args() const {
    return {"--rules",         (dir / "rules").string(),         "--knowledge", (dir / "knowledge").string(),
            "--conversations", (dir / "conversations").string(), "--msg-rate",  "0"};
  }
  fs::path rule_file() const { return dir / "rules" / "intents.json"; }
  static std::string read(const fs::path& p) {
    std::ifstream in(p, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }
  static void write(const fs::path& p, const std::string& text) {
    // Write then rename: a reload never sees a half-written file.
    const fs::path tmp = p.string() + ".tmp";
    std::ofstream(tmp, std::ios::binary | std::ios::trunc) << text;
    fs::rename(tmp, p);
  }
};

// Sets ADVISOR_ADMIN_TOKEN for the servers this test starts.
struct admin_token_env {
  explicit admin_token_env(const char* value) { setenv("ADVISOR_ADMIN_TOKEN", value, 1); }
  ~admin_token_env() { unsetenv("ADVISOR_ADMIN_TOKEN"); }
};

// A reload loads and checks the whole rule set before it answers: seconds
// under the sanitizers, so the bound is generous. A transport error fails
// here (an unanswered request would otherwise look like a default 200).
http_result reload_request(unsigned short port, const std::string& bearer) {
  http::request<http::string_body> req(http::verb::post, "/admin/reload", 11);
  if (!bearer.empty()) req.set(http::field::authorization, "Bearer " + bearer);
  auto r = http_send(port, std::move(req), std::chrono::seconds(60));
  INFO("POST /admin/reload: " << r.ec.message());
  REQUIRE(!r.ec);
  return r;
}

std::string readyz_version(unsigned short port) {
  const auto r = http_get(port, "/readyz");
  REQUIRE(r.response.result_int() == 200);
  return str(json_body(r.response), "version");
}

// Asks one message on ws and returns the reply's rule-set version.
std::string ask_version(ws_client& ws, const std::string& id) {
  REQUIRE(!ws.send_text(R"({"type":"message","id":")" + id + R"(","text":"What skills does a PM need?"})"));
  const auto r = ws.read_json();
  INFO("read: " << ws.last_error().message());
  REQUIRE(str(r, "type") == "reply");
  REQUIRE(str(r, "reply_to") == id);
  REQUIRE(str(r, "intent") == "skills");
  return str(r, "version");
}

std::size_t count_of(const std::string& haystack, const std::string& needle) {
  std::size_t n = 0;
  for (auto at = haystack.find(needle); at != std::string::npos; at = haystack.find(needle, at + 1)) ++n;
  return n;
}

// Waits (bounded) until the server's log has logged a reload outcome
// (reloaded or refused) more than `seen` times; returns the new count.
std::size_t wait_for_reload_outcome(server_process& server, std::size_t seen) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    const auto out = server.output();
    const auto n = count_of(out, "\"reloaded\"") + count_of(out, "\"reload_refused\"");
    if (n > seen) return n;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  FAIL("no reload outcome logged within 60 s");
  return seen;
}

bool metrics_have(unsigned short port, const std::string& line) {
  return http_get(port, "/metrics").response.body().find(line) != std::string::npos;
}

}  // namespace

TEST_CASE("reload: a broken rules file is refused while the old rules keep answering", "[e2e][reload]") {
  data_copy data;
  admin_token_env env(token);
  server_process server(data.args());
  ws_client ws;
  REQUIRE(!ws.connect(server.port()));
  REQUIRE(str(ws.read_json(), "type") == "welcome");
  const std::string v1 = ask_version(ws, "a1");
  REQUIRE(v1.size() == 12);
  REQUIRE(readyz_version(server.port()) == v1);

  SECTION("the admin route wants the bearer token") {
    REQUIRE(reload_request(server.port(), "").response.result_int() == 401);
    REQUIRE(reload_request(server.port(), "wrong-token-0123456789-xxxxxx").response.result_int() == 401);
    REQUIRE(reload_request(server.port(), std::string(token) + "x").response.result_int() == 401);
    REQUIRE(metrics_have(server.port(), "advisor_errors_total{code=\"unauthorized\"} 3"));
  }

  SECTION("invalid JSON in a rules file: 422 with the problem, old version keeps serving") {
    const auto good = data_copy::read(data.rule_file());
    data_copy::write(data.rule_file(), good.substr(0, good.size() / 2));
    const auto r = reload_request(server.port(), token);
    INFO(r.response.body());
    REQUIRE(r.response.result_int() == 422);
    const auto body = json_body(r.response);
    REQUIRE(error_code_of(body) == "reload_refused");
    REQUIRE(str(body, "version") == v1);
    REQUIRE(!body.at("problems").as_array().empty());
    REQUIRE(std::string(body.at("problems").as_array()[0].as_string()).find("intents.json") != std::string::npos);

    REQUIRE(ask_version(ws, "a2") == v1);  // the open chat still answers, with the old rules
    ws_client fresh;                       // and new chats too
    REQUIRE(!fresh.connect(server.port()));
    REQUIRE(str(fresh.read_json(), "type") == "welcome");
    REQUIRE(ask_version(fresh, "b1") == v1);
    REQUIRE(readyz_version(server.port()) == v1);
    REQUIRE(metrics_have(server.port(), "advisor_reloads_total{result=\"refused\"} 1"));

    // SIGHUP with the same broken file: refused too, logged, still serving.
    REQUIRE(::kill(server.pid(), SIGHUP) == 0);
    REQUIRE(wait_for_reload_outcome(server, 1) == 2);
    REQUIRE(count_of(server.output(), "\"reload_refused\"") == 2);
    REQUIRE(ask_version(ws, "a3") == v1);

    // Fixed (and changed) rules: SIGHUP swaps them in for the open chat.
    data_copy::write(data.rule_file(), good + "\n");
    REQUIRE(::kill(server.pid(), SIGHUP) == 0);
    REQUIRE(wait_for_reload_outcome(server, 2) == 3);
    REQUIRE(count_of(server.output(), "\"reloaded\"") == 1);
    const auto v2 = ask_version(ws, "a4");
    REQUIRE(v2 != v1);
    REQUIRE(v2.size() == 12);
    REQUIRE(readyz_version(server.port()) == v2);
    REQUIRE(metrics_have(server.port(), "advisor_reloads_total{result=\"ok\"} 1"));
  }

  SECTION("rules that load but fail a shipped conversation check are refused") {
    std::ofstream(data.dir / "conversations" / "zz-strict.jsonl")
        << R"({"id":"gate","turns":[{"text":"What skills does a PM need?","intent":"salary","roles":["pm"]}]})"
        << "\n";
    const auto r = reload_request(server.port(), token);
    INFO(r.response.body());
    REQUIRE(r.response.result_int() == 422);
    const auto problems = json_body(r.response).at("problems").as_array();
    REQUIRE(problems.size() == 1);
    const std::string p(problems[0].as_string());
    REQUIRE(p.find("zz-strict.jsonl") != std::string::npos);
    REQUIRE(p.find("want salary") != std::string::npos);
    REQUIRE(ask_version(ws, "c1") == v1);
  }

  SECTION("moving an intent is refused: open conversations refer to intents by position") {
    std::string text = data_copy::read(data.rule_file());
    const auto a = text.find(R"(    {"name": "role_definition")");
    const auto b = text.find(R"(    {"name": "primary_focus")");
    const auto c = text.find(R"(    {"name": "responsibilities")");
    REQUIRE(a != std::string::npos);
    REQUIRE(b > a);
    REQUIRE(c > b);
    text = text.substr(0, a) + text.substr(b, c - b) + text.substr(a, b - a) + text.substr(c);
    data_copy::write(data.rule_file(), text);
    const auto r = reload_request(server.port(), token);
    INFO(r.response.body());
    REQUIRE(r.response.result_int() == 422);
    const std::string body = r.response.body();
    REQUIRE(body.find("intent 'role_definition' moved from position 1 to 2") != std::string::npos);
    REQUIRE(ask_version(ws, "m1") == v1);
  }

  SECTION("a good reload through the admin route answers 200 with both versions") {
    data_copy::write(data.rule_file(), data_copy::read(data.rule_file()) + " ");
    const auto r = reload_request(server.port(), token);
    INFO(r.response.body());
    REQUIRE(r.response.result_int() == 200);
    const auto body = json_body(r.response);
    REQUIRE(str(body, "status") == "reloaded");
    REQUIRE(str(body, "previous") == v1);
    REQUIRE(str(body, "version") != v1);
    REQUIRE(ask_version(ws, "d1") == str(body, "version"));
  }
  ws.close();  // else the shutdown waits its whole timeout for this idle client
  REQUIRE(server.stop() == 0);
}

TEST_CASE("reload: without ADVISOR_ADMIN_TOKEN the admin route does not exist", "[e2e][reload]") {
  unsetenv("ADVISOR_ADMIN_TOKEN");
  server_process server;
  REQUIRE(reload_request(server.port(), "").response.result_int() == 404);
  REQUIRE(reload_request(server.port(), token).response.result_int() == 404);
}

TEST_CASE("reload under load loses no message and drops no connection", "[e2e][reload]") {
  data_copy data;
  admin_token_env env(token);
  server_process server(data.args());
  const auto good = data_copy::read(data.rule_file());

  // Each client sends one message at a time (about 500/s each at most) until
  // the reloads are over, bounded by max_per_client.
  constexpr int clients = 6;
  constexpr int max_per_client = 5000;
  std::atomic<bool> stop{false};
  std::atomic<bool> failed{false};
  std::atomic<int> sent{0};
  std::atomic<int> replies{0};
  std::vector<std::set<std::string>> versions(clients);
  std::vector<std::string> why(clients);
  std::vector<std::thread> threads;
  for (int c = 0; c < clients; ++c) {
    threads.emplace_back([&, c] {
      ws_client ws;
      if (ws.connect(server.port()) || str(ws.read_json(), "type") != "welcome") {
        why[c] = "connect failed";
        failed = true;
        return;
      }
      for (int i = 0; i < max_per_client && !stop; ++i) {
        const std::string id = std::to_string(c) + "-" + std::to_string(i);
        ++sent;
        if (ws.send_text(R"({"type":"message","id":")" + id + R"(","text":"What skills does a TPM need?"})")) {
          why[c] = "send failed at " + id;
          failed = true;
          return;
        }
        const auto r = ws.read_json();
        if (str(r, "type") != "reply" || str(r, "reply_to") != id || str(r, "intent") != "skills") {
          why[c] = "bad answer to " + id + ": " + json::serialize(r) + " (" + ws.last_error().message() + ")";
          failed = true;
          return;
        }
        versions[c].insert(str(r, "version"));
        ++replies;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
      }
      ws.close();
    });
  }

  // The workers only record what went wrong (no REQUIRE off the main
  // thread); a REQUIRE or FAIL below must not leave them joinable either (that
  // would std::terminate and lose the report), so they are stopped and joined
  // on every way out of this scope.
  struct join_all {
    std::atomic<bool>& stop;
    std::vector<std::thread>& threads;
    ~join_all() {
      stop = true;
      for (auto& t : threads)
        if (t.joinable()) t.join();
    }
  } joiner{stop, threads};

  // Reload while they talk: alternate two valid rule texts (two versions),
  // by SIGHUP and by the admin route, plus one broken file that is refused.
  int reloads = 0;
  std::size_t outcomes = 0;
  for (int round = 0; round < 8 && !failed; ++round) {
    data_copy::write(data.rule_file(), good + std::string(static_cast<std::size_t>(round % 2), ' '));
    if (round % 2 == 0) {
      REQUIRE(::kill(server.pid(), SIGHUP) == 0);
    } else {
      const auto r = reload_request(server.port(), token);
      INFO(r.response.body());
      CHECK(r.response.result_int() == 200);
    }
    outcomes = wait_for_reload_outcome(server, outcomes);
    ++reloads;
    if (round == 3) {
      data_copy::write(data.rule_file(), "{ broken");
      CHECK(reload_request(server.port(), token).response.result_int() == 422);
      outcomes = wait_for_reload_outcome(server, outcomes);
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(30));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  stop = true;
  data_copy::write(data.rule_file(), good);
  for (auto& t : threads) t.join();  // joiner's destructor finds them joined
  std::string reasons;
  for (const auto& w : why) reasons += w + "\n";
  INFO(reasons);
  REQUIRE(!failed);
  REQUIRE(sent.load() > clients * 20);
  REQUIRE(replies.load() == sent.load());
  std::set<std::string> all;
  for (const auto& v : versions) all.insert(v.begin(), v.end());
  INFO("reloads " << reloads);
  CHECK(all.size() >= 2);  // the chats saw the rules change under them
  REQUIRE(metrics_have(server.port(), "advisor_reloads_total{result=\"refused\"} 1"));
  // No connection was closed by the server (only the clients' own 1000s).
  const auto metrics = http_get(server.port(), "/metrics").response.body();
  REQUIRE(metrics.find("advisor_websocket_closes_total{code=\"1001\"}") == std::string::npos);
  REQUIRE(metrics.find("advisor_websocket_closes_total{code=\"1011\"}") == std::string::npos);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("reload: a Kubernetes ConfigMap swap (the ..data symlink replaced atomically) is picked up",
          "[e2e][reload]") {
  // The layout the kubelet makes for a mounted ConfigMap: the visible files
  // are symlinks through ..data, which points at a timestamped directory; an
  // update writes a new directory and renames a new ..data symlink over the
  // old one. The rules directory given to the server is the mount point.
  data_copy data;
  admin_token_env env(token);
  const fs::path mount = data.dir / "rules-mount";
  fs::create_directories(mount / "..2026_01_01_v1");
  std::vector<std::string> names;
  for (const auto& e : fs::directory_iterator(data.dir / "rules")) {
    if (!e.is_regular_file()) continue;
    fs::copy_file(e.path(), mount / "..2026_01_01_v1" / e.path().filename());
    names.push_back(e.path().filename().string());
  }
  REQUIRE(!names.empty());
  fs::create_directory_symlink("..2026_01_01_v1", mount / "..data");
  for (const auto& n : names) fs::create_symlink(fs::path("..data") / n, mount / n);

  auto args = data.args();
  args[1] = mount.string();  // --rules
  server_process server(args);
  ws_client ws;
  REQUIRE(!ws.connect(server.port()));
  REQUIRE(str(ws.read_json(), "type") == "welcome");
  const auto v1 = ask_version(ws, "k1");
  REQUIRE(readyz_version(server.port()) == v1);

  // The update: a new directory with a changed intents.json, then the swap.
  fs::create_directories(mount / "..2026_01_02_v2");
  for (const auto& n : names) fs::copy_file(mount / "..2026_01_01_v1" / n, mount / "..2026_01_02_v2" / n);
  { std::ofstream(mount / "..2026_01_02_v2" / "intents.json", std::ios::app) << "\n"; }
  fs::create_directory_symlink("..2026_01_02_v2", mount / "..data_tmp");
  fs::rename(mount / "..data_tmp", mount / "..data");
  fs::remove_all(mount / "..2026_01_01_v1");

  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE(wait_for_reload_outcome(server, 0) == 1);
  {
    INFO(server.output());
    REQUIRE(count_of(server.output(), "\"reloaded\"") == 1);
  }
  const auto v2 = readyz_version(server.port());
  REQUIRE(v2 != v1);
  REQUIRE(ask_version(ws, "k2") == v2);
  REQUIRE(server.stop() == 0);
}

TEST_CASE("reload: a change in knowledge only is a new version", "[e2e][reload]") {
  data_copy data;
  admin_token_env env(token);
  server_process server(data.args());
  ws_client ws;
  REQUIRE(!ws.connect(server.port()));
  REQUIRE(str(ws.read_json(), "type") == "welcome");
  const auto v1 = ask_version(ws, "n1");
  // The rules are untouched; knowledge.json gains a trailing newline.
  const fs::path k = data.dir / "knowledge" / "knowledge.json";
  data_copy::write(k, data_copy::read(k) + "\n");
  const auto r = reload_request(server.port(), token);
  INFO(r.response.body());
  REQUIRE(r.response.result_int() == 200);
  const auto body = json_body(r.response);
  REQUIRE(str(body, "previous") == v1);
  REQUIRE(str(body, "version") != v1);
  REQUIRE(ask_version(ws, "n2") == str(body, "version"));
  REQUIRE(server.stop() == 0);
}

TEST_CASE("reload: a rule added, then removed, changes the answer to a message only it matches", "[e2e][reload]") {
  data_copy data;
  server_process server(data.args());
  ws_client ws;
  REQUIRE(!ws.connect(server.port()));
  REQUIRE(str(ws.read_json(), "type") == "welcome");
  // No shipped rule knows the word; each question starts a fresh topic.
  int n = 0;
  const auto ask_probe = [&] {
    REQUIRE(!ws.send_text(R"({"type":"reset"})"));
    REQUIRE(str(ws.read_json(), "type") == "reset_ok");
    const std::string id = "q" + std::to_string(++n);
    REQUIRE(!ws.send_text(R"({"type":"message","id":")" + id + R"(","text":"tell me about quokkas"})"));
    const auto r = ws.read_json();
    INFO("read: " << ws.last_error().message());
    REQUIRE(str(r, "reply_to") == id);
    return r;
  };
  const auto before = ask_probe();
  REQUIRE(str(before, "intent") == "fallback");

  // Added: a rules file of its own with one rule.
  const fs::path added = data.dir / "rules" / "zz_added.json";
  data_copy::write(added, R"({"rules": [{"id": "career_path.quokka", "intent": "career_path", "weight": 0.9,)"
                          R"( "all": ["quokka"]}]})");
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE(wait_for_reload_outcome(server, 0) == 1);
  {
    INFO(server.output());
    REQUIRE(count_of(server.output(), "\"reloaded\"") == 1);
  }
  const auto with_rule = ask_probe();
  REQUIRE(str(with_rule, "intent") == "career_path");
  REQUIRE(str(with_rule, "rule") == "career_path.quokka");
  REQUIRE(str(with_rule, "version") != str(before, "version"));

  // Removed: the file goes; the message falls back again.
  fs::remove(added);
  REQUIRE(::kill(server.pid(), SIGHUP) == 0);
  REQUIRE(wait_for_reload_outcome(server, 1) == 2);
  REQUIRE(count_of(server.output(), "\"reloaded\"") == 2);
  const auto without = ask_probe();
  REQUIRE(str(without, "intent") == "fallback");
  REQUIRE(str(without, "rule") != "career_path.quokka");
  REQUIRE(str(without, "version") == str(before, "version"));
  ws.close();
  REQUIRE(server.stop() == 0);
}
