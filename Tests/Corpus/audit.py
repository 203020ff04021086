#!/usr/bin/env python3
"""Audit boilerstrip's removals on the shared news corpus (../shared/corpus/news.jsonl.gz).

Runs the binary over the whole corpus (`--jsonl`), then sorts every removal into:

* README-known: the boilerplate the corpus README lists (Reuters sign-off and MORE markers, AFP desk slugs,
  OrangeSum's video-player JavaScript, "Lire la suite sur …" teasers, Tagesspiegel's bracketed promos, SZ's
  podcast feedback line, "Mehr zum Thema"/"Lesen Sie auch", Fake.Br's "Leia mais"/"LEIA MAIS"/"Veja também").
* wire credit: agency credits and sign-offs ("(dpa)", "(mit dpa)", "(APA, red, 25.7.2015)", "dpa/lno"), the same
  phenomenon as the Reuters sign-off the README leaves to us; counted apart so both readings are visible.
* outside: everything else. The target is at most 0.2 % of articles.

Usage: Tests/Corpus/audit.py [--binary .build/release/boilerstrip] [--corpus PATH] [--show N] [-- EXTRA ARGS]
Exits 0 when outside-known removals touch at most --limit percent of articles (default 0.2), 1 otherwise,
2 when the corpus is absent (with a message).
"""
import argparse
import collections
import gzip
import json
import os
import subprocess
import sys

README_KNOWN_RULES = {
    "reuters-signoff-en", "reuters-more-en", "afp-desk-slug-multi", "pvp-video-player-js-multi",
    "lire-la-suite-sur-fr", "sz-podcast-feedback-de", "mehr-zum-thema-de", "lesen-sie-auch-de",
    "veja-tambem-pt", "caret-m-residue-en",
}
README_KNOWN_PREFIXES = ("tsp-", "leia-mais")
WIRE_CREDIT_RULES = {"agency-credit-multi", "agency-credit-de", "agency-credit-fr", "dpa-signoff-de"}


def classify(rule):
    if rule in README_KNOWN_RULES or rule.startswith(README_KNOWN_PREFIXES):
        return "known"
    if rule in WIRE_CREDIT_RULES:
        return "credit"
    return "outside"


def main():
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--binary", default=os.path.join(root, ".build/release/boilerstrip"))
    parser.add_argument("--corpus", default=os.path.join(root, "../shared/corpus/news.jsonl.gz"))
    parser.add_argument("--show", type=int, default=3, help="examples shown per rule outside the known list")
    parser.add_argument("--limit", type=float, default=0.2, help="percent of articles allowed outside")
    parser.add_argument("extra", nargs="*", help="extra boilerstrip arguments (after --)")
    args = parser.parse_args()
    if not os.path.exists(args.corpus):
        print(f"audit: no corpus at {args.corpus}; skipped (it lives in ../shared, outside the repository)")
        return 2
    opener = gzip.open if args.corpus.endswith(".gz") else open
    with opener(args.corpus, "rb") as f:
        data = f.read()
    run = subprocess.run([args.binary, "--jsonl", *args.extra], input=data, capture_output=True, check=True)
    articles = 0
    changed = collections.Counter()
    per_rule = collections.Counter()
    examples = collections.defaultdict(list)
    verdicts = collections.Counter()
    for line in run.stdout.splitlines():
        record = json.loads(line)
        meta = record["boilerstrip"]
        articles += 1
        verdicts["truncated"] += meta["truncated"]
        verdicts["paywalled"] += meta["paywalled"]
        kinds = set()
        for span in meta["removed"]:
            kind = classify(span["rule"])
            kinds.add(kind)
            if kind != "known":
                per_rule[(kind, span["rule"])] += 1
                examples[span["rule"]].append((record["id"], span["text"]))
        for kind in kinds:
            changed[kind] += 1
        if kinds:
            changed["any"] += 1
        if kinds - {"known"}:
            changed["credit or outside"] += 1
    pct = lambda n: 100.0 * n / max(articles, 1)
    print(f"articles {articles:,}; changed {changed['any']:,} ({pct(changed['any']):.2f} %); "
          f"truncated {verdicts['truncated']:,}; paywalled {verdicts['paywalled']:,}")
    for kind in ("known", "credit", "outside", "credit or outside"):
        print(f"  {kind:18} {changed[kind]:6,} articles ({pct(changed[kind]):.3f} %)")
    for (kind, rule), n in per_rule.most_common():
        print(f"  {n:6,}  {kind:7} {rule}")
        if kind == "outside":
            for doc_id, text in examples[rule][: args.show]:
                print(f"            {doc_id}: {text.strip()[:140]!r}")
    ok = pct(changed["outside"]) <= args.limit
    print(f"outside-known removals: {pct(changed['outside']):.3f} % of articles (limit {args.limit} %): "
          + ("ok" if ok else "over"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
