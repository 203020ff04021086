#!/usr/bin/env python3
"""Fuzz the literal screen with generated lines that each rule's pattern matches.

Before a rule's PCRE2 pattern runs on a line, the screen looks for the rule's literals (its `requires` and those
the analysis extracts from the pattern). Its invariant: it may let through lines the pattern does not match, but
never hide one it does. A wrong literal or word boundary turns a match into a silent miss, which no other test
sees unless an example happens to spell that branch.

For each rule and seed, this script walks the rule's expanded pattern (`rules export`) to build lines, glues
prefixes and suffixes to them to test the boundaries, and mutates each by one character; a line is kept only when
libpcre2-8, compiled with the engine's options, matches it. The lines become extra `match:` examples in a temporary
copy of the rules tree, and `rules test` runs on the copy. Only its "the screen hides it" failures count: the added
context also breaks spans, overlaps and typographic variants, which is expected and ignored.

Usage: python3 Tests/Screen/screen-fuzz.py [--binary PATH] [--seeds 3] [--lines 60] [--mutations 10] [--rule ID ...]
       [--rules DIR] [--keep DIR] [--jobs N]   (Python 3.11+, standard library only; a run is reproducible)
Exits 0 when the screen hides no line, 1 when it hides some (listed), 2 on a setup error.
"""
import argparse
import ctypes
import ctypes.util
import functools
import json
import multiprocessing
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from re import _compiler as sre_compile, _constants as sre, _parser as sre_parse  # Python 3.11+: the grammar to walk

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
# PCRE2_UTF | PCRE2_UCP | PCRE2_DUPNAMES | PCRE2_MATCH_INVALID_UTF, as the engine compiles rule patterns.
ENGINE_OPTIONS = 0x00080000 | 0x00020000 | 0x00000040 | 0x04000000
# Sample characters (Python class syntax) for the Unicode properties the catalogue uses; \h is PCRE2's whole set.
PROPERTY_SAMPLES = {
    "L": "a-zA-Zéж中ア", "Lu": "A-ZÉÀÇΩЖ", "Ll": "a-zéèçßωж", "Lt": "ǅǈ", "Lo": "中アあ가ا", "M": "\u0301\u0308",
    "N": "0-9٣０", "P": ".,;:!?«»\\-", "Pi": "«“‘", "Ps": "(\\[{「", "So": "©®°",
    "Han": "中国文字", "Hiragana": "あいうえお", "Katakana": "アイウエオ",
}
HORIZONTAL_SPACE = "\t \xa0\u1680\u180e\u2000-\u200a\u202f\u205f\u3000"
# Characters for `.`, classes (with their own literals and ranges) and mutations.
POOL = list("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 éèàçÉÀßжЖ中あ.,;:!?-_'’()[]«»\"/&%#@+…"
            "\xa0٣０")
WORD_CHARACTERS = "abzAZ09_xé"  # favoured by mutations: they probe the literals' word boundaries
PREFIXES = ["", "", "", "End of the text.", "End of the text.«", "word ", "x", "A1", "_", "é"]
SUFFIXES = ["", "", "", "", "x", "9", "_", " word", ".", "é"]


class Unsupported(Exception):
    """A pattern the walk cannot generate from; the message is the reason reported for the rule."""


@functools.lru_cache(maxsize=None)
def pcre2():
    """libpcre2-8 through ctypes (OSError when absent)."""
    lib = ctypes.CDLL(ctypes.util.find_library("pcre2-8") or "libpcre2-8.so.0")
    size, pointer = ctypes.c_size_t, ctypes.c_void_p
    lib.pcre2_compile_8.restype = lib.pcre2_match_data_create_from_pattern_8.restype = pointer
    lib.pcre2_compile_8.argtypes = [ctypes.c_char_p, size, ctypes.c_uint32, ctypes.POINTER(ctypes.c_int),
                                    ctypes.POINTER(size), pointer]
    lib.pcre2_match_data_create_from_pattern_8.argtypes = [pointer, pointer]
    lib.pcre2_match_8.argtypes = [pointer, ctypes.c_char_p, size, size, ctypes.c_uint32, pointer, pointer]
    lib.pcre2_match_data_free_8.argtypes = lib.pcre2_code_free_8.argtypes = [pointer]
    return lib


