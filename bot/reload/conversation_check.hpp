#pragma once
// conversation_check runs the conversation checks that ship with the rules
// (a directory of *.jsonl files, the format of tests/conversations: one
// conversation per line, {"id":...,"turns":[{"text":...,"intent":...,
// "roles":[...]}, ...]}) through a loaded brain, each conversation with fresh
// context, and reports every turn whose intent or roles differ from the
// expected ones. A rule set that gets any shipped turn wrong is not served
// by a reload, and fails `advisor --check`.
//
// Thread safety: a free function over its arguments; b is only read.

#include <cstddef>
#include <filesystem>

#include "bot/engine/brain.hpp"
#include "bot/engine/load_report.hpp"

namespace advisor::server {

struct conversation_check_result {
  std::size_t files = 0;          // *.jsonl files read
  std::size_t conversations = 0;  // conversations run
  std::size_t turns = 0;          // turns run
  std::size_t wrong = 0;          // turns answered with another intent or roles
};

// Reads every *.jsonl file directly in dir (not in subdirectories, so a
// Kubernetes ConfigMap volume's hidden copies are skipped), runs them
// through b and adds one problem to report per malformed line, wrong turn,
// or unreadable directory (a directory without any *.jsonl file is a
// problem too: the checks must not vanish unnoticed).
conversation_check_result check_conversations(const brain& b, const std::filesystem::path& dir, load_report& report);

}  // namespace advisor::server
