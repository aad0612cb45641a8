#include "bot/engine/text_normalizer.hpp"

#include <catch2/catch.hpp>

using advisor::lexicon;
using advisor::role;
using advisor::role_set;
using advisor::text_normalizer;

namespace {

text_normalizer make() {
  lexicon lex;
  lex.expansions = {{"what's", "what is"}, {"mgr", "manager"}, {"u", "you"}, {"pms", "pm"}, {"pdm", "pm"}};
  lex.phrases = {{"technical program manager", "tpm"},
                 {"program manager", "tpm"},
                 {"product manager", "pm"},
                 {"tpm", "tpm"},
                 {"pm", "pm"},
                 {"day to day", "daytoday"}};
  lex.vocabulary = {"technical", "program", "manager", "product", "responsibility", "career", "skill", "stakeholder"};
  lex.known_words = {"what", "is", "the", "do", "you", "a", "of", "their"};
  return text_normalizer(lex);
}

}  // namespace

TEST_CASE("normalizer lower-cases, strips punctuation and pads with spaces", "[engine]") {
  auto n = make();
  CHECK(n.normalize("What is THE Skill?!").text == " what is the skill ");
  CHECK(n.normalize("").text == " ");
  CHECK(n.normalize("   ...   ").words == 0);
}

TEST_CASE("normalizer expands contractions and abbreviations", "[engine]") {
  auto n = make();
  CHECK(n.normalize("what's a prog mgr").text == " what is a prog manager ");
  CHECK(n.normalize("What\xE2\x80\x99s u").text == " what is you ");  // typographic apostrophe
}

TEST_CASE("normalizer maps role names to role tokens and reports roles", "[engine]") {
  auto n = make();
  auto a = n.normalize("Technical Program Managers vs product managers");
  CHECK(a.text == " tpm vs pm ");
  CHECK(a.roles == role_set::both());
  auto b = n.normalize("T.P.M. day-to-day");
  CHECK(b.text == " tpm daytoday ");
  CHECK(b.roles == role_set::of(role::tpm));
  CHECK(n.normalize("PMs and PdMs").roles == role_set::of(role::pm));
  CHECK(n.normalize("the product lifecycle").roles.empty());
}

TEST_CASE("normalizer corrects typos against the rules' vocabulary", "[engine]") {
  auto n = make();
  auto a = n.normalize("tecnical progam manger responsibilites");
  CHECK(a.text == " tpm responsibility ");
  CHECK(a.roles == role_set::of(role::tpm));
  CHECK(n.normalize("carreer").text == " career ");
  CHECK(n.normalize("stakehodlers").text == " stakeholder ");  // transposition
}

TEST_CASE("normalizer leaves known words, short words and numbers alone", "[engine]") {
  auto n = make();
  CHECK(n.normalize("their").text == " their ");
  CHECK(n.normalize("sklz").text == " sklz ");  // two edits in a short word: not corrected
  CHECK(n.normalize("abc 9 5").text == " abc 9 5 ");
}

TEST_CASE("normalizer survives invalid UTF-8 and control bytes", "[engine]") {
  auto n = make();
  const char bad[] = "skill\xC3\x28\xFF\x00\x01 career";
  CHECK(n.normalize(std::string_view(bad, sizeof bad - 1)).text == " skill career ");
}

TEST_CASE("normalizer never corrects English words, nor corrects typos into them", "[engine]") {
  lexicon lex;
  lex.vocabulary = {"stem", "spend", "bye", "skill", "duty"};
  lex.known_words = {"what", "the"};
  lex.english_words = {"seem", "send", "byte"};
  text_normalizer n(lex);
  CHECK(n.normalize("seem").text == " seem ");    // an English word, one edit from "stem"
  CHECK(n.normalize("send").text == " send ");    // ... and from "spend"
  CHECK(n.normalize("sknll").text == " skill ");  // a typo is still corrected
  // A typo next to an English word and a rule word goes to the rule word.
  CHECK(n.normalize("byee").text == " bye ");
}

TEST_CASE("normalizer collapses held keys when nothing else corrects a word", "[engine]") {
  lexicon lex;
  lex.vocabulary = {"duty", "skill", "focus"};
  text_normalizer n(lex);
  CHECK(n.normalize("dutiess").text == " duty ");
  CHECK(n.normalize("focusss").text == " focus ");
  CHECK(n.normalize("aardvark").text == " aardvark ");  // no better word: left as typed
}

