#!/usr/bin/env python3
"""Validate dev.jsonl / heldout.jsonl and print a summary (stdlib only)."""
import json, sys, collections, os
HERE = os.path.dirname(os.path.abspath(__file__))
KEYS = {"id": str, "lang": str, "source": str, "text": str, "boilerplate": list, "truncated": bool,
        "paywalled": bool, "remaining_percent": (int, float, type(None)), "original_title": (str, type(None)),
        "original_site": (str, type(None)), "hard_negative": bool}
def kind(d):
    if d["hard_negative"]: return "hard_negative"
    if d["paywalled"]: return "paywall"
    if d["original_title"] or d["original_site"]: return "syndication_footer"
    if d["boilerplate"]: return "other_boilerplate"
    return "truncated_only"
errors, sets, all_ids = [], {}, collections.Counter()
for name in ("dev", "heldout"):
    docs = []
    with open(os.path.join(HERE, f"{name}.jsonl"), encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            try: d = json.loads(line)
            except Exception as e: errors.append(f"{name}:{n}: bad JSON {e}"); continue
            if set(d) != set(KEYS): errors.append(f"{name}:{n}: keys {sorted(set(d) ^ set(KEYS))}")
            for k, t in KEYS.items():
                if k in d and not isinstance(d[k], t) or (k in d and t is not bool and isinstance(d[k], bool)):
                    errors.append(f"{name}:{n}: {k} has type {type(d[k]).__name__}")
            for b in d.get("boilerplate", []):
                if not isinstance(b, str) or not b or b not in d["text"]: errors.append(f"{name}:{d['id']}: boilerplate not in text: {str(b)[:60]!r}")
                elif "\n" in b: errors.append(f"{name}:{d['id']}: boilerplate spans a line break")
            if d.get("hard_negative") and d.get("boilerplate"): errors.append(f"{name}:{d['id']}: hard negative with boilerplate")
            if d.get("paywalled") and not d.get("truncated"): errors.append(f"{name}:{d['id']}: paywalled but not truncated")
            for f in ("original_title", "original_site"):
                if d.get(f) and d[f] not in d["text"]: errors.append(f"{name}:{d['id']}: {f} not in text")
            all_ids[d.get("id")] += 1
            docs.append(d)
    sets[name] = docs
for i, c in all_ids.items():
    if c > 1: errors.append(f"duplicate id {i}")
dev_texts = {d["text"] for d in sets["dev"]}
for d in sets["heldout"]:
    if d["text"] in dev_texts: errors.append(f"heldout {d['id']} repeats a dev text")
for name, docs in sets.items():
    print(f"== {name}: {len(docs)} documents, {len(set(d['lang'] for d in docs))} languages")
    print("   hard negatives:", sum(d["hard_negative"] for d in docs), "| truncated:", sum(d["truncated"] for d in docs),
          "| paywalled:", sum(d["paywalled"] for d in docs), "| with remaining_percent:", sum(d["remaining_percent"] is not None for d in docs),
          "| with original_title/site:", sum(bool(d["original_title"] or d["original_site"]) for d in docs))
    print("   per kind:", dict(collections.Counter(kind(d) for d in docs).most_common()))
    per = collections.defaultdict(collections.Counter)
    for d in docs: per[d["lang"]][kind(d)] += 1
    for lang in sorted(per, key=lambda l: -sum(per[l].values())):
        print(f"   {lang}: {sum(per[lang].values()):3d}  " + ", ".join(f"{k}={v}" for k, v in sorted(per[lang].items())))
print("ERRORS:", len(errors))
for e in errors: print("  ", e)
sys.exit(1 if errors else 0)