class Pcre2Pattern:
    """A rule pattern compiled as the engine compiles it."""

    def __init__(self, pattern):
        data, error, offset = pattern.encode(), ctypes.c_int(), ctypes.c_size_t()
        self.code = pcre2().pcre2_compile_8(data, len(data), ENGINE_OPTIONS, ctypes.byref(error),
                                            ctypes.byref(offset), None)
        if not self.code:
            raise Unsupported(f"libpcre2-8 cannot compile it (error {error.value} at offset {offset.value})")
        self.match_data = pcre2().pcre2_match_data_create_from_pattern_8(self.code, None)

    def matches(self, line):
        data = line.encode()
        return pcre2().pcre2_match_8(self.code, data, len(data), 0, 0, self.match_data, None) >= 0

    def free(self):
        pcre2().pcre2_match_data_free_8(self.match_data)
        pcre2().pcre2_code_free_8(self.code)


def translate_escape(escape, in_class):
    """The Python text for one PCRE2 escape: sample classes for \\p{…} and \\h, \\x{…} as \\U, \\Q…\\E quoted,
    \\k<name> as (?P=name), \\K dropped (it only moves the start of the match)."""
    if escape.startswith("\\Q"):
        return re.escape(escape[2:].removesuffix("\\E"))
    if escape.startswith("\\k"):
        return f"(?P={escape[3:-1]})"
    if escape.startswith("\\x{"):
        return f"\\U{int(escape[3:-1], 16):08x}"
    if escape.startswith("\\p{") and escape[3:-1] not in PROPERTY_SAMPLES:
        raise Unsupported(f"no sample characters for {escape}")
    if escape.startswith("\\p{") or escape == "\\h":
        sample = PROPERTY_SAMPLES.get(escape[3:-1], HORIZONTAL_SPACE)
        return sample if in_class else f"[{sample}]"
    return "" if escape == "\\K" else escape


ESCAPE = r"\\Q.*?(?:\\E|$)|\\[px]\{\w+\}|\\k[<{]\w+[>}]|\\."
# An escape, a character class, a named group's opening, a call (?&name), an option setting, or one character.
TOKEN = re.compile(rf"{ESCAPE}|\[\^?\]?(?:{ESCAPE}|[^\]\\])*\]|\(\?P?<\w+>|\(\?&\w+\)|\(\?[a-zA-Z-]+\)|.", re.S)


def to_python(pattern):
    """The PCRE2 pattern in Python `re` syntax, close enough to walk: each line is checked with PCRE2 anyway.

    A repeated group name (PCRE2's DUPNAMES) gets a suffix, a call (?&name) a copy of the group, and an option
    setting such as (?i) becomes (?i: to the end of its group, closed and reopened around each |, since Python takes
    them only at the start ((?J) is dropped). Other constructs Python lacks make its parser fail, which is reported
    as the rule's reason.
    """
    out, names, bodies = [], set(), {}  # bodies: group name -> the group's text
    open_groups = [[0, None, []]]  # the pattern, then each open group: [start in out, name, scoped option settings]
    for token in TOKEN.findall(pattern):
        named, call = re.fullmatch(r"\(\?P?<(\w+)>", token), re.fullmatch(r"\(\?&(\w+)\)", token)
        options = re.fullmatch(r"\(\?([a-zA-Z-]+)\)", token)
        if token.startswith("\\"):
            out.append(translate_escape(token, False))
        elif token.startswith("["):  # a ] first in the class is a literal
            opening = re.match(r"\[\^?\]?", token).group()
            inside = re.sub(ESCAPE, lambda escape: translate_escape(escape.group(), True), token[len(opening):])
            out.append(opening.replace("]", "\\]") + inside)
        elif call:
            if call.group(1) not in bodies:
                raise Unsupported(f"{token} before the group it calls")
            out.append("(?:" + re.sub(r"\(\?P<\w+>", "(?:", bodies[call.group(1)]) + ")")
        elif options:  # (?J) goes: repeated names are renamed
            letters = options.group(1).replace("J", "")
            if letters.strip("-"):
                out.append(f"(?{letters}:")
                open_groups[-1][2].append(letters)
        elif token == "(" or named:
            name = named.group(1) if named else None
            out.append(token if not name else f"(?P<{name}_{len(out)}>" if name in names else f"(?P<{name}>")
            names.add(name)
            open_groups.append([len(out), name, []])
        elif token == "|":
            scoped = open_groups[-1][2]
            out.append(")" * len(scoped) + "|" + "".join(f"(?{letters}:" for letters in scoped))
        elif token == ")" and len(open_groups) > 1:
            start, name, scoped = open_groups.pop()
            out.append(")" * len(scoped))
            if name:
                bodies.setdefault(name, "".join(out[start:]))
            out.append(token)
        else:
            out.append(token)
    return "".join(out) + ")" * len(open_groups[0][2])