TEST_CASE("normalizer drops chat mentions", "[engine]") {
  auto n = make();
  CHECK(n.normalize("@advisor what is the tpm").text == " what is the tpm ");
  CHECK(n.normalize("<@U024BE7LH> what is the tpm").text == " what is the tpm ");
}

TEST_CASE("normalizer keeps the question sentences of a message with a preamble", "[engine]") {
  auto n = make();
  auto a = n.normalize("I know the product manager. What is the day to day of a TPM? Thanks.");
  CHECK(a.text == " i know the pm what is the daytoday of a tpm thank ");
  CHECK(a.question == " what is the daytoday of a tpm ");
  CHECK(a.question_roles == role_set::of(role::tpm));
  CHECK(a.roles == role_set::both());
  // All questions, or no question: no question part.
  CHECK(n.normalize("What is a TPM? And a PM?").question.empty());
  CHECK(n.normalize("I know the product manager. Thanks.").question.empty());
  // A '.' inside a word or initials does not end a sentence.
  auto b = n.normalize("e.g. the T.P.M.? ok");
  CHECK(b.text == " eg the tpm ok ");
  CHECK(b.question == " the tpm ");
}

TEST_CASE("normalizer folds accented Latin letters to plain ones, keeping each word whole", "[engine]") {
  auto n = make();
  // The same words typed with and without accents normalise alike.
  CHECK(n.normalize("Adi\xC3\xB3s, se\xC3\xB1or!").text == n.normalize("Adios, senor!").text);
  CHECK(n.normalize("DANKESCH\xC3\x96N").text == n.normalize("dankeschon").text);
  CHECK(n.normalize("fa\xC3\xA7"
                    "ade na\xC3\xAFve")
            .text == " facade naive ");
  CHECK(n.normalize("Stra\xC3\x9F"
                    "e")
            .text == " strasse ");
  CHECK(n.normalize("\xC5\x81\xC3\xB3"
                    "d\xC5\xBA")
            .text == " lodz ");                   // Latin Extended-A
  CHECK(n.normalize("\xC3\x89tude").words == 1);  // one word, not "tude"
  CHECK(n.normalize("2\xC3\x97"
                    "3")
            .text == " 2 3 ");                    // the multiplication sign is not a letter
  CHECK(n.normalize("caf\xC3").text == " caf ");  // a cut sequence is dropped, not read past
}

TEST_CASE("normalizer replaces typed symbols by words, the longest symbol first", "[engine]") {
  lexicon lex;
  lex.symbols = {{"->", " to "}, {"<->", " vs "}, {"<>", " vs "}, {"w/", " with "}, {"w/o", " without "},
                 {" + ", " and "}, {"\xF0\x9F\x91\x8D", " thanks "}};
  lex.known_words = {"tpm", "pm", "coding", "people", "what", "was", "with", "without", "and", "to", "vs", "thanks"};
  const text_normalizer n(lex);
  CHECK(n.normalize("tpm <-> pm").text == " tpm vs pm ");
  CHECK(n.normalize("tpm<>pm").text == " tpm vs pm ");
  CHECK(n.normalize("tpm -> pm").text == " tpm to pm ");
  CHECK(n.normalize("pm w/o coding").text == " pm without coding ");
  CHECK(n.normalize("pm w/ people").text == " pm with people ");
  CHECK(n.normalize("coding + people").text == " coding and people ");
  CHECK(n.normalize("coding+people").text == " coding people ");  // " + " needs its spaces
  CHECK(n.normalize("what was with").text == " what was with ");  // a symbol's first byte alone is kept
  CHECK(n.normalize("\xF0\x9F\x91\x8D").text == n.normalize("thanks").text);
  CHECK(n.normalize("tpm -").text == " tpm ");
}

