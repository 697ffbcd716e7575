#!/usr/bin/env bash
# The first hook call after start-up, with every prefetch key read from a slow FHIR server (issue 14, section 2;
# docs/data-access-and-trust.md).
#
# Publishes the service in Release, starts a FHIR stub on 127.0.0.1 (tests/load/fhir-stub.py) that answers every
# read after --delay ms with the prefetch data of the fixture, then --starts times: starts the published service
# (Development, a fresh feedback database, 127.0.0.1 only), polls GET /health/ready until 200, sends ONE hook call
# (the fixture's request without its prefetch, fhirServer = the stub, so all six keys are read from it), records
# its latency as the client sees it (curl time_total), the status, whether the fixture's card came back and how
# many reads reached the stub, then the same call again (the warm figure at that moment, for comparison), and stops
# the service. Nothing is sent anywhere but 127.0.0.1.
#
#   tests/load/cold-start.sh                      # 10 starts, stub answering in 100 ms
#   tests/load/cold-start.sh --starts 3 --no-build
#
# Needs the .NET 10 SDK, python3, curl and jq. Results: artifacts/cold-start/<UTC time>/ (runs.tsv, summary.md, logs).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

starts=10
delay=100
target=250
service_port=5190
stub_port=5191
fixture=perf-full-prefetch-year-of-history
build=1
out=""

while [[ $# -gt 0 ]]; do
  case "$1" in
    --starts) starts="$2"; shift 2 ;;
    --delay) delay="$2"; shift 2 ;;
    --target) target="$2"; shift 2 ;;
    --fixture) fixture="$2"; shift 2 ;;
    --service-port) service_port="$2"; shift 2 ;;
    --stub-port) stub_port="$2"; shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    -h|--help) sed -n '2,16p' "$0"; exit 0 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done

out="${out:-$repo/artifacts/cold-start/$(date -u +%Y%m%dT%H%M%SZ)}"
publish="$repo/artifacts/cold-start/publish"
mkdir -p "$out"
log() { echo "[cold-start] $*" >&2; }
ms_now() { date +%s%3N; }

if [[ $build -eq 1 || ! -x "$publish/CdsHooks.Service" ]]; then
  log "publishing the service (Release)"
  dotnet publish "$repo/src/CdsHooks.Service/CdsHooks.Service.csproj" -c Release --use-current-runtime --self-contained false -o "$publish" --nologo -v quiet >"$out/publish.log" 2>&1 ||
    { tail -30 "$out/publish.log" >&2; exit 1; }
fi

request="$repo/fhir-fixtures/$fixture/request.json"
jq --arg fhir "http://127.0.0.1:$stub_port/fhir" 'del(.prefetch) | .fhirServer = $fhir' "$request" >"$out/request.json"

stub_pid=""
service_pid=""
cleanup() {
  if [[ -n "$service_pid" ]]; then kill "$service_pid" 2>/dev/null || true; fi
  if [[ -n "$stub_pid" ]]; then kill "$stub_pid" 2>/dev/null || true; fi
}
trap cleanup EXIT

: >"$out/stub.log"
python3 "$here/fhir-stub.py" "$stub_port" "$delay" "$request" "$out/stub.log" &
stub_pid=$!
for _ in $(seq 1 50); do
  curl -s -o /dev/null "http://127.0.0.1:$stub_port/fhir/Patient/x" && break
  sleep 0.1
done
: >"$out/stub.log"

printf 'start\tready_ms\tstatus\tfirst_call_ms\tcards\tfixture_card\tfhir_reads\tsecond_call_ms\tload_1min\n' >"$out/runs.tsv"
for run in $(seq 1 "$starts"); do
  db="$out/feedback-$run.db"
  reads_before=$(wc -l <"$out/stub.log")
  t0=$(ms_now)
  (cd "$publish" && exec env ASPNETCORE_ENVIRONMENT=Development ASPNETCORE_URLS="http://127.0.0.1:$service_port" \
    CdsService__FeedbackDatabase="$db" ./CdsHooks.Service) >"$out/service-$run.log" 2>&1 &
  service_pid=$!
  ready=""
  for _ in $(seq 1 1500); do
    if [[ "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$service_port/health/ready" || true)" == 200 ]]; then
      ready=$(($(ms_now) - t0))
      break
    fi
    sleep 0.02
  done
  [[ -n "$ready" ]] || { log "start $run: not ready within 30 s"; tail -20 "$out/service-$run.log" >&2; exit 1; }

  result=$(curl -s -o "$out/answer-$run.json" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
    --data-binary @"$out/request.json" "http://127.0.0.1:$service_port/cds-services/triple-positive-order-sign")
  status=${result%% *}
  ms=$(awk -v s="${result##* }" 'BEGIN { printf "%.1f", s * 1000 }')
  cards=$(jq -r 'if .cards then (.cards | length) else 0 end' "$out/answer-$run.json" 2>/dev/null || echo 0)
  card=$(jq -r '[.cards[]? | select((.summary | test("ado-trastuzumab emtansine")) and (.summary | test("letrozole")))] | length > 0' \
    "$out/answer-$run.json" 2>/dev/null || echo false)
  reads=$(($(wc -l <"$out/stub.log") - reads_before))
  # the same call again on the now warm process: what the machine and the stub cost at this moment
  second=$(curl -s -o /dev/null -w '%{time_total}' -H 'Content-Type: application/json' \
    --data-binary @"$out/request.json" "http://127.0.0.1:$service_port/cds-services/triple-positive-order-sign")
  second=$(awk -v s="$second" 'BEGIN { printf "%.1f", s * 1000 }')
  load=$(cut -d' ' -f1 /proc/loadavg)
  printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$run" "$ready" "$status" "$ms" "$cards" "$card" "$reads" "$second" "$load" >>"$out/runs.tsv"
  log "start $run: ready after $ready ms; first call HTTP $status in $ms ms, $cards card(s), fixture card $card, $reads FHIR read(s); second call $second ms; load $load"
  kill "$service_pid"
  wait "$service_pid" 2>/dev/null || true
  service_pid=""
done

{
  echo "# Cold first call: $starts starts, FHIR stub answering in $delay ms, fixture $fixture"
  echo
  echo "Machine: $(nproc) cores; $(date -u +%Y-%m-%dT%H:%M:%SZ)."
  echo
  median=$(tail -n +2 "$out/runs.tsv" | cut -f4 | sort -n | awk '{ v[NR] = $1 } END { printf "%.1f", (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }')
  awk -F'\t' -v target="$target" -v median="$median" 'NR > 1 {
      n++; if (n == 1 || $4 > max) max = $4; if (n == 1 || $4 < min) min = $4
      if ($3 == 200 && $6 == "true") { carded++; if ($4 <= target) ok++ }
      r += $2
    } END {
      printf "first call: median %s ms, min %.1f ms, max %.1f ms; with the card %d/%d; within %d ms with the card %d/%d; mean time to ready %.0f ms\n",
        median, min, max, carded, n, target, ok, n, r / n
    }' "$out/runs.tsv"
  echo
  echo '```'
  column -t -s $'\t' "$out/runs.tsv"
  echo '```'
} >"$out/summary.md"
cat "$out/summary.md"
