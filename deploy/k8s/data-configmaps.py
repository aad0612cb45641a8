#!/usr/bin/env python3
"""Prints the advisor's data ConfigMaps (advisor-rules, advisor-words,
advisor-knowledge, advisor-conversations) as one Kubernetes List in JSON,
which kubectl reads like YAML:

    python3 deploy/k8s/data-configmaps.py | kubectl apply -f -

rules/*.json become advisor-rules, except the English word list
(rules/english_words.json, about 0.8 MB), which is advisor-words: a
ConfigMap holds at most 1 MiB, and the Deployment projects both into the
one rules directory. knowledge/knowledge.json and the article
advisor-knowledge (the Deployment maps the article back to article/), and
the conversation checks that ship with the rules (rules/checks)
advisor-conversations. After applying a change, reload each pod (POST
/admin/reload or kill -HUP 1) once the kubelet has refreshed the volume, or
`kubectl rollout restart deployment/advisor`.
"""
import json
import os
import sys

ROOT = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
WORDS = ["english_words.json"]  # rules files kept in their own ConfigMap (size)


def files(folder, suffix):
    path = os.path.join(ROOT, folder)
    return sorted(os.path.join(path, f) for f in os.listdir(path) if f.endswith(suffix))


def config_map(name, paths):
    data = {}
    for p in paths:
        with open(p, encoding="utf-8") as f:
            data[os.path.basename(p)] = f.read()
    return {
        "apiVersion": "v1",
        "kind": "ConfigMap",
        "metadata": {"name": name, "labels": {"app.kubernetes.io/name": "advisor"}},
        "data": data,
    }


def main():
    items = [
        config_map("advisor-rules", [p for p in files("rules", ".json") if os.path.basename(p) not in WORDS]),
        config_map("advisor-words", [os.path.join(ROOT, "rules", w) for w in WORDS]),
        config_map("advisor-knowledge",
                   [os.path.join(ROOT, "knowledge", "knowledge.json"),
                    os.path.join(ROOT, "knowledge", "article", "tpm-vs-pm.txt")]),
        config_map("advisor-conversations", files("rules/checks", ".jsonl")),
    ]
    json.dump({"apiVersion": "v1", "kind": "List", "items": items}, sys.stdout, indent=1, ensure_ascii=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
