#!/usr/bin/env bash
# What recording the cards shown (override report, Analytics:RecordCardsShown) costs under load: the published
# service with recording on and off, alternating, ROUNDS rounds of SECONDS s each with hey (32 connections) on
# one order-sign request that returns two cards. Prints requests/s and p50/p99 per round, and how many cards
# were recorded against how many were returned (a full queue drops records, never answers), and the service's
# CPU time per request (user + system from /proc, writer thread included), which a busy shared machine moves less
# than requests/s.
# Usage: tests/load/recording-cost.sh [ROUNDS] [SECONDS]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"; repo="$(cd "$here/../.." && pwd)"
rounds="${1:-3}"; seconds="${2:-10}"; port=5191
command -v hey >/dev/null || { echo "hey is missing: apt-get install -y hey" >&2; exit 1; }
work="$(mktemp -d)"
dotnet publish "$repo/src/CdsHooks.Service/CdsHooks.Service.csproj" -c Release --use-current-runtime --self-contained false -o "$work/service" --nologo -v quiet >"$work/publish.log"
body="$repo/fhir-fixtures/r01-tdm1-letrozole-rxnorm-ingredient-sign/request.json"
url="http://127.0.0.1:$port/cds-services/triple-positive-order-sign"

run() { # $1 = true|false
  local db="$work/feedback-$1-$RANDOM.db" pid
  ASPNETCORE_ENVIRONMENT=Development "$work/service/CdsHooks.Service" --urls "http://127.0.0.1:$port" \
    --contentRoot "$work/service" --CdsService:FeedbackDatabase="$db" --Analytics:RecordCardsShown="$1" \
    --Logging:LogLevel:Default=Warning >"$work/service.log" 2>&1 &
  pid=$!
  until curl -sf -o /dev/null "http://127.0.0.1:$port/health"; do sleep 0.1; done
  hey -z 3s -c 32 -m POST -T application/json -D "$body" "$url" >/dev/null # warm-up
  sleep 1 # let the writer drain the warm-up
  local before=0 cpu0 out cpu1
  if [ "$1" = true ]; then before="$(sqlite3 "$db" 'SELECT COUNT(*) FROM cards_shown')"; fi
  cpu0="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  out="$(hey -z "${seconds}s" -c 32 -m POST -T application/json -D "$body" "$url")"
  sleep 1 # let the writer drain
  cpu1="$(awk '{print $14 + $15}' "/proc/$pid/stat")"
  kill "$pid"; wait "$pid" 2>/dev/null || true
  local rps p50 p99 total rows=0
  rps="$(awk '/Requests\/sec/ {print $2}' <<<"$out")"
  p50="$(awk '/ 50%% in/ || / 50% in/ {print $3*1000}' <<<"$out")"
  p99="$(awk '/ 99% in/ {print $3*1000}' <<<"$out")"
  total="$(awk '/\[200\]/ {print $2}' <<<"$out")"
  if [ "$1" = true ]; then rows="$(($(sqlite3 "$db" 'SELECT COUNT(*) FROM cards_shown') - before))"; fi
  local cpu_us=$(( (cpu1 - cpu0) * 1000000 / $(getconf CLK_TCK) / total ))
  printf '%-12s %9.0f req/s  p50 %5s ms  p99 %6s ms  CPU %4s us/request  200s %7s  cards recorded %7s of %7s\n' \
    "record=$1" "$rps" "$p50" "$p99" "$cpu_us" "$total" "$rows" "$((total * 2))"
}

for ((i = 1; i <= rounds; i++)); do run true; run false; done
rm -rf "$work"
