#include "bot/reload/conversation_check.hpp"

#include <stdlib.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

namespace fs = std::filesystem;
using advisor::server::check_conversations;

namespace {

const fs::path source_dir = ADVISOR_SOURCE_DIR;

std::shared_ptr<const advisor::brain> shipped() {
  static const auto b = [] {
    advisor::load_report report;
    return advisor::brain::load(source_dir / "rules", source_dir / "knowledge", report);
  }();
  REQUIRE(b);
  return b;
}

struct temp_dir {
  fs::path path;
  temp_dir() {
    char tmpl[] = "/tmp/advisor-convcheck-XXXXXX";
    REQUIRE(mkdtemp(tmpl) != nullptr);
    path = tmpl;
  }
  ~temp_dir() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  void write(const std::string& name, const std::string& text) const { std::ofstream(path / name) << text; }
};

}  // namespace

TEST_CASE("the shipped conversation checks pass with the shipped rules", "[server][reload]") {
  advisor::load_report report;
  const auto r = check_conversations(*shipped(), fs::path(ADVISOR_SOURCE_DIR) / "rules" / "checks", report);
  INFO(report.to_string());
  REQUIRE(report.ok());
  REQUIRE(r.files >= 1);
  REQUIRE(r.turns >= 10);
  REQUIRE(r.wrong == 0);
}

TEST_CASE("a wrong expectation, a malformed line and an empty directory are problems", "[server][reload]") {
  temp_dir d;
  advisor::load_report report;

  SECTION("wrong intent and wrong roles are each one problem naming file, line and turn") {
    d.write("a.jsonl",
            R"({"id":"ok","turns":[{"text":"What skills does a PM need?","intent":"skills","roles":["pm"]}]})"
            "\n\n"
            R"({"id":"bad","turns":[{"text":"hi","intent":"greeting","roles":[]},)"
            R"({"text":"What skills does a PM need?","intent":"salary","roles":["pm"]},)"
            R"({"text":"What skills does a PM need?","intent":"skills","roles":["tpm"]}]})"
            "\n");
    const auto r = check_conversations(*shipped(), d.path, report);
    REQUIRE(r.conversations == 2);
    REQUIRE(r.turns == 4);
    REQUIRE(r.wrong == 2);
    REQUIRE(report.problems().size() == 2);
    REQUIRE(report.problems()[0].line == 3);
    REQUIRE(report.problems()[0].id == "bad");
    REQUIRE(report.problems()[0].message.find("turn 2") != std::string::npos);
    REQUIRE(report.problems()[0].message.find("want salary [pm], got skills [pm]") != std::string::npos);
    REQUIRE(report.problems()[1].message.find("want skills [tpm], got skills [pm]") != std::string::npos);
  }

  SECTION("malformed lines are reported, the rest still run") {
    d.write("b.jsonl", "not json\n{\"turns\":[]}\n{\"turns\":[{\"text\":\"hi\"}]}\n");
    const auto r = check_conversations(*shipped(), d.path, report);
    REQUIRE(report.problems().size() == 3);
    REQUIRE(r.conversations == 0);
  }

  SECTION("a directory without checks, or a missing one, is a problem") {
    check_conversations(*shipped(), d.path, report);
    REQUIRE(report.problems().size() == 1);
    check_conversations(*shipped(), d.path / "missing", report);
    REQUIRE(report.problems().size() == 2);
  }
}