TEST_CASE("normalizer reads digits typed for letters only when that gives a known word", "[engine]") {
  auto n = make();
  CHECK(n.normalize("wh4t is 7h3 sk1ll").text == " what is the skill ");
  CHECK(n.normalize("pr0duct m4n4g3r").text == " pm ");
  CHECK(n.normalize("r3sp0ns1b1l1ty").text == " responsibility ");
  // Not a word once read as letters, too short, or no letter at all: kept.
  CHECK(n.normalize("3pm").text == " 3pm ");
  CHECK(n.normalize("2fa q4 d0").text == " 2fa q4 d0 ");
  CHECK(n.normalize("401 1337").text == " 401 1337 ");
}

// The two role names with their spelled-out forms, and the given known
// words and self-correction markers (drop_taken_back's tests).
lexicon self_correction_lexicon(std::vector<std::string> known, std::vector<std::string> markers) {
  lexicon lex;
  lex.phrases = {{"program manager", "tpm"}, {"product manager", "pm"}, {"tpm", "tpm"}, {"pm", "pm"}};
  lex.vocabulary = {"program", "manager", "product", "skill"};
  lex.known_words = std::move(known);
  lex.self_corrections = std::move(markers);
  return lex;
}

TEST_CASE("normalizer drops a role name the writer takes back, keeping the one meant", "[engine]") {
  const text_normalizer n(self_correction_lexicon(
      {"what", "a", "the", "do", "sorry", "i", "mean", "er", "vs", "or", "rather", "which", "is", "better"},
      {"sorry i mean", "er", "or rather"}));
  auto a = n.normalize("what does a PM, sorry, I mean a TPM do?");
  CHECK(a.text.find(" pm ") == std::string::npos);
  CHECK(a.text.find(" a tpm do ") != std::string::npos);
  CHECK(a.roles == role_set::of(role::tpm));
  auto b = n.normalize("product managers, er, program managers");
  CHECK(b.text == " tpm ");
  CHECK(b.roles == role_set::of(role::tpm));
  CHECK(b.words == 1);
  CHECK(n.normalize("tpm or rather the pm").roles == role_set::of(role::pm));
  // Not a taking back: the same role again, no role after the marker, or
  // other words between.
  CHECK(n.normalize("tpm vs pm, sorry i mean which is better").roles == role_set::both());
  CHECK(n.normalize("sorry i mean tpm vs pm").roles == role_set::both());
  CHECK(n.normalize("tpm er what is the pm").roles == role_set::both());
  CHECK(n.normalize("pm er pm").text == " pm er pm ");
}

TEST_CASE("normalizer decodes HTML entities left in pasted text", "[engine]") {
  auto n = make();
  CHECK(n.normalize("what&#39;s the skill &amp; career").text == " what is the skill and career ");
  CHECK(n.normalize("what&#x27;s a prog&nbsp;mgr").text == " what is a prog manager ");
  CHECK(n.normalize("&quot;skill&quot; &lt;career&gt;").text == " skill career ");
  CHECK(n.normalize("what&#8217;s u").text == " what is you ");  // a numeric curly apostrophe
  CHECK(n.normalize("what&#146;s u").text == " what is you ");   // HTML reads 128..159 as Windows-1252
  CHECK(n.normalize("r&eacute;sum&eacute;").text == " resume ");
  // Not an entity: left as typed ('&' reads "and").
  CHECK(n.normalize("skill &foo; career").text == " skill and foo career ");
  CHECK(n.normalize("skill &amp career").text == " skill and amp career ");
}

TEST_CASE("normalizer repairs UTF-8 shown as Windows-1252 (mojibake)", "[engine]") {
  auto n = make();
  // "What’s" with its apostrophe's bytes E2 80 99 read as "â€™".
  CHECK(n.normalize("What\xC3\xA2\xE2\x82\xAC\xE2\x84\xA2s u").text == " what is you ");
  // "café" as "cafÃ©"; an en dash as "â€“"; encoded twice ("Ã¢â‚¬â„¢").
  CHECK(n.normalize("caf\xC3\x83\xC2\xA9").text == n.normalize("caf\xC3\xA9").text);
  CHECK(n.normalize("skill\xC3\xA2\xE2\x82\xAC\xE2\x80\x9C"
                    "career")
            .text == " skill career ");
  CHECK(n.normalize("what\xC3\x83\xC2\xA2\xC3\xA2\xE2\x80\x9A\xC2\xAC\xC3\xA2\xE2\x80\x9E\xC2\xA2s u").text ==
        " what is you ");
  // Accented text that is no mojibake is read as before.
  CHECK(n.normalize("CAF\xC3\x89\xE2\x80\x94skill").text == " cafe skill ");
  CHECK(n.normalize("\xC3\x83 skill").text == " a skill ");
}

