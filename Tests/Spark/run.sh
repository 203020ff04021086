#!/usr/bin/env bash
# Spark integration test: boilerstrip --jsonl as the map step of PySpark's RDD.pipe.
#
#   bash Tests/Spark/run.sh PATH/TO/boilerstrip
#
# Installs pyspark (pinned below) into .build/spark-venv (reused on later runs), then runs
# spark_pipe_test.py with it. Needs python3 (venv or pip) and Java 17+ on PATH or in JAVA_HOME.
# Skips (exit 0) when the shared corpus ../shared/corpus/news.jsonl.gz is absent.
# Environment: PYSPARK_VERSION overrides the pin; SPARK_TEST_RECORDS the record count (3000).
set -euo pipefail
export PIP_ROOT_USER_ACTION=ignore PIP_DISABLE_PIP_VERSION_CHECK=1

PYSPARK_VERSION="${PYSPARK_VERSION:-4.0.5}"   # Spark 4.0: Java 17/21, Python 3.9+

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"

if [ $# -lt 1 ] || [ -z "$1" ]; then
  echo "usage: $0 PATH/TO/boilerstrip" >&2
  exit 64
fi
case "$1" in
  /*) bin="$1" ;;
  *)  bin="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")" ;;
esac
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
  echo "spark test: boilerstrip binary not found or not executable: $1" >&2
  exit 66
fi

corpus="$root/../shared/corpus/news.jsonl.gz"
if [ ! -f "$corpus" ]; then
  echo "spark test: corpus $corpus not found; using the labelled fixtures in Tests/Fixtures/labelled instead"
fi

if ! command -v java >/dev/null 2>&1 && [ -z "${JAVA_HOME:-}" ]; then
  echo "spark test: java not found (Spark $PYSPARK_VERSION needs Java 17 or 21 on PATH or in JAVA_HOME)" >&2
  exit 69
fi

py="${PYTHON:-python3}"
if ! command -v "$py" >/dev/null 2>&1; then
  echo "spark test: $py not found" >&2
  exit 69
fi

mkdir -p "$root/.build"
venv="$root/.build/spark-venv"
stamp="pyspark==$PYSPARK_VERSION"

have_pyspark() {  # $1: python, then extra env as KEY=VALUE pairs
  local p="$1"; shift
  env "$@" "$p" -c 'import sys, pyspark; sys.exit(pyspark.__version__ != sys.argv[1])' "$PYSPARK_VERSION" 2>/dev/null
}

install_start=$(date +%s)
installed=no
runpy=""
runenv=()
# 1. A virtualenv (python3 -m venv; on Debian that needs the python3-venv package).
if [ -x "$venv/bin/python" ] && [ "$(cat "$venv/.stamp" 2>/dev/null)" = "$stamp" ] && have_pyspark "$venv/bin/python"; then
  runpy="$venv/bin/python"
elif rm -rf "$venv" && "$py" -m venv "$venv" >/dev/null 2>"$root/.build/spark-venv.log"; then
  echo "spark test: installing $stamp into $venv (about 450 MB download, once)…"
  "$venv/bin/python" -m pip install --disable-pip-version-check -q "$stamp"
  echo "$stamp" > "$venv/.stamp"
  runpy="$venv/bin/python"; installed=yes
else
  # 2. No venv module: pip install --target into .build/spark-pylib, put on PYTHONPATH.
  rm -rf "$venv"
  lib="$root/.build/spark-pylib"
  echo "spark test: '$py -m venv' is unavailable ($(tail -n 1 "$root/.build/spark-venv.log" 2>/dev/null)); using pip --target $lib"
  if ! ( [ "$(cat "$lib/.stamp" 2>/dev/null)" = "$stamp" ] && have_pyspark "$py" PYTHONPATH="$lib" ); then
    if ! "$py" -m pip --version >/dev/null 2>&1; then
      echo "spark test: neither '$py -m venv' nor '$py -m pip' works; install python3-venv or python3-pip (apt-get install python3-venv)" >&2
      exit 69
    fi
    rm -rf "$lib"
    echo "spark test: installing $stamp into $lib (about 450 MB download, once)…"
    # --break-system-packages: Debian 12+ marks its python as externally managed; --target does not touch it.
    extra=()
    if "$py" -m pip install --help 2>/dev/null | grep -q -- --break-system-packages; then extra=(--break-system-packages); fi
    "$py" -m pip install --disable-pip-version-check -q "${extra[@]}" --target "$lib" "$stamp"
    echo "$stamp" > "$lib/.stamp"
    installed=yes
  fi
  runpy="$py"; runenv=(PYTHONPATH="$lib${PYTHONPATH:+:$PYTHONPATH}")
fi
install_secs=$(( $(date +%s) - install_start ))
if [ "$installed" = yes ]; then
  echo "spark test: $stamp installed in ${install_secs}s"
fi

# Spark binds to loopback only; the workers run this same python.
export SPARK_LOCAL_IP=127.0.0.1
exec env "${runenv[@]}" PYSPARK_PYTHON="$runpy" PYSPARK_DRIVER_PYTHON="$runpy" \
  "$runpy" "$here/spark_pipe_test.py" --binary "$bin" --corpus "$corpus" --fixtures "$root/Tests/Fixtures/labelled" --scratch "$root/.build"
