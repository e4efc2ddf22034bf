#!/usr/bin/env bash
# Throughput under gunicorn, driven by wrk on loopback: each public page against a bare view
# that returns a fixed short response through the same middleware and server, both driven at
# the same moment, first served from the page cache (Redis), then rendered every time.
#
#   DATABASE_URL=postgres://postgres@127.0.0.1:5432/tracker_scale benchmarks/throughput.sh
#
# Needs wrk (Debian: apt-get install wrk), Redis on 127.0.0.1:6379 and `collectstatic` run.
# Environment: PORT (8107), DURATION of each measurement (10s), CONNECTIONS (8), WEB_CONCURRENCY
# (cores x 2 + 1), CACHE_URL (redis://127.0.0.1:6379/5).
set -euo pipefail
cd "$(dirname "$0")/.."

port="${PORT:-8107}"
duration="${DURATION:-10s}"
connections="${CONNECTIONS:-8}"
base="http://127.0.0.1:$port"

export DJANGO_DEBUG=false DJANGO_SECRET_KEY=benchmark-only-key DJANGO_ALLOWED_HOSTS=127.0.0.1
export DJANGO_BEHIND_TLS_PROXY=true BENCHMARK_VIEWS=true
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/5}"
export GUNICORN_BIND="127.0.0.1:$port"

pages=(
  "/"
  "/initiatives/I-02/"
  "/projects/P-02/"
  "/tasks/"
  "/tasks/?member=anhui&status=on_track&sort=-progress"
  "/tasks/T-160/"
  "/members/shanghai/"
  "/api/tasks/"
  "/tasks/?_export=csv"
)

server=""
stop() { [ -n "$server" ] && kill "$server" 2>/dev/null && wait "$server" 2>/dev/null; server=""; }
trap stop EXIT

start() {
  PAGE_CACHE="$1" .venv/bin/gunicorn -c deploy/gunicorn.conf.py --log-level warning &
  server=$!
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null -H "X-Forwarded-Proto: https" "$base/_bench/bare/" && return
    sleep 0.2
  done
  echo "gunicorn did not start" >&2
  exit 1
}

wrk_rate() {  # requests per second for one address, from wrk's report on stdin
  awk '/Non-2xx/ {bad=1} /Requests\/sec/ {rps=$2} END {print (bad ? "errors" : rps)}'
}

drive() {  # wrk on one address for DURATION, as a browser asks (gzip accepted)
  wrk -t1 -c"$connections" -d"$duration" --timeout 30s -H "X-Forwarded-Proto: https" \
    -H "Accept-Encoding: gzip" "$base$1"
}

run() {  # $1: true (cached) or false (uncached)
  start "$1"
  printf '| %s | requests/s | bare view, at the same time | ratio |\n| --- | ---: | ---: | ---: |\n' \
    "$([ "$1" = true ] && echo cached || echo uncached)"
  for page in "${pages[@]}"; do
    local bare r out driving
    curl -fsS -o /dev/null -H "X-Forwarded-Proto: https" "$base$page"  # render it once (cache)
    # The page and the bare view are driven at the same moment, each by its own wrk with
    # CONNECTIONS connections: both share the machine's load, which on two cores swings the
    # bare view alone from 250 to 1,090 requests/s between one run and the next. A page that
    # costs the server what the bare view costs gets as many requests through as it does.
    out="$(mktemp -d)"
    drive /_bench/bare/ >"$out/bare" &
    driving=$!
    drive "$page" >"$out/page"
    wait "$driving"
    bare="$(wrk_rate <"$out/bare")" r="$(wrk_rate <"$out/page")"
    rm -r "$out"
    printf '| `%s` | %s | %s | %s |\n' "$page" "$r" "$bare" \
      "$(awk -v r="$r" -v b="$bare" 'BEGIN {if (r+0 > 0) printf "%.0f %%", 100 * r / b; else print "-"}')"
  done
  echo
  stop
}

redis-cli -u "$CACHE_URL" flushdb >/dev/null
run true
run false