TEST_CASE("normalizer reads styled and fullwidth letters as plain ones", "[engine]") {
  auto n = make();
  // Mathematical bold, sans-serif italic, italic (with the letterlike h) and
  // bold digits; fullwidth letters and question mark.
  CHECK(n.normalize("\xF0\x9D\x90\x92\xF0\x9D\x90\xA4\xF0\x9D\x90\xA2\xF0\x9D\x90\xA5\xF0\x9D\x90\xA5 "  // 𝐒𝐤𝐢𝐥𝐥
                    "\xF0\x9D\x98\xB0\xF0\x9D\x98\xA7 "                                                  // 𝘰𝘧
                    "\xF0\x9D\x91\xA1\xE2\x84\x8E\xF0\x9D\x91\x92 "                                      // 𝑡ℎ𝑒
                    "\xF0\x9D\x9F\x90")                                                                  // 𝟐
            .text == " skill of the 2 ");
  auto a = n.normalize("\xEF\xBD\x97\xEF\xBD\x88\xEF\xBD\x81\xEF\xBD\x94 \xEF\xBC\xB0\xEF\xBC\xAD\xEF\xBC\x9F");
  CHECK(a.text == " what pm ");  // ｗｈａｔ ＰＭ？
  CHECK(a.roles == role_set::of(role::pm));
}

TEST_CASE("normalizer decodes percent-encoded text, not a percent sign", "[engine]") {
  auto n = make();
  CHECK(n.normalize("what%20is%20the%20skill%3F").text == " what is the skill ");
  CHECK(n.normalize("what+is+a%2Fthe%3F").text == " what is a the ");  // two escapes: '+' is a space
  CHECK(n.normalize("50% of the career").text == " 50 of the career ");
  CHECK(n.normalize("skill 100%25").text == " skill 100 25 ");  // one escape, not a space: left alone
}

TEST_CASE("normalizer reads rn as m when that makes one of its words", "[engine]") {
  lexicon lex;
  lex.vocabulary = {"metric", "team"};
  lex.known_words = {"from", "the"};
  lex.english_words = {"burn", "learn"};
  const text_normalizer n(lex);
  CHECK(n.normalize("rnetrics").text == " metric ");  // two edits in a short word: the speller would not
  CHECK(n.normalize("tearn frorn").text == " team from ");
  CHECK(n.normalize("rnetrnic").text == " rnetrnic ");  // no word either way
  CHECK(n.normalize("burn learn rn").text == " burn learn rn ");
}

TEST_CASE("normalizer splits words run together only into known words", "[engine]") {
  auto n = make();
  auto a = n.normalize("whatistheskillofaPM");
  CHECK(a.text == " what is the skill of a pm ");
  CHECK(a.roles == role_set::of(role::pm));
  CHECK(n.normalize("whatisaTPM").text == " what is a tpm ");
  CHECK(n.normalize("careerskillsPMs").text == " career skill pm ");  // three words with a role
  // Not cleanly split, too short, or two or three words without a role (a
  // compound or a name): left as typed.
  CHECK(n.normalize("whatistheskillz").text == " whatistheskillz ");
  CHECK(n.normalize("isaskill").text == " isaskill ");
  CHECK(n.normalize("careerskill").text == " careerskill ");
  CHECK(n.normalize("theskillcareer").text == " theskillcareer ");
}

