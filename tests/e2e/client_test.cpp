// End-to-end tests of advisor-client against the real server binary: script
// mode from a file and from stdin, --json, --session, and the exit codes.
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "tests/e2e/client_run.hpp"
#include "tests/e2e/clients.hpp"
#include "tests/e2e/server_process.hpp"

using namespace advisor::test;
namespace fs = std::filesystem;
namespace json = boost::json;

namespace {

std::string url(const server_process& s) { return "ws://127.0.0.1:" + std::to_string(s.port()) + "/ws"; }

std::vector<json::object> json_lines(const std::string& text) {
  std::vector<json::object> frames;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    if (!line.empty()) frames.push_back(json::parse(line).as_object());
  return frames;
}

}  // namespace

TEST_CASE("advisor-client --script prints the welcome, answers, sources and suggestions", "[e2e][client]") {
  server_process server;
  temp_file script("# a comment line is skipped\nWhat does a TPM do?\n\nand PMs?\n");
  const auto r = run_client("--script " + script.path.string() + " " + url(server));
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("Hi! Ask me how a Technical Program Manager") != std::string::npos);
  CHECK(r.out.find("A Technical Program Manager (TPM) coordinates") != std::string::npos);
  CHECK(r.out.find("A Product Manager (PM) defines") != std::string::npos);  // the follow-up keeps context
  CHECK(r.out.find("Source: Key Role Definitions: Technical Program Manager vs Product Manager") != std::string::npos);
  CHECK(r.out.find("Suggestions:\n  1. ") != std::string::npos);
}

TEST_CASE("advisor-client reads utterances from stdin when it is not a terminal", "[e2e][client]") {
  server_process server;
  temp_file input("TPM vs PM?\n");
  const auto r = run_client(url(server), input.path);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  CHECK(r.out.find("Source: Table of Comparison") != std::string::npos);
  CHECK(r.out.find("Key Metrics") != std::string::npos);  // the side-by-side table
}

TEST_CASE("advisor-client --json prints the raw frames", "[e2e][client]") {
  server_process server;
  temp_file script("how technical is a pm\n/reset\nhello\n");
  const auto r = run_client("--json --script " + script.path.string() + " " + url(server));
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  const auto frames = json_lines(r.out);
  REQUIRE(frames.size() >= 3);
  CHECK(frames[0].at("type") == "welcome");
  CHECK(frames[1].at("type") == "reply");
  CHECK(frames[1].at("intent") == "technical_expertise");
  CHECK(frames[1].at("roles").as_array() == json::array{"pm"});
  bool reset_seen = false, greeting_seen = false;
  for (const auto& f : frames) {
    reset_seen = reset_seen || f.at("type") == "reset_ok";
    greeting_seen = greeting_seen || (f.at("type") == "reply" && f.at("intent") == "greeting");
  }
  CHECK(reset_seen);
  CHECK(greeting_seen);
}

TEST_CASE("advisor-client --session resumes a conversation's context", "[e2e][client]") {
  server_process server;
  temp_file first("What skills does a TPM need?\n");
  const auto a = run_client("--json --script " + first.path.string() + " " + url(server));
  REQUIRE(a.status == 0);
  const auto frames = json_lines(a.out);
  REQUIRE(!frames.empty());
  const std::string session(frames[0].at("session").as_string());

  temp_file second("and for PMs?\n");
  const auto b = run_client("--json --session " + session + " --script " + second.path.string() + " " + url(server));
  INFO(b.out << b.err);
  REQUIRE(b.status == 0);
  const auto resumed = json_lines(b.out);
  REQUIRE(resumed.size() >= 2);
  CHECK(resumed[0].at("session") == session.c_str());
  CHECK(resumed[1].at("intent") == "skills");
  CHECK(resumed[1].at("roles").as_array() == json::array{"pm"});
}

TEST_CASE("advisor-client exit codes: usage 1, no server 2, server error 5", "[e2e][client]") {
  CHECK(run_client("--no-such-flag").status == 1);
  CHECK(run_client("http://127.0.0.1:1/ws").status == 1);  // not a ws:// URL

  // A port nobody listens on: bind one, close it, then connect.
  unsigned short closed_port = 0;
  {
    net::io_context ioc;
    tcp::acceptor a(ioc, {net::ip::make_address("127.0.0.1"), 0});
    closed_port = a.local_endpoint().port();
  }
  const auto refused = run_client("ws://127.0.0.1:" + std::to_string(closed_port) + "/ws");
  CHECK(refused.status == 2);
  CHECK(!refused.err.empty());

  server_process server;
  temp_file script(std::string(1001, 'x') + "\nwhat is a pm\n");
  const auto r = run_client("--script " + script.path.string() + " " + url(server));
  INFO(r.out << r.err);
  CHECK(r.status == 5);
  CHECK(r.err.find("too_long") != std::string::npos);
  CHECK(r.out.find("A Product Manager (PM) defines") != std::string::npos);  // later lines still answered
}

