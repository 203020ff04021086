"""Spark integration test: boilerstrip --jsonl as the map step of PySpark's RDD.pipe.

Run through Tests/Spark/run.sh, which installs pyspark. It reads the first N records of the shared corpus,
adds a few records of its own, cleans them once with a plain subprocess (the reference), then through
sc.parallelize(lines, 8).pipe(...) on local[2], and checks that Spark's output is the reference, record for
record, and that the own records carry the expected metadata. Exit 0 on success (or when the corpus is
absent: skipped), 1 on any mismatch.
"""

import argparse
import gzip
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

PARTITIONS = 8

# Records of our own, spliced into the corpus lines at fixed places so that they land in different partitions.
# Each is (id, line, check) where check(output_record, raw=output_line) returns a list of problems.
PAYWALL_NOTICE = "Il vous reste 64.96% de cet article à lire. La suite est réservée aux abonnés."
PAYWALL_BODY = ("Le gouvernement a présenté mercredi son projet de loi de finances, "
                "qui prévoit une baisse des dépenses publiques.")


def own_records():
    recs = []

    def expect(cond, what, problems):
        if not cond:
            problems.append(what)

    # 1. A Le Monde paywall notice at the end of the text.
    r1 = {"id": "spark-own-paywall-fr", "lang": "fr", "source": "spark-test",
          "title": "Budget : le projet de loi de finances", "text": PAYWALL_BODY + "\n" + PAYWALL_NOTICE}

    def check1(out, raw=None):
        p = []
        m = out.get("boilerstrip") or {}
        expect(m.get("paywalled") is True, f"paywalled is {m.get('paywalled')!r}, expected true", p)
        expect(m.get("truncated") is True, f"truncated is {m.get('truncated')!r}, expected true", p)
        expect(m.get("remaining_percent") == 64.96,
               f"remaining_percent is {m.get('remaining_percent')!r}, expected 64.96", p)
        expect("Il vous reste" not in out.get("text", ""), f"notice still in the text: {out.get('text')!r}", p)
        expect(out.get("text", "").startswith(PAYWALL_BODY), f"article body lost: {out.get('text')!r}", p)
        removed = m.get("removed") or []
        expect(any(s.get("text") == PAYWALL_NOTICE and s.get("family") == "paywall" for s in removed),
               f"no removed paywall span with the notice's text: {removed!r}", p)
        return p
    recs.append((r1, check1))

    # 2. Non-ASCII in every other field (raw and \u-escaped, astral, U+2028 and U+0085 raw in JSON strings),
    #    the same paywall notice followed by a syndication footer; the other fields must come through byte
    #    for byte.
    r2_line = ('{"id": "spark-own-unicode", "lang": "de", "source": "Zürich \\u2014 Ærøskøbing \u2014 東京 🙂",'
               ' "title": "Straße\u2028zwei\u0085drei \\ud83d\\ude00 «guillemets»", "tags": ["ü", "\\u00e9", null, 1.50],'
               ' "text": "Der Stadtrat hat am Dienstag den Haushalt beschlossen. Die Opposition stimmte dagegen.\\n'
               + PAYWALL_NOTICE + '\\nL’article Stadtrat beschließt Haushalt est apparu en premier sur Zürcher Nachrichten."}')

    def check2(out, raw=None):
        p = []
        m = out.get("boilerstrip") or {}
        expect(m.get("paywalled") is True, f"paywalled is {m.get('paywalled')!r}, expected true", p)
        expect(m.get("remaining_percent") == 64.96,
               f"remaining_percent is {m.get('remaining_percent')!r}, expected 64.96", p)
        syn = m.get("syndication") or {}
        expect(syn.get("original_title") == "Stadtrat beschließt Haushalt",
               f"syndication.original_title is {syn.get('original_title')!r}", p)
        expect(syn.get("original_site") == "Zürcher Nachrichten",
               f"syndication.original_site is {syn.get('original_site')!r}", p)
        expect(out.get("text") == "Der Stadtrat hat am Dienstag den Haushalt beschlossen. Die Opposition stimmte dagegen.\n",
               f"text is {out.get('text')!r}", p)
        src = json.loads(r2_line)
        for k in ("id", "lang", "source", "title", "tags"):
            expect(out.get(k) == src[k], f"field {k} changed: {out.get(k)!r} != {src[k]!r}", p)
        if raw is not None:
            # Byte for byte: everything before "text" is untouched (escapes included).
            head = r2_line[: r2_line.index('"text"')]
            expect(raw.startswith(head), f"bytes before the text field changed: {raw[:len(head)]!r}", p)
        return p
    recs.append((r2_line, check2))

    # 3. A record with nothing to remove, fields in an unusual order: the text is kept as it is.
    r3 = {"text": "Plain article. Nothing to remove here.", "id": "spark-own-clean", "n": 3}

    def check3(out, raw=None):
        p = []
        m = out.get("boilerstrip") or {}
        expect(out.get("text") == r3["text"], f"clean text changed: {out.get('text')!r}", p)
        expect(m.get("removed") == [], f"removed is {m.get('removed')!r}, expected []", p)
        expect(m.get("paywalled") is False, f"paywalled is {m.get('paywalled')!r}", p)
        return p
    recs.append((r3, check3))

    # 4. No text field: written through unchanged.
    r4 = {"id": "spark-own-no-text", "title": "Sans texte — ohne Text"}

    def check4(out, raw=None):
        p = []
        if raw is not None:
            expect(raw == r4_line, f"a record without text changed: {raw!r}", p)
        return p
    r4_line = json.dumps(r4, ensure_ascii=False)
    recs.append((r4_line, check4))

    out = []
    for rec, check in recs:
        line = rec if isinstance(rec, str) else json.dumps(rec, ensure_ascii=False)
        rid = json.loads(line)["id"]
        out.append((rid, line, check))
    return out


