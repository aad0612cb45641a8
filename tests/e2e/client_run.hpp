#pragma once
// Runs advisor-client (ADVISOR_CLIENT_BIN, see binaries.hpp) to completion
// for an end-to-end test and keeps its exit status, stdout and stderr.

#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "tests/e2e/binaries.hpp"

namespace advisor::test {

struct client_run {
  int status = -1;
  std::string out;  // stdout
  std::string err;  // stderr
};

// A file under the temp directory, removed on scope exit.
struct temp_file {
  std::filesystem::path path;
  explicit temp_file(const std::string& content) {
    static int n = 0;
    path = std::filesystem::temp_directory_path() /
           ("advisor-client-test-" + std::to_string(::getpid()) + "-" + std::to_string(n++));
    std::ofstream(path) << content;
  }
  ~temp_file() {
    std::error_code ec;
    std::filesystem::remove(path, ec);
  }
};

inline std::string slurp(const std::filesystem::path& p) {
  std::ifstream in(p);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs advisor-client --no-color with args (and stdin from stdin_file) to
// completion, bounded by 30 s (`timeout` then ends it: status 124).
inline client_run run_client(const std::string& args, const std::filesystem::path& stdin_file = "/dev/null") {
  temp_file out(""), err("");
  const std::string cmd = "timeout 30 " + client_binary() + " --no-color " + args + " < " + stdin_file.string() +
                          " > " + out.path.string() + " 2> " + err.path.string();
  const int status = std::system(cmd.c_str());
  client_run r;
  r.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  r.out = slurp(out.path);
  r.err = slurp(err.path);
  return r;
}

}  // namespace advisor::test
