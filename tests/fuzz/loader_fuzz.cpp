// libFuzzer target: the rule and knowledge loaders. The shipped rules/ and
// knowledge/ are copied once into a temporary directory; each input's first
// byte picks one of those JSON files, the rest replaces its content, and
// brain::load must either load or report problems, never crash or throw.
// (rules/english_words.json is replaced by a five-word list in the copy.)
// The file is restored after each run.
#include <unistd.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "bot/engine/brain.hpp"
#include "bot/engine/json_file.hpp"

namespace fs = std::filesystem;

namespace {

struct fixture {
  fs::path dir;
  std::vector<fs::path> files;         // every JSON file the loader reads
  std::vector<std::string> originals;  // their shipped contents
};

std::string slurp(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), {});
}

void spit(const fs::path& p, std::string_view s) {
  std::ofstream out(p, std::ios::binary | std::ios::trunc);
  out.write(s.data(), static_cast<std::streamsize>(s.size()));
}

fs::path fixture_dir;  // removed at exit

fixture& the_fixture() {
  static fixture f = [] {
    fixture x;
    const fs::path src = ADVISOR_SOURCE_DIR;
    x.dir = fs::temp_directory_path() / ("advisor-loader-fuzz-" + std::to_string(::getpid()));
    fs::remove_all(x.dir);
    for (const char* sub : {"rules", "knowledge"}) {
      fs::create_directories(x.dir / sub);
      for (const auto& e : fs::directory_iterator(src / sub)) {
        if (e.path().extension() != ".json") continue;
        const auto dst = x.dir / sub / e.path().filename();
        if (e.path().filename() == "english_words.json") {
          // The shipped list is 800 KB: parsing it on every run would make
          // the target a few runs per second. A short list keeps the shape.
          spit(dst, R"({"lexicon": {"english_words": ["seem", "silly", "send", "manager", "program"]}})");
        } else {
          fs::copy_file(e.path(), dst);
        }
        x.files.push_back(dst);
        x.originals.push_back(slurp(dst));
      }
    }
    if (x.files.empty()) std::abort();
    // A fixed order, so an input's first byte picks the same file everywhere.
    std::vector<std::size_t> order(x.files.size());
    for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](auto a, auto b) { return x.files[a] < x.files[b]; });
    fixture sorted{x.dir, {}, {}};
    for (auto i : order) {
      sorted.files.push_back(x.files[i]);
      sorted.originals.push_back(x.originals[i]);
    }
    x = std::move(sorted);
    fixture_dir = x.dir;  // not x.dir itself: the fixture is destroyed before atexit handlers run
    std::atexit([] {
      std::error_code ec;
      fs::remove_all(fixture_dir, ec);
    });
    return x;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  auto& f = the_fixture();
  const std::size_t which = data[0] % f.files.size();
  const std::string_view content(reinterpret_cast<const char*>(data + 1), size - 1);
  spit(f.files[which], content);

  advisor::load_report report;
  (void)advisor::read_json_file(f.files[which], report);
  advisor::load_report report2;
  (void)advisor::brain::load(f.dir / "rules", f.dir / "knowledge", report2);

  spit(f.files[which], f.originals[which]);
  return 0;
}