namespace {

// A stand-in WebSocket server for one client: it completes the upgrade, then
// sends `first` as a text frame (nothing when empty) and waits until the
// client goes away. The port is the listening socket's own (port 0).
struct fake_ws_server {
  net::io_context ioc;
  tcp::acceptor acceptor{ioc, {net::ip::make_address("127.0.0.1"), 0}};
  std::thread thread;

  explicit fake_ws_server(std::string first) {
    thread = std::thread([this, first = std::move(first)] {
      error_code ec;
      tcp::socket socket(ioc);
      acceptor.accept(socket, ec);
      if (ec) return;
      websocket::stream<tcp::socket> ws(std::move(socket));
      ws.accept(ec);
      if (ec) return;
      if (!first.empty()) ws.write(net::buffer(first), ec);
      beast::flat_buffer buffer;
      while (!ec) ws.read(buffer, ec);  // until the client closes or dies
    });
  }
  ~fake_ws_server() {
    error_code ec;
    acceptor.close(ec);
    if (thread.joinable()) thread.join();
  }
  std::string url() const { return "ws://127.0.0.1:" + std::to_string(acceptor.local_endpoint().port()) + "/ws"; }
};

}  // namespace

TEST_CASE("advisor-client exit codes: protocol error 3, timeout 4", "[e2e][client]") {
  SECTION("a welcome that is not protocol JSON is a protocol error") {
    fake_ws_server server("this is not JSON");
    const auto r = run_client("--timeout 20 " + server.url());
    INFO(r.out << r.err);
    CHECK(r.status == 3);
    CHECK(!r.err.empty());
  }
  SECTION("no welcome within --timeout is a timeout") {
    fake_ws_server server("");
    const auto r = run_client("--timeout 1 " + server.url());
    INFO(r.out << r.err);
    CHECK(r.status == 4);
    CHECK(!r.err.empty());
  }
}

TEST_CASE("advisor-client: the career-fit questionnaire by numbered chip, free text and skip, then why",
          "[e2e][client]") {
  server_process server;
  temp_file script("Which role suits me?\n1\nEngineering teams, definitely\nskip\n1\nwhy?\n");
  const auto r = run_client("--json --script " + script.path.string() + " " + url(server));
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  const auto frames = json_lines(r.out);
  REQUIRE(frames.size() == 7);  // the welcome and six replies

  // Nothing known yet: the advisor asks, offering typical answers and a skip.
  const auto& ask = frames[1];
  CHECK(ask.at("rule") == "advice.questionnaire");
  CHECK(!ask.contains("advice"));
  const auto& chips = ask.at("suggestions").as_array();
  REQUIRE(chips.size() >= 2);
  CHECK(chips.back() == "Skip");

  // Every answer fills the profile: a chip by its number, free text, a skip
  // (nothing recorded), a chip again.
  for (std::size_t i = 2; i <= 5; ++i) {
    INFO("reply " << i);
    CHECK(frames[i].at("intent") == "choosing_role");
    REQUIRE(frames[i].contains("advice"));
    CHECK(frames[i].at("advice").at("fit") == "tpm");
  }
  const auto& reasons = frames[5].at("advice").at("reasons").as_array();
  REQUIRE(reasons.size() == 3);
  CHECK(std::string(reasons[0].at("said").as_string()).find("Deep: software and architecture") != std::string::npos);
  CHECK(std::string(reasons[1].at("said").as_string()).find("Engineering teams") != std::string::npos);
  CHECK(std::string(reasons[2].at("said").as_string()).find("Schedules, risks and dependencies") != std::string::npos);
  for (const auto& reason : reasons) CHECK(reason.at("points_to") == "tpm");
  CHECK(frames[5].at("suggestions").as_array().front() == "Why?");

  // "why?" goes deeper instead of repeating the recommendation.
  CHECK(frames[6].at("rule") == "advice.depth");
  CHECK(frames[6].at("text") != frames[5].at("text"));
  CHECK(frames[6].at("advice").at("fit") == "tpm");
}
