#!/usr/bin/env bash
# Two builds (or two settings) of the service against each other, for a change too small for run-load.sh to see:
# both run at once on 127.0.0.1, and wrk drives them in alternating rounds (A B, B A, ...), so that each round of A
# has a round of B beside it in time. Prints CPU per request of each and the median of the paired B/A ratios.
#
#   tests/load/ab-services.sh DIR_A DIR_B [ROUNDS] [ENV_A] [ENV_B]
#   tests/load/ab-services.sh /tmp/old artifacts/load/publish/service 8
#   tests/load/ab-services.sh artifacts/load/publish/service artifacts/load/publish/service 8 "" \
#     "Logging__LogLevel__CdsHooks.Engine.CdsEngine=Warning"
#
# DIR_A and DIR_B are `dotnet publish` folders of src/CdsHooks.Service. The request mix is the one a run of
# run-load.sh wrote (MIX, default: the newest artifacts/load/*/mix.tsv). Needs wrk and jq (run-load.sh installs them).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
[[ $# -ge 2 ]] || { sed -n '2,12p' "$0" >&2; exit 2; }
dir_a="$(cd "$1" && pwd)"
dir_b="$(cd "$2" && pwd)"
rounds="${3:-8}"
env_a="${4:-}"
env_b="${5:-}"
# The newest mix.tsv (by modification time).
mix="${MIX:-$(find "$repo/artifacts/load" -mindepth 2 -maxdepth 2 -name mix.tsv -printf '%T@ %p\n' 2>/dev/null | sort -rn | head -1 | cut -d' ' -f2-)}"
[[ -f $mix ]] || { echo "no mix.tsv: run tests/load/run-load.sh once, or set MIX" >&2; exit 2; }
work="$(mktemp -d)"
ports=(5280 5281)
pids=()

start() { # dir port env
  # shellcheck disable=SC2086  # $3 is a list of NAME=value words for env, split on purpose
  (cd "$1" && exec env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development $3 ./CdsHooks.Service \
    --urls "http://127.0.0.1:$2" --contentRoot "$1" --CdsService:FeedbackDatabase="$work/feedback-$2.db" \
    --Authentication:Enabled=false >"$work/service-$2.log" 2>&1 </dev/null) &
  pids+=($!)
}

stop() { kill "${pids[@]}" 2>/dev/null || true; wait "${pids[@]}" 2>/dev/null || true; }
trap stop EXIT

start "$dir_a" "${ports[0]}" "$env_a"
start "$dir_b" "${ports[1]}" "$env_b"
for port in "${ports[@]}"; do
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/health" >/dev/null && break; sleep 0.1; done
done

ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
run() { # port duration -> RESULT json
  LOAD_MIX="$mix" LOAD_DELAY_MS=0 wrk -t2 -c32 -d"$2" --timeout 5s -s "$here/hook-mix.lua" "http://127.0.0.1:$1/" 2>&1 |
    sed -n 's/^RESULT //p'
}

run "${ports[0]}" 12s >/dev/null # warm-up, not measured
run "${ports[1]}" 12s >/dev/null
hz=$(getconf CLK_TCK)
echo "round build req/s cpu_ms_per_request" | tee "$work/rounds.txt"
for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(0 1); else order=(1 0); fi
  for i in "${order[@]}"; do
    t0=$(ticks "${pids[$i]}")
    result="$(run "${ports[$i]}" 8s)"
    t1=$(ticks "${pids[$i]}")
    jq -r --arg r "$r" --arg b "$([[ $i == 0 ]] && echo A || echo B)" --argjson t $((t1 - t0)) --argjson hz "$hz" \
      '"\($r) \($b) \(.rps) \($t * 1000 / $hz / .requests * 10000 | round / 10000)"' <<<"$result" | tee -a "$work/rounds.txt"
  done
done

awk 'NR > 1 { cpu[$1, $2] = $4; if ($2 == "A") a[++na] = $4; else b[++nb] = $4 }
  function median(v, n,   i, j, t) {
    for (i = 2; i <= n; i++) { t = v[i]; for (j = i - 1; j >= 1 && v[j] > t; j--) v[j + 1] = v[j]; v[j + 1] = t }
    return n % 2 ? v[(n + 1) / 2] : (v[n / 2] + v[n / 2 + 1]) / 2 }
  END {
    for (r = 1; r <= na; r++) p[r] = cpu[r, "B"] / cpu[r, "A"]
    lo = p[1]; hi = p[1]; for (r = 2; r <= na; r++) { if (p[r] < lo) lo = p[r]; if (p[r] > hi) hi = p[r] }
    printf "CPU ms per request, median: A %.4f, B %.4f; paired B/A median %.3f (rounds %.3f to %.3f)\n",
      median(a, na), median(b, nb), median(p, na), lo, hi }' "$work/rounds.txt"
echo "logs and rounds: $work"