TEST_CASE("normalizer reads a sentence of only a marker and a role as taking back the role before", "[engine]") {
  const text_normalizer n(self_correction_lexicon(
      {"what", "a", "the", "sorry", "i", "mean", "meant", "vs", "which", "is", "of", "better", "need"},
      {"sorry i mean", "sorry meant"}));
  // A verb between the role and the marker ("a PM need... sorry"): the
  // sentence after it takes the role back all the same.
  auto a = n.normalize("what skill is a PM need... sorry, meant TPM");
  CHECK(a.text == " what skill is a tpm need ");
  CHECK(a.roles == role_set::of(role::tpm));
  CHECK(a.words == 6);
  auto b = n.normalize("What is the skill of a product manager? Sorry, I mean a program manager.");
  CHECK(b.text == " what is the skill of a tpm ");
  CHECK(b.roles == role_set::of(role::tpm));
  CHECK(b.question.empty());  // the correction is no preamble
  // Not a taking back: both roles or none before it, the same role, more
  // than a role after the marker, or the marker in the same sentence.
  CHECK(n.normalize("tpm vs pm. sorry i mean pm").roles == role_set::both());
  CHECK(n.normalize("what is the skill. sorry i mean pm").text == " what is the skill sorry i mean pm ");
  CHECK(n.normalize("what is a pm? sorry, meant the pm").roles == role_set::of(role::pm));
  CHECK(n.normalize("what is a pm. sorry i mean which is better tpm").roles == role_set::both());
  CHECK(n.normalize("what skill is a pm need sorry meant tpm").roles == role_set::both());
}

TEST_CASE("normalizer drops a role set aside when the other role is named", "[engine]") {
  lexicon lex = self_correction_lexicon({"what", "a", "the", "do", "not", "need", "why", "and", "are", "is", "same",
                                         "job", "rather", "than", "which", "in", "way", "instead", "of", "but", "i",
                                         "am"},
                                        {});
  lex.role_negations = {"not", "rather than", "instead of", "but not"};
  const text_normalizer n(lex);
  auto a = n.normalize("what skills does a PM need, not a TPM?");
  CHECK(a.text == " what skill doe a pm need ");
  CHECK(a.roles == role_set::of(role::pm));
  auto b = n.normalize("not the PM, the TPM");
  CHECK(b.text == " the tpm ");
  CHECK(b.roles == role_set::of(role::tpm));
  CHECK(n.normalize("TPMs rather than PMs").roles == role_set::of(role::tpm));
  // A contrast asked about, a verb denied, or no other role named: kept.
  CHECK(n.normalize("why TPM and not PM?").roles == role_set::both());
  CHECK(n.normalize("is a TPM not a PM?").roles == role_set::both());
  CHECK(n.normalize("honestly, a TPM is not a PM").roles == role_set::both());
  CHECK(n.normalize("not a TPM").roles == role_set::of(role::tpm));
  CHECK(n.normalize("not a TPM, not a PM").roles == role_set::both());
  CHECK(n.normalize("in what way is a TPM not a PM?").roles == role_set::both());
  // Markers without "not" after a verb; a longer marker holding "not".
  CHECK(n.normalize("what does a PM do instead of a TPM?").roles == role_set::of(role::pm));
  CHECK(n.normalize("what does a PM do but not a TPM?").text == " what doe a pm do ");
  // A question part that sets aside the role the preamble does not name.
  auto q = n.normalize("I am a PM. What skills do I need, not TPM skills?");
  CHECK(q.roles == role_set::of(role::pm));
  CHECK(q.question_roles.empty());
  CHECK(q.question.find("tpm") == std::string::npos);
}

TEST_CASE("normalizer counts words in scripts the rules cannot read", "[engine]") {
  auto n = make();
  // Japanese: runs of kana and CJK, one word per two characters.
  const auto ja = n.normalize("TPMのキャリアパスってどうなっていますか？");
  CHECK(ja.text == " tpm ");
  CHECK(ja.foreign_words == 9);  // "の" alone is no word; "キャリアパスってどうなっていますか" 17 -> 9
  // Cyrillic, Greek, Arabic: a run of letters is a word.
  CHECK(n.normalize("Что такое TPM").foreign_words == 2);
  CHECK(n.normalize("τι είναι ένας PM").foreign_words == 3);
  CHECK(n.normalize("ما هو TPM").foreign_words == 2);
  // Latin letters with accents are read, not counted; kaomoji, emoji and
  // lone letters are no words.
  CHECK(n.normalize("qué hace un PM, très bien").foreign_words == 0);
  CHECK(n.normalize("what even is a product manager (・_・ヾ").foreign_words == 0);
  CHECK(n.normalize("and a TPM? (´・ω・`) 🙂").foreign_words == 0);
  CHECK(n.normalize("what does a TPM do?").foreign_words == 0);
}
