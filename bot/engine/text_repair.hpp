#pragma once
// Text repair undoes what copying, pasting and "fancy font" generators do to
// a message before the text_normalizer reads it: percent-encoding
// ("what%20is%20a%20tpm%3F"), HTML entities ("&quot;", "&#39;", "&amp;"),
// mojibake (UTF-8 shown as Windows-1252: "TPMâ€™s", "cafÃ©") and styled
// letters (mathematical bold, italic, script ... "𝐓𝐏𝐌", fullwidth "ｗｈａｔ").
// Each step is skipped at once when the text has no byte it could start
// at ('%', '&', 0xC3, ...), so ordinary text costs one scan per step.
//
// Thread safety: free functions without shared state.

#include <string>
#include <string_view>

namespace advisor {

// All repairs below, in this order. Returns `in` itself when nothing needed
// repair, else a view of `out` (`scratch` is a second buffer; both reused,
// so a caller's thread_local strings make this allocation-free once warm).
std::string_view repair_text(std::string_view in, std::string& out, std::string& scratch);

// Each step: returns `in` when it changed nothing, else a view of `out`.

// %XX escapes (and '+' for a space) in each run of non-space characters
// that holds two or more escapes or a "%20": a pasted URL or query string,
// not "50% of the time".
std::string_view decode_percent(std::string_view in, std::string& out);
// Named entities (&amp; &lt; &gt; &quot; &apos; &nbsp; &rsquo; &hellip;
// &mdash; ..., &eacute;-style accented letters as their plain letter) and
// numeric ones (&#39; &#x27;); an unknown name or a missing ';' stays as typed.
std::string_view decode_entities(std::string_view in, std::string& out);
// A run of characters that are Windows-1252 (or Latin-1) readings of bytes
// which together form one valid UTF-8 character ("â€™" = E2 80 99 = U+2019)
// is replaced by that character. Two-byte sequences are repaired only for
// U+0080..U+017F (Latin-1 and Latin Extended-A: "Ã©" -> "é"), so ordinary
// accented text ("CAFÉ—") is left alone.
std::string_view repair_mojibake(std::string_view in, std::string& out);
// Mathematical Alphanumeric Symbols (U+1D400..U+1D7FF, with the letterlike
// symbols that fill their gaps: ℎ, ℬ, ℝ, ...) and fullwidth forms
// (U+FF01..U+FF5E, U+3000) become their ASCII letters, digits and
// punctuation.
std::string_view plain_styled_letters(std::string_view in, std::string& out);

}  // namespace advisor