def fixture_lines(folder, n):
    """n records built from the labelled fixtures (real documents), half with ASCII-escaped JSON."""
    docs = []
    for name in sorted(os.listdir(folder)):
        if name.endswith(".jsonl"):
            with open(os.path.join(folder, name), encoding="utf-8") as f:
                docs += [json.loads(l) for l in f.read().split("\n") if l.strip()]
    if not docs:
        fail(f"no labelled documents in {folder}")
    out = []
    for i in range(n):
        d = docs[i % len(docs)]
        rec = {"id": f"{d['id']}-{i}", "lang": d.get("lang"), "source": d.get("source"), "text": d["text"], "n": i}
        out.append(json.dumps(rec, ensure_ascii=(i % 2 == 0)))
    return out


def read_lines(path, n):
    """The first n lines of a gzip JSONL file, split on b'\\n' only (str.splitlines would also split on
    U+2028, U+0085 and friends, which may stand raw inside JSON strings)."""
    lines = []
    with gzip.open(path, "rb") as f:
        for raw in f:
            if len(lines) >= n:
                break
            lines.append(raw.rstrip(b"\n").decode("utf-8"))
    return lines


def run_reference(binary, args, lines):
    data = ("\n".join(lines) + "\n").encode("utf-8")
    t = time.monotonic()
    proc = subprocess.run([binary] + args, input=data, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    secs = time.monotonic() - t
    if proc.returncode != 0:
        fail(f"the reference run ({binary} {' '.join(args)}) exited {proc.returncode}: "
             f"{proc.stderr.decode('utf-8', 'replace').strip()[-2000:]}")
    out = proc.stdout.decode("utf-8").split("\n")
    if out and out[-1] == "":
        out.pop()
    return out, secs


def fail(msg):
    print(f"spark test FAILED: {msg}", file=sys.stderr)
    sys.exit(1)


def short(s, n=300):
    return s if len(s) <= n else s[:n] + f"… ({len(s)} chars)"


def first_diff(a, b):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    return i


def make_log4j2(scratch):
    # extraJavaOptions is split on whitespace: keep the file on a path without any.
    if any(c.isspace() for c in scratch):
        scratch = tempfile.mkdtemp(prefix="boilerstrip-spark-")
    path = os.path.join(scratch, "spark-test-log4j2.properties")
    with open(path, "w") as f:
        # WARN at the root: the level Spark picks for a shell anyway, so it does not announce its default;
        # the one warning every local run prints is silenced, and setLogLevel("ERROR") follows the start.
        f.write("rootLogger.level = warn\nrootLogger.appenderRef.stderr.ref = console\n"
                "appender.console.type = Console\nappender.console.name = console\n"
                "appender.console.target = SYSTEM_ERR\nappender.console.layout.type = PatternLayout\n"
                "appender.console.layout.pattern = %d{HH:mm:ss} %p %c{1}: %m%n%ex\n"
                "logger.hadoop.name = org.apache.hadoop.util.NativeCodeLoader\nlogger.hadoop.level = error\n")
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--binary", required=True)
    ap.add_argument("--corpus", required=True)
    ap.add_argument("--fixtures", help="folder of labelled JSONL sets, used when the corpus is absent")
    ap.add_argument("--scratch", default=tempfile.gettempdir())
    ap.add_argument("--records", type=int, default=int(os.environ.get("SPARK_TEST_RECORDS", "3000")))
    a = ap.parse_args()

    if not os.path.isfile(a.corpus) and not a.fixtures:
        print(f"spark test skipped: corpus {a.corpus} not found")
        return 0
    binary = os.path.abspath(a.binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        fail(f"boilerstrip binary not found or not executable: {binary}")
    os.makedirs(a.scratch, exist_ok=True)

    if os.path.isfile(a.corpus):
        corpus = read_lines(a.corpus, a.records)
    else:
        corpus = fixture_lines(a.fixtures, a.records)
    if len(corpus) < a.records:
        fail(f"the corpus has only {len(corpus)} records, {a.records} wanted")
    own = own_records()
    lines = list(corpus)
    # Spread our records over the partitions: first line, middle, three quarters, last line.
    for (rid, line, _), at in zip(own, [0, len(lines) // 2, 3 * len(lines) // 4, len(lines) + 3]):
        lines.insert(min(at, len(lines)), line)
    own_at = {rid: lines.index(line) for rid, line, _ in own}

    args = ["--jsonl", "--jobs", "1"]
    reference, ref_secs = run_reference(binary, args, lines)
    if len(reference) != len(lines):
        fail(f"the reference run wrote {len(reference)} records for {len(lines)} input records")

    # Spark: local[2], loopback only, quiet logs, no UI.
    os.environ.setdefault("SPARK_LOCAL_IP", "127.0.0.1")
    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    os.environ.setdefault("PYSPARK_DRIVER_PYTHON", sys.executable)
    log4j = make_log4j2(a.scratch)
    import pyspark
    from pyspark import SparkConf, SparkContext

    conf = (SparkConf().setMaster("local[2]").setAppName("boilerstrip-spark-pipe-test")
            .set("spark.ui.enabled", "false")
            .set("spark.ui.showConsoleProgress", "false")
            .set("spark.driver.host", "127.0.0.1")
            .set("spark.driver.bindAddress", "127.0.0.1")
            .set("spark.driver.extraJavaOptions", f"-Dlog4j2.configurationFile=file:{log4j}"))
    t0 = time.monotonic()
    sc = SparkContext(conf=conf)
    sc.setLogLevel("ERROR")
    start_secs = time.monotonic() - t0
    try:
        # RDD.pipe splits the command with shlex and, unless env is given, runs it with an EMPTY environment:
        # quote the path, and pass os.environ through (PATH, LD_LIBRARY_PATH, LANG, ...).
        command = " ".join([shlex.quote(binary)] + args)
        t1 = time.monotonic()
        rdd = sc.parallelize(lines, PARTITIONS).pipe(command, env=dict(os.environ), checkCode=True)
        try:
            got = rdd.collect()
        except Exception as e:  # Py4JJavaError, PySparkRuntimeError: the task's error is in the message.
            msg = str(e)
            lines_ = msg.splitlines()
            hint = ([l.strip() for l in lines_ if "PIPE_FUNCTION_EXITED" in l][:1]
                    or [l.strip() for l in lines_ if "Error" in l][:3])
            fail(f"the Spark job failed running `{command}`: {type(e).__name__}: "
                 + ("\n  ".join(hint) if hint else msg[-2000:]))
        pipe_secs = time.monotonic() - t1
    finally:
        sc.stop()

    problems = []
    if len(got) != len(lines):
        problems.append(f"Spark returned {len(got)} records for {len(lines)} input records "
                        f"(the reference has {len(reference)})")
    mismatches = [i for i, (g, r) in enumerate(zip(got, reference)) if g != r]
    for i in mismatches[:3]:
        g, r = got[i], reference[i]
        d = first_diff(g, r)
        problems.append(f"record {i} ({json.loads(lines[i]).get('id')!r}) differs from the reference at "
                        f"character {d}:\n  spark:     {short(g[max(0, d - 60):])}\n  reference: {short(r[max(0, d - 60):])}")
    if len(mismatches) > 3:
        problems.append(f"… and {len(mismatches) - 3} more differing records")

    passed = 0
    checks = 2 + len(own)
    passed += len(got) == len(lines)
    passed += not mismatches and len(got) == len(lines)
    for rid, line, check in own:
        i = own_at[rid]
        if i >= len(got):
            problems.append(f"own record {rid}: missing from Spark's output")
            continue
        raw = got[i]
        try:
            out = json.loads(raw)
        except ValueError as e:
            problems.append(f"own record {rid}: Spark output is not JSON ({e}): {short(raw)}")
            continue
        if out.get("id") != rid:
            problems.append(f"own record {rid}: Spark output {i} is record {out.get('id')!r}")
            continue
        p = check(out, raw=raw)
        problems += [f"own record {rid}: {x}" for x in p]
        passed += not p

    summary = (f"spark pipe: {len(got)}/{len(lines)} records ({a.records} corpus + {len(own)} own), "
               f"{PARTITIONS} partitions on local[2], pyspark {pyspark.__version__}: "
               f"reference {ref_secs:.1f}s, spark start {start_secs:.1f}s, pipe+collect {pipe_secs:.1f}s, "
               f"{len(mismatches)} mismatches")
    for p in problems:
        print(f"  FAIL {p}", file=sys.stderr, flush=True)
    print(summary)
    print(f"spark: {passed} passed, {checks - passed} failed")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
