// libFuzzer target: the data-file reader alone (bot/engine/json_file.hpp):
// comments, trailing commas and the line of a syntax error, on arbitrary
// bytes written to a temporary file. Far faster than loader_fuzz, which
// also compiles the rules on every run.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "bot/engine/json_file.hpp"

namespace {
// The input's file, removed at exit. At namespace scope so that it outlives
// the atexit handler (a function-local static registered after the handler
// would be destroyed first).
std::filesystem::path path;
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (path.empty()) {
    path = std::filesystem::temp_directory_path() / ("advisor-json-fuzz-" + std::to_string(::getpid()) + ".json");
    std::atexit([] {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    });
  }
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  advisor::load_report report;
  if (auto f = advisor::read_json_file(path, report)) {
    (void)f->line_of("id");
    (void)f->line_of(std::string_view(reinterpret_cast<const char*>(data), size < 8 ? size : 8));
  }
  return 0;
}
