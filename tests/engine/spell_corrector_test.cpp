#include "bot/engine/spell_corrector.hpp"

#include <catch2/catch.hpp>

using advisor::spell_corrector;

TEST_CASE("distance counts insertions, deletions, substitutions and transpositions", "[engine]") {
  CHECK(spell_corrector::distance("skill", "skill") == 0);
  CHECK(spell_corrector::distance("skil", "skill") == 1);
  CHECK(spell_corrector::distance("skilll", "skill") == 1);
  CHECK(spell_corrector::distance("skoll", "skill") == 1);
  CHECK(spell_corrector::distance("sklil", "skill") == 1);
  CHECK(spell_corrector::distance("abc", "xyz") == 3);
}

TEST_CASE("distance with a limit is exact up to the limit and above it past it", "[engine]") {
  const char* words[] = {"skill", "skil", "skilll", "sklil", "kills", "stakeholder", "stakehodler", "stkaeholdr",
                         "roadmap", "raodmap", "rodmap", "metrics", "mertics", "", "a", "ab", "ba", "abc", "xyz"};
  int checked = 0;
  for (const char* a : words)
    for (const char* b : words)
      for (int limit = 0; limit <= 3; ++limit) {
        const int full = spell_corrector::distance(a, b);
        const int bounded = spell_corrector::distance(a, b, limit);
        if (full <= limit)
          CHECK(bounded == full);
        else
          CHECK(bounded > limit);
        ++checked;
      }
  CHECK(checked == 19 * 19 * 4);
}

TEST_CASE("corrector picks the closest vocabulary word within its bound", "[engine]") {
  spell_corrector s({"manager", "management", "metric", "program", "product"}, {"the"}, {});
  CHECK(s.correct("manger") == "manager");
  CHECK(s.correct("managment") == "management");
  CHECK(s.correct("progam") == "program");
  CHECK(s.correct("prodcut") == "product");       // one transposition
  CHECK(s.correct("mangement") == "management");  // long word, one edit
  CHECK(s.correct("mnagemnt") == "management");   // long word, two edits
  CHECK(s.correct("mtrc") == "mtrc");             // short word: two edits not allowed
  CHECK(s.correct("the") == "the");
  CHECK(s.correct("weather") == "weather");  // nothing close enough
}

TEST_CASE("corrector is deterministic on ties and prefers the same first letter", "[engine]") {
  spell_corrector s({"cart", "dart"}, {}, {});
  CHECK(s.correct("cdrt") == s.correct("cdrt"));
  CHECK(s.correct("xart") == "cart");  // tie, no first-letter match: smallest
  CHECK(s.correct("dars") == "dart");
}

TEST_CASE("corrector leaves very long tokens alone (bounded work)", "[engine]") {
  spell_corrector s({"management"}, {}, {});
  const std::string huge(5000, 'a');
  CHECK(s.correct(huge) == huge);
}

TEST_CASE("corrector finds two-edit corrections whatever the positions of the edits", "[engine]") {
  // Two letters too many, at every pair of positions (adjacent, apart, at
  // both ends): the typed word's second-level deletes must include the one
  // that removes exactly those two.
  spell_corrector s({"stakeholder", "management"}, {}, {});
  const std::string word = "stakeholder";
  for (std::size_t i = 0; i <= word.size(); ++i)
    for (std::size_t j = i; j <= word.size(); ++j) {
      std::string typed = word;
      typed.insert(j, 1, 'q');
      typed.insert(i, 1, 'z');
      INFO(typed);
      CHECK(s.correct(typed) == "stakeholder");
    }
  // And two letters missing, or one missing and one too many.
  CHECK(s.correct("stkeholdr") == "stakeholder");
  CHECK(s.correct("takeholdex") == "stakeholder");
}