@functools.lru_cache(maxsize=None)
def class_matcher(items, ignore_case):
    """A compiled Python matcher for one parsed character class (`items` as a tuple), with Unicode classes."""
    flags = sre.SRE_FLAG_UNICODE | (sre.SRE_FLAG_IGNORECASE if ignore_case else 0)
    return sre_compile.compile(sre_parse.SubPattern(sre_parse.State(), [(sre.IN, list(items))]), flags)


def vary_case(c, rng):
    """Under (?i), sometimes another case of c."""
    others = [x for x in (c.upper(), c.lower(), c.swapcase()) if len(x) == 1 and x != c]
    return rng.choice(others) if others and rng.random() < 0.3 else c


def class_character(items, ignore_case, rng):
    """A character the class matches, from the pool and the class's own literals and ranges."""
    candidates = list(POOL)
    if not (items and items[0][0] is sre.NEGATE):
        for op, value in items:
            if op is sre.LITERAL:
                candidates += [chr(value)] * 8
            elif op is sre.RANGE:
                candidates += [chr(rng.randint(*value)) for _ in range(6)] + [chr(value[0]), chr(value[1])]
    matcher = class_matcher(tuple(items), ignore_case)
    fitting = [c for c in candidates if matcher.fullmatch(c) and not "\ud800" <= c <= "\udfff"]
    if not fitting:
        raise Unsupported("no sample character fits one of its classes")
    non_ascii = [c for c in fitting if ord(c) > 0x7F]  # half the time when there are some: \d, \w, \b under UCP
    c = rng.choice(non_ascii if non_ascii and rng.random() < 0.5 else fitting)
    varied = vary_case(c, rng) if ignore_case else c
    return varied if matcher.fullmatch(varied) else c


def walk(items, rng, ignore_case=False, groups=None):
    """A random string the parsed pattern may match; lookarounds and anchors are left to the PCRE2 check."""
    groups = {} if groups is None else groups
    out = []
    for op, value in items:
        if op is sre.LITERAL:
            out.append(vary_case(chr(value), rng) if ignore_case else chr(value))
        elif op is sre.NOT_LITERAL:
            out.append(rng.choice([c for c in POOL if ord(c) != value]))
        elif op is sre.ANY:
            out.append(rng.choice(POOL))
        elif op is sre.IN:
            out.append(class_character(value, ignore_case, rng))
        elif op is sre.BRANCH:
            out.append(walk(rng.choice(value[1]), rng, ignore_case, groups))
        elif op is sre.SUBPATTERN:
            group, add, remove, sub = value
            caseless = (ignore_case or add & sre.SRE_FLAG_IGNORECASE) and not remove & sre.SRE_FLAG_IGNORECASE
            out.append(walk(sub, rng, caseless, groups))
            if group is not None:
                groups[group] = out[-1]
        elif op is sre.ATOMIC_GROUP:
            out.append(walk(value, rng, ignore_case, groups))
        elif op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, high, sub = value
            high = low + 4 if high == sre.MAXREPEAT else high
            count = rng.choice([low, low, min(high, low + 1), rng.randint(low, min(high, low + 3))])
            out.extend(walk(sub, rng, ignore_case, groups) for _ in range(count))
        elif op is sre.ASSERT:  # a positive lookaround's text, sometimes spelled in place
            out.append(walk(value[1], rng, ignore_case, groups) if rng.random() < 0.5 else "")
        elif op is sre.GROUPREF:
            out.append(groups.get(value, ""))
        elif op not in (sre.AT, sre.ASSERT_NOT):
            raise Unsupported(f"no walk for {op}")
    return "".join(out)


def mutant(line, rng):
    """The line with one character inserted, replaced or deleted."""
    at, kind, c = rng.randint(0, len(line)), rng.random(), rng.choice(WORD_CHARACTERS if rng.random() < 0.6 else POOL)
    return line[:at] + c + line[at:] if kind < 0.5 else line[:at] + (c if kind < 0.8 else "") + line[at + 1:]


