#!/usr/bin/env bash
# Regenerates rules/english_words.json from Debian's wamerican word list
# (apt-get install wamerican): lower-case ASCII words of 4+ letters, less the
# real words that are mostly typos of the advisor's vocabulary.
set -euo pipefail
cd "$(dirname "$0")/.."
python3 - <<'PY'
import json
exclude = {"manger", "mangers", "sills", "carer", "carers"}
words = [w.strip() for w in open("/usr/share/dict/american-english")]
words = [w for w in words if w.isalpha() and w.islower() and w.isascii() and len(w) >= 4 and w not in exclude]
head = open("english_words.json").read().split("{", 1)[0]
rows = [", ".join(json.dumps(w) for w in words[i:i + 12]) for i in range(0, len(words), 12)]
body = '{\n  "lexicon": {\n    "english_words": [\n      ' + ",\n      ".join(rows) + "\n    ]\n  }\n}\n"
open("english_words.json", "w").write(head + body)
print(len(words), "words")
PY