def generate_lines(task):
    """(rule id, pattern, seed, lines, mutations) -> (rule id, matching lines, reason when there are none)."""
    rule_id, pattern, seed, wanted, mutations = task
    rng = random.Random(f"{rule_id}:{seed}")
    try:
        compiled = Pcre2Pattern(pattern)
    except Unsupported as error:
        return rule_id, [], str(error)

    def fits(line):
        """One line of a document, which an example can hold (U+E000/E001 stand for \\« \\»), that PCRE2 matches."""
        return line and not any(c in line for c in "\n\r\ue000\ue001") and compiled.matches(line)

    lines, reason = {}, "no walk gave a line libpcre2-8 matches"
    try:
        parsed = sre_parse.parse(to_python(pattern))
        for _ in range(wanted * 50):  # 50 walks allowed per wanted line
            if len(lines) == wanted:
                break
            try:
                line = rng.choice(PREFIXES) + walk(parsed, rng) + rng.choice(SUFFIXES)
            except Unsupported as error:
                reason = str(error)
                continue
            if fits(line):
                lines[line] = None
        mutants = {m for line in lines for m in (mutant(line, rng) for _ in range(mutations))
                   if m not in lines and fits(m)}
        lines.update(dict.fromkeys(rng.sample(sorted(mutants), min(len(mutants), wanted))))
    except Unsupported as error:
        reason = str(error)
    except re.error as error:
        reason = f"Python's re cannot parse it: {error}"
    finally:
        compiled.free()
    return rule_id, list(lines), None if lines else reason


def yaml_example(line):
    """A match example as a YAML double-quoted scalar: a JSON string with invisible characters escaped too (YAML
    folds U+0085 and U+2028), and guillemets escaped since they mark spans."""
    quoted = json.dumps(line.replace("«", "\\«").replace("»", "\\»"), ensure_ascii=False)
    return "".join(c if c == " " or c.isprintable() else f"\\U{ord(c):08x}" for c in quoted)


def add_examples(rules_dir, copy_dir, rules, lines_by_rule):
    """Adds each rule's lines to its `match:` list in the copy; returns their count and {rule: reason} for rules
    without a block-style list."""
    by_file, added, missing = {}, 0, {}
    for rule in rules:
        path, line = rule["file"].rsplit(":", 1)
        by_file.setdefault(os.path.relpath(path, rules_dir), []).append((int(line), rule["id"]))
    for relative, entries in by_file.items():
        with open(os.path.join(copy_dir, relative), encoding="utf-8") as f:
            text = f.read().split("\n")
        for line, rule_id in sorted(entries, reverse=True):  # bottom up: the line numbers above stay valid
            at = line  # the line after the rule's `- id:`
            while at < len(text) and text[at].strip() != "match:" and not re.match(r"\s*- id:", text[at]):
                at += 1
            if at == len(text) or text[at].strip() != "match:":
                missing[rule_id] = "no block-style examples.match list to add to"
                continue
            indent = " " * (len(text[at]) - len(text[at].lstrip()) + 2)
            text[at + 1:at + 1] = [f"{indent}- {yaml_example(x)}" for x in lines_by_rule[rule_id]]
            added += len(lines_by_rule[rule_id])
        with open(os.path.join(copy_dir, relative), "w", encoding="utf-8") as f:
            f.write("\n".join(text))
    return added, missing


def fail(message):
    """A setup error: exit 2."""
    print(f"screen-fuzz: {message}", file=sys.stderr)
    sys.exit(2)


def run(binary, *arguments):
    """The binary's standard output; a setup error when it fails."""
    result = subprocess.run([binary, *arguments], capture_output=True, text=True, encoding="utf-8")
    if result.returncode != 0:
        fail(f"{' '.join(arguments)} failed ({result.returncode}):\n{result.stderr}{result.stdout[-2000:]}")
    return result.stdout


def load_rules(binary, rules_dir):
    """Each rule's listing (id, file, literals…) with its expanded pattern."""
    # split on \n only: a pattern may hold U+0085 or U+2028, which splitlines() breaks on
    patterns = run(binary, "rules", "export", "--no-builtin", "--rules", rules_dir).split("\n")[:-1]
    listing = run(binary, "rules", "list", "--json", "--no-builtin", "--rules", rules_dir).split("\n")[:-1]
    if len(patterns) != len(listing):
        fail(f"rules export gave {len(patterns)} patterns for {len(listing)} rules")
    return [dict(json.loads(rule), pattern=pattern) for rule, pattern in zip(listing, patterns)]


def screen_hides(output):
    """{example location: [rule, text tested, failed variants]} for the "the screen hides it" failures."""
    hides = {}
    for location, rule_id, variant, text in re.findall(
            r"^(.*:\d+): rule (\S+): the screen hides it \(literals: .*\) \[([^\]]*)\]\n    (.*)$", output, re.M):
        hides.setdefault(location, [rule_id, text, []])[2].append(variant)
    return hides


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--binary", default=os.path.join(REPO, ".build/debug/boilerstrip"), metavar="PATH",
                        help="default: .build/debug/boilerstrip")
    parser.add_argument("--seeds", type=int, default=3, metavar="N", help="seeds 1..N per rule (3)")
    parser.add_argument("--lines", type=int, default=60, metavar="N", help="walked lines per rule and seed, and at "
                        "most as many mutants (60)")
    parser.add_argument("--mutations", type=int, default=10, metavar="N", help="mutations tried per walked line (10)")
    parser.add_argument("--rule", action="extend", nargs="+", default=[], metavar="ID", help="only these rules")
    parser.add_argument("--rules", default=os.path.join(REPO, "Rules"), metavar="DIR", help="default: Rules")
    parser.add_argument("--keep", metavar="DIR", help="keep DIR/Rules (new) and DIR/rules-test.out")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1, metavar="N", help="processes (one per CPU)")
    args = parser.parse_args()
    if args.keep and os.path.exists(os.path.join(args.keep, "Rules")):
        fail(f"{os.path.join(args.keep, 'Rules')} exists already")
    if not os.access(args.binary, os.X_OK):
        fail(f"no binary at {args.binary} (make build, or --binary)")
    try:
        pcre2()
    except OSError as error:
        fail(f"libpcre2-8 not found: {error}")
    rules_dir = os.path.realpath(args.rules)  # the binary does not follow a symbolic link to the folder
    rules = load_rules(args.binary, rules_dir)
    if not rules:
        fail(f"no rules in {rules_dir}")
    if set(args.rule) - {rule["id"] for rule in rules}:
        fail(f"no rule {', '.join(sorted(set(args.rule) - {rule['id'] for rule in rules}))} in {rules_dir}")
    rules = [rule for rule in rules if not args.rule or rule["id"] in args.rule]

    started = time.monotonic()
    tasks = [(rule["id"], rule["pattern"], seed, args.lines, args.mutations)
             for rule in rules for seed in range(1, args.seeds + 1)]
    lines_by_rule, reasons = {rule["id"]: {} for rule in rules}, {}
    with multiprocessing.Pool(args.jobs) as pool:
        for rule_id, lines, reason in pool.imap(generate_lines, tasks, chunksize=4):
            lines_by_rule[rule_id].update(dict.fromkeys(lines))
            reasons[rule_id] = reasons.get(rule_id) or reason
    reasons = {rule_id: reason for rule_id, reason in reasons.items() if not lines_by_rule[rule_id]}
    generated = time.monotonic()

    with tempfile.TemporaryDirectory(prefix="screen-fuzz.") as temporary:
        copy_dir = os.path.join(args.keep or temporary, "Rules")
        shutil.copytree(rules_dir, copy_dir)
        added, missing = add_examples(rules_dir, copy_dir, rules, lines_by_rule)
        test = subprocess.run([args.binary, "rules", "test", "--no-builtin", "--rules", copy_dir]
                              + [x for rule_id in args.rule for x in ("--rule", rule_id)],
                              capture_output=True, text=True, encoding="utf-8", errors="replace")
    if args.keep:
        with open(os.path.join(args.keep, "rules-test.out"), "w", encoding="utf-8") as f:
            f.write(test.stdout + test.stderr)
    summary = re.search(r"^rules test: .* example runs.*$", test.stdout, re.M)
    if test.returncode not in (0, 1) or not summary:
        fail(f"rules test failed on the extended tree ({test.returncode}):\n{test.stderr[-3000:]}{test.stdout[-2000:]}")

    reasons.update(missing)
    hides = screen_hides(test.stdout)
    print(f"screen-fuzz: {len(rules)} rules, seeds 1-{args.seeds}: {len(rules) - len(reasons)} covered, "
          f"{len(reasons)} without lines; {added} lines added (generation {generated - started:.0f} s with "
          f"{args.jobs} processes, rules test {time.monotonic() - generated:.0f} s)")
    print(f"{summary.group()} (spans, overlaps and variants the added context breaks: ignored)")
    for rule_id, reason in sorted(reasons.items()):
        print(f"  no lines for {rule_id}: {reason}")
    literals = {rule["id"]: json.dumps(rule["literals"], ensure_ascii=False) for rule in rules}
    for rule_id in sorted({rule for rule, _, _ in hides.values()}):
        hidden = [(text, variants) for rule, text, variants in hides.values() if rule == rule_id]
        print(f"SCREEN HIDES {len(hidden)} lines of {rule_id} (literals {literals[rule_id]}):")
        for text, variants in hidden:
            print(f"  {text} [{', '.join(variants)}]")
    print(f"screen hides: {len(hides)} lines ({sum(len(v) for _, _, v in hides.values())} example runs)")
    return 1 if hides else 0


if __name__ == "__main__":
    sys.exit(main())
