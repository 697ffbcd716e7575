#!/usr/bin/env bash
# Load test of the CDS Hooks service against the framework floor (docs/performance.md).
#
# Publishes the service and tests/load/Floor in Release, starts both on 127.0.0.1 (Development, so
# authentication is off), measures the time to the first hook answer, then drives each with wrk and
# hook-mix.lua (fixture requests: full prefetch with a year of history, several small draft sets),
# alternating service and floor over several rounds so that the ratio holds on a noisy machine.
# Reports requests/s, p50/p99 latency, errors (non-2xx and socket), peak RSS (VmHWM), server CPU time
# per request and the ratio service/floor. --soak adds a long run at half the measured maximum rate
# with RSS sampled every 10 s.
#
#   tests/load/run-load.sh                         # 5 rounds x 10 s, 32 connections
#   tests/load/run-load.sh --rounds 2 --duration 5s  # quick check
#   tests/load/run-load.sh --soak                  # plus a 10-minute soak at half rate
#
# Needs the .NET 10 SDK; installs wrk, jq and curl with apt-get when they are missing (CI starts clean).
# Results go to artifacts/load/<UTC time>/ (summary.md, rounds.tsv, logs, rss.csv).
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"

duration=10s
connections=32
threads=2
rounds=5 # on a host shared with other machines, 3 rounds left the median at the mercy of one slow round
warmup=15s # 5 s left tiered compilation inside round 1 (a profile 9 s after start still showed the JIT)
soak=""
rss_every=10
service_port=5180
floor_port=5181
out=""
build=1
strict=0
mix_spec="perf-full-prefetch-year-of-history:3,perf-full-prefetch-order-select:1,r01-tdm1-letrozole-rxnorm-ingredient-sign:1,r02-tdm1-letrozole-select-tdm1-selected:1,r10-bundle-medication-reference-epic-style:1,r15-tdm1-kisqali-femara-copack:1,s01-trastuzumab-pertuzumab-letrozole:1"
probe_fixture=perf-full-prefetch-year-of-history
service_env=()

usage() {
  cat <<EOF
Usage: $0 [options]
  --duration T        length of each measured wrk run (default $duration)
  --connections N     open connections (default $connections)
  --threads N         wrk threads (default $threads)
  --rounds N          service/floor rounds, order alternating (default $rounds)
  --warmup T          unmeasured run against each before the rounds (default $warmup)
  --soak [T]          after the rounds, run the service at half its measured rate for T
                      (wrk duration: 10m, 90s; default 10m) and sample its RSS every --rss-every s
  --rss-every S       RSS sampling period during the soak, seconds (default $rss_every)
  --mix LIST          fixture[:weight],... from fhir-fixtures/ (default: full prefetch x3, order-select
                      full prefetch, five small draft sets)
  --service-port P    (default $service_port)    --floor-port P (default $floor_port)
  --service-env K=V   environment for the service process only (e.g. DOTNET_gcServer=0); repeatable
  --out DIR           results folder (default artifacts/load/<UTC time>)
  --no-build          reuse the published binaries in the results folder's parent (artifacts/load/publish)
  --strict            exit 1 when a target is missed (default: only errors and failures to start fail)
EOF
}

while [[ $# -gt 0 ]]; do
  case "$1" in
    --duration) duration="$2"; shift 2 ;;
    --connections) connections="$2"; shift 2 ;;
    --threads) threads="$2"; shift 2 ;;
    --rounds) rounds="$2"; shift 2 ;;
    --warmup) warmup="$2"; shift 2 ;;
    --soak)
      if [[ ${2:-} =~ ^[0-9]+[smh]?$ ]]; then soak="$2"; shift 2; else soak=10m; shift; fi
      [[ $soak =~ [smh]$ ]] || soak="${soak}m" ;;
    --rss-every) rss_every="$2"; shift 2 ;;
    --mix) mix_spec="$2"; shift 2 ;;
    --service-port) service_port="$2"; shift 2 ;;
    --floor-port) floor_port="$2"; shift 2 ;;
    --service-env) service_env+=("$2"); shift 2 ;;
    --out) out="$2"; shift 2 ;;
    --no-build) build=0; shift ;;
    --strict) strict=1; shift ;;
    -h|--help) usage; exit 0 ;;
    *) echo "unknown option: $1" >&2; usage >&2; exit 2 ;;
  esac
done

log() { printf '[load %s] %s\n' "$(date -u +%H:%M:%S)" "$*" >&2; }
die() { log "FAILED: $*"; exit 1; }

# ---------------------------------------------------------------- tools
ensure_tools() {
  local missing=()
  for tool in wrk jq curl; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  [[ ${#missing[@]} -eq 0 ]] && return
  log "installing ${missing[*]} (apt-get)"
  local sudo=""
  if [[ $(id -u) -ne 0 ]]; then
    command -v sudo >/dev/null 2>&1 || die "${missing[*]} missing and not root; install them with apt-get"
    sudo="sudo"
  fi
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
  for tool in "${missing[@]}"; do command -v "$tool" >/dev/null 2>&1 || die "could not install $tool"; done
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

ms_now() { echo $(( $(date +%s%N) / 1000000 )); }

# median of the numbers on stdin
median() { sort -g | awk '{ a[NR] = $1 } END { if (NR == 0) { print "nan" } else if (NR % 2) { print a[(NR + 1) / 2] } else { print (a[NR / 2] + a[NR / 2 + 1]) / 2 } }'; }

vm_kb() { awk -v key="$2:" '$1 == key { print $2 }' "/proc/$1/status" 2>/dev/null || echo 0; }

ensure_tools
command -v dotnet >/dev/null 2>&1 || die "the .NET SDK (dotnet) is not on PATH"
[[ -f "$repo/CdsHooks.sln" ]] || die "run from the repository (CdsHooks.sln not found at $repo)"
port_free "$service_port" || die "port $service_port is in use; choose another with --service-port"
port_free "$floor_port" || die "port $floor_port is in use; choose another with --floor-port"

stamp="$(date -u +%Y%m%dT%H%M%SZ)"
out="${out:-$repo/artifacts/load/$stamp}"
publish="$repo/artifacts/load/publish"
mkdir -p "$out" "$out/mix" "$out/responses"
out="$(cd "$out" && pwd)"
log "results in $out"

# ---------------------------------------------------------------- build
if [[ $build -eq 1 || ! -x "$publish/service/CdsHooks.Service" || ! -x "$publish/floor/CdsHooks.LoadFloor" ]]; then
  log "publishing the service and the floor (Release)"
  dotnet publish "$repo/src/CdsHooks.Service/CdsHooks.Service.csproj" -c Release --use-current-runtime --self-contained false -o "$publish/service" --nologo -v quiet >"$out/publish.log" 2>&1 ||
    { tail -30 "$out/publish.log" >&2; die "publishing the service"; }
  dotnet publish "$here/Floor/CdsHooks.LoadFloor.csproj" -c Release -o "$publish/floor" --nologo -v quiet >>"$out/publish.log" 2>&1 ||
    { tail -30 "$out/publish.log" >&2; die "publishing the floor"; }
fi

# ---------------------------------------------------------------- request mix
# Bodies are sent compact, as EHRs send them; the path follows the fixture's hook.
mix="$out/mix.tsv"
: >"$mix"
declare -A seen_instance=()
IFS=',' read -r -a mix_items <<<"$mix_spec"
for item in "${mix_items[@]}"; do
  name="${item%%:*}"
  weight=1
  [[ $item == *:* ]] && weight="${item##*:}"
  src="$repo/fhir-fixtures/$name/request.json"
  [[ -f $src ]] || die "no fixture $name"
  body="$out/mix/$name.json"
  jq -c . "$src" >"$body" || die "$name/request.json is not JSON: the load mix must be valid requests"
  hook="$(jq -r .hook "$body")"
  instance="$(jq -r .hookInstance "$body")"
  [[ -z ${seen_instance[$instance]:-} ]] || die "$name and ${seen_instance[$instance]} share hookInstance $instance (the floor keys its answers by it)"
  seen_instance[$instance]="$name"
  case "$hook" in
    order-select) path=/cds-services/triple-positive-order-select ;;
    *) path=/cds-services/triple-positive-order-sign ;;
  esac
  for ((i = 0; i < weight; i++)); do printf '%s\t%s\n' "$path" "$body" >>"$mix"; done
done
log "mix: $(wc -l <"$mix") requests per cycle from ${#mix_items[@]} fixtures"

# ---------------------------------------------------------------- servers
pids=()
cleanup() {
  for pid in "${pids[@]}"; do
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${pids[@]}"; do
    wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

post() { # port path body-file output-file -> http status
  curl -s --noproxy '*' -o "$4" -w '%{http_code}' --max-time 10 -H 'Content-Type: application/json' --data-binary "@$3" "http://127.0.0.1:$1$2" || true
}

probe_body="$out/mix/$probe_fixture.json"
[[ -f $probe_body ]] || { jq -c . "$repo/fhir-fixtures/$probe_fixture/request.json" >"$probe_body"; }
probe_path=/cds-services/triple-positive-order-sign

# start NAME PORT LOG BINARY ARGS... ; sets started_pid and first_answer_ms (start to first 200 hook answer)
start() {
  local name="$1" port="$2" logfile="$3"
  shift 3
  local t0
  t0="$(ms_now)"
  "$@" >"$logfile" 2>&1 &
  started_pid=$!
  pids+=("$started_pid")
  while :; do
    if [[ "$(post "$port" "$probe_path" "$probe_body" /dev/null)" == 200 ]]; then
      break
    fi
    kill -0 "$started_pid" 2>/dev/null || { tail -20 "$logfile" >&2; die "$name exited during start-up"; }
    (($(ms_now) - t0 < 60000)) || die "$name did not answer within 60 s"
    sleep 0.02
  done
  first_answer_ms=$(($(ms_now) - t0))
  log "$name (pid $started_pid) answered its first hook call $first_answer_ms ms after start"
}

log "starting the service on 127.0.0.1:$service_port"
start service "$service_port" "$out/service.log" \
  env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development "${service_env[@]}" \
  "$publish/service/CdsHooks.Service" --urls "http://127.0.0.1:$service_port" --contentRoot "$publish/service" \
  --CdsService:FeedbackDatabase="$out/feedback.db" --Authentication:Enabled=false
service_pid=$started_pid
service_first_ms=$first_answer_ms

# Every request of the mix must be a 200 with cards: a load test of the error path measures nothing.
# The answers become the floor's fixed responses.
while IFS=$'\t' read -r path body; do
  instance="$(jq -r .hookInstance "$body")"
  answer="$out/responses/$instance.json"
  [[ -f $answer ]] && continue
  status="$(post "$service_port" "$path" "$body" "$answer")"
  [[ $status == 200 ]] || die "$(basename "$body") got $status from the service: $(head -c 400 "$answer")"
  jq -e '.cards | type == "array"' "$answer" >/dev/null || die "$(basename "$body"): the answer has no cards array"
done <"$mix"
if ! { [[ "$(post "$service_port" "$probe_path" "$probe_body" "$out/probe-answer.json")" == 200 ]] &&
  jq -e '.cards | length > 0' "$out/probe-answer.json" >/dev/null; }; then
  die "$probe_fixture produced no card: the service is not doing the work the load test is meant to measure"
fi

log "starting the floor on 127.0.0.1:$floor_port"
start floor "$floor_port" "$out/floor.log" \
  env ASPNETCORE_ENVIRONMENT=Development DOTNET_ENVIRONMENT=Development \
  "$publish/floor/CdsHooks.LoadFloor" --urls "http://127.0.0.1:$floor_port" --contentRoot "$publish/floor" \
  --Floor:Responses="$out/responses" --Logging:LogLevel:Default=Warning
floor_pid=$started_pid
floor_first_ms=$first_answer_ms

# Same answer sizes from both, request by request.
while IFS=$'\t' read -r path body; do
  a="$(post "$service_port" "$path" "$body" "$out/check.s")"
  b="$(post "$floor_port" "$path" "$body" "$out/check.f")"
  [[ $a == 200 && $b == 200 ]] || die "check before the run: service $a, floor $b for $(basename "$body")"
  sa=$(wc -c <"$out/check.s")
  sf=$(wc -c <"$out/check.f")
  # uuids and the card order are per call; sizes may differ by a few bytes, never by much
  ((sf > sa * 9 / 10 && sf < sa * 11 / 10)) || die "floor answer size $sf differs from the service's $sa for $(basename "$body")"
done < <(sort -u "$mix")
rm -f "$out/check.s" "$out/check.f"

# ---------------------------------------------------------------- load
# wrk2 (a wrk with -R/--rate) paces requests itself, and needs a rate on every run; Debian's wrk 4
# has no rate limit, so the soak paces each connection with hook-mix.lua's delay() instead.
has_rate=0
wrk --help 2>&1 | grep -qE -- '-R, --rate' && has_rate=1

# A server that exits mid-run invalidates the run: say so, and how it ended.
check_alive() {
  local name pid logfile
  for name in service floor; do
    if [[ $name == service ]]; then pid=$service_pid; logfile="$out/service.log"; else pid=$floor_pid; logfile="$out/floor.log"; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      if grep -q "Application is shutting down" "$logfile"; then
        die "the $name (pid $pid) was stopped by a signal from outside this script during the run; see $logfile"
      fi
      tail -5 "$logfile" >&2
      die "the $name (pid $pid) exited during the run; see $logfile"
    fi
  done
}

# run_wrk PORT DURATION CONNECTIONS [DELAY_MS] [RATE] -> RESULT json on stdout
run_wrk() {
  check_alive
  local port="$1" dur="$2" conns="$3" delay="${4:-0}" rate="${5:-}" raw rate_args=()
  if ((has_rate)); then rate_args=(-R "${rate:-1000000}"); delay=0; fi
  raw="$(LOAD_MIX="$mix" LOAD_DELAY_MS="$delay" wrk -t"$threads" -c"$conns" -d"$dur" --timeout 5s "${rate_args[@]}" \
    -s "$here/hook-mix.lua" "http://127.0.0.1:$port/" 2>&1)" || { echo "$raw" >&2; check_alive; die "wrk failed"; }
  check_alive
  echo "$raw" | sed -n 's/^RESULT //p' | tail -1 | grep . || { echo "$raw" >&2; die "wrk printed no RESULT"; }
}

load_start="$(cut -d' ' -f1-3 /proc/loadavg)"
log "warm-up: $warmup against each (not measured)"
run_wrk "$service_port" "$warmup" "$connections" >/dev/null
run_wrk "$floor_port" "$warmup" "$connections" >/dev/null

# CPU time the server process used per request: unlike req/s it hardly moves when other work shares
# the machine, so floor/service CPU per request is the ratio to trust on a busy machine.
clk_tck=$(getconf CLK_TCK)
cpu_ticks() { sed 's/^.*) //' "/proc/$1/stat" | awk '{ print $12 + $13 }'; }
# CPU time the hypervisor gave to other machines while this one wanted it (steal, all CPUs): a busy host shows here,
# and it costs the service more than the floor (docs/performance.md, "What the host does to the ratio").
steal_ticks() { awk '$1 == "cpu" { print $9 }' /proc/stat; }
ncpu=$(nproc)

rounds_tsv="$out/rounds.tsv"
printf 'round\ttarget\trps\tp50_ms\tp99_ms\tmax_ms\trequests\tnon2xx\tsocket_errors\tcpu_ms_per_request\thost_steal_pct\n' >"$rounds_tsv"
record() { # round target json cpu_ticks_used steal_ticks
  jq -r --arg r "$1" --arg t "$2" --argjson ticks "$4" --argjson steal "$5" --argjson hz "$clk_tck" --argjson cpus "$ncpu" \
    '[$r, $t, .rps, (.p50_us / 1000), (.p99_us / 1000),
    (.max_us / 1000), .requests, .non2xx, (.connect + .read + .write + .timeout),
    (if .requests > 0 then ($ticks * 1000 / $hz / .requests) else 0 end),
    (if .duration_us > 0 then ($steal / $hz * 100 / (.duration_us / 1000000) / $cpus) else 0 end)] | @tsv' <<<"$3" >>"$rounds_tsv"
}

for ((r = 1; r <= rounds; r++)); do
  if ((r % 2)); then order=(service floor); else order=(floor service); fi
  for target in "${order[@]}"; do
    port=$service_port
    pid=$service_pid
    if [[ $target == floor ]]; then port=$floor_port; pid=$floor_pid; fi
    ticks=$(cpu_ticks "$pid")
    steal=$(steal_ticks)
    result="$(run_wrk "$port" "$duration" "$connections")"
    record "$r" "$target" "$result" $(($(cpu_ticks "$pid") - ticks)) $(($(steal_ticks) - steal))
    log "round $r $target: $(tail -1 "$rounds_tsv" | awk -F'\t' '{ printf "%s req/s, p50 %.2f ms, p99 %.2f ms, non-2xx %s, socket errors %s, %.3f CPU ms/request, host steal %.1f%%", $3, $4, $5, $8, $9, $10, $11 }')"
  done
done
load_end="$(cut -d' ' -f1-3 /proc/loadavg)"

col() { awk -F'\t' -v t="$1" -v c="$2" 'NR > 1 && $2 == t { print $c }' "$rounds_tsv"; }
sum() { awk '{ s += $1 } END { print s + 0 }'; }
service_rps=$(col service 3 | median | xargs printf '%.0f')
floor_rps=$(col floor 3 | median | xargs printf '%.0f')
ratios=$(awk -F'\t' 'NR > 1 { v[$1, $2] = $3 } END { for (k in v) { split(k, p, SUBSEP); if (p[2] == "service" && v[p[1], "floor"] > 0) print v[k] / v[p[1], "floor"] } }' "$rounds_tsv")
ratio=$(echo "$ratios" | median | xargs printf '%.3f')
ratio_min=$(echo "$ratios" | sort -g | head -1 | xargs printf '%.3f')
ratio_max=$(echo "$ratios" | sort -g | tail -1 | xargs printf '%.3f')
service_cpu=$(col service 10 | median | xargs printf '%.3f')
floor_cpu=$(col floor 10 | median | xargs printf '%.3f')
cpu_ratio=$(awk -v f="$floor_cpu" -v s="$service_cpu" 'BEGIN { printf "%.3f", (s > 0) ? f / s : 0 }')
service_errors=$(( $(col service 8 | sum) + $(col service 9 | sum) ))
floor_errors=$(( $(col floor 8 | sum) + $(col floor 9 | sum) ))
service_hwm_kb=$(vm_kb "$service_pid" VmHWM)
floor_hwm_kb=$(vm_kb "$floor_pid" VmHWM)
service_rss_kb=$(vm_kb "$service_pid" VmRSS)

# ---------------------------------------------------------------- soak
soak_lines=""
soak_errors=0
if [[ -n $soak ]]; then
  target_rps=$(awk -v m="$service_rps" 'BEGIN { printf "%.0f", m / 2 }')
  # rate = connections / (latency + delay); calibrate the delay on two short runs (wrk2: -R does it).
  delay=$(awk -v c="$connections" -v t="$target_rps" 'BEGIN { printf "%.0f", c * 1000 / t }')
  for step in 1 2; do
    ((has_rate)) && break
    got=$(run_wrk "$service_port" 4s "$connections" "$delay" | jq -r .rps)
    delay=$(awk -v c="$connections" -v t="$target_rps" -v d="$delay" -v g="$got" \
      'BEGIN { l = c * 1000 / g - d; if (l < 0) l = 0; n = c * 1000 / t - l; if (n < 1) n = 1; printf "%.0f", n }')
    log "soak calibration $step: $got req/s (target $target_rps), delay now $delay ms per connection"
  done
  log "soak: $soak at ~$target_rps req/s ($connections connections, $delay ms pacing); RSS every $rss_every s"
  rss_csv="$out/rss.csv"
  echo "elapsed_s,rss_kb" >"$rss_csv"
  soak_t0=$(ms_now)
  (
    while kill -0 "$service_pid" 2>/dev/null; do
      echo "$(( ($(ms_now) - soak_t0) / 1000 )),$(vm_kb "$service_pid" VmRSS)" >>"$rss_csv"
      sleep "$rss_every"
    done
  ) &
  sampler=$!
  ticks=$(cpu_ticks "$service_pid")
  steal=$(steal_ticks)
  soak_result="$(run_wrk "$service_port" "$soak" "$connections" "$delay" "$target_rps")"
  soak_ticks=$(($(cpu_ticks "$service_pid") - ticks))
  soak_steal=$(($(steal_ticks) - steal))
  kill "$sampler" 2>/dev/null || true
  wait "$sampler" 2>/dev/null || true
  record soak service "$soak_result" "$soak_ticks" "$soak_steal"
  soak_errors=$(jq -r '.non2xx + .connect + .read + .write + .timeout' <<<"$soak_result")
  # Flat memory: the last third of the samples against the second third (the first holds the warm-up).
  flat=$(awk -F, 'NR > 1 { v[++n] = $2 } END {
      if (n < 6) { print "too few samples"; exit }
      a = int(n / 3); b = int(2 * n / 3); m1 = 0; m2 = 0
      for (i = a + 1; i <= b; i++) if (v[i] > m1) m1 = v[i]
      for (i = b + 1; i <= n; i++) if (v[i] > m2) m2 = v[i]
      g = (m2 - m1) / m1 * 100
      printf "max RSS %d MB in the middle third, %d MB in the last third (%+.1f%%): %s", m1 / 1024, m2 / 1024, g, (g < 10 ? "flat" : "GROWING") }' "$rss_csv")
  soak_lines="$(tail -1 "$rounds_tsv" | awk -F'\t' '{ printf "| soak | %s | %.2f | %.2f | %s | %s | %.3f |", $3, $4, $5, $8, $9, $10 }')"
  log "soak: $(jq -r '"\(.rps) req/s, p99 \(.p99_us / 1000) ms"' <<<"$soak_result"); $flat"
  service_hwm_kb=$(vm_kb "$service_pid" VmHWM)
fi

# ---------------------------------------------------------------- report
verdict() { if [[ $1 == 1 ]]; then echo "PASS"; else echo "MISS"; fi; }
ok_ratio=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.7) ? 1 : 0 }')
ok_errors=$(( service_errors + floor_errors + soak_errors == 0 ? 1 : 0 ))
ok_rss=$(( service_hwm_kb <= 200 * 1024 ? 1 : 0 ))
ok_first=$(( service_first_ms <= 2000 ? 1 : 0 ))

summary="$out/summary.md"
{
  echo "# Load test, $stamp"
  echo
  echo "Commit $(git -C "$repo" rev-parse --short HEAD 2>/dev/null || echo '?')$(git -C "$repo" diff --quiet 2>/dev/null || echo ' (with local changes)'); $(nproc) cores;" \
    "load average $load_start before, $load_end after; $(wrk -v 2>&1 | head -1 | cut -d' ' -f1-2)."
  echo "wrk -t$threads -c$connections, $rounds round(s) of $duration per target, order alternating; mix: $mix_spec."
  [[ ${#service_env[@]} -gt 0 ]] && echo "Service environment: ${service_env[*]}."
  echo
  echo "| round | target | req/s | p50 ms | p99 ms | max ms | requests | non-2xx | socket errors | CPU ms/request | host steal % |"
  echo "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  awk -F'\t' 'NR > 1 { printf "| %s | %s | %s | %.2f | %.2f | %.1f | %s | %s | %s | %.3f | %.1f |\n", $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11 }' "$rounds_tsv"
  echo
  echo "| | service | floor |"
  echo "| --- | ---: | ---: |"
  echo "| req/s (median of rounds) | $service_rps | $floor_rps |"
  echo "| p50 ms (median) | $(col service 4 | median | xargs printf '%.2f') | $(col floor 4 | median | xargs printf '%.2f') |"
  echo "| p99 ms (median) | $(col service 5 | median | xargs printf '%.2f') | $(col floor 5 | median | xargs printf '%.2f') |"
  echo "| server CPU ms per request (median) | $service_cpu | $floor_cpu |"
  echo "| errors (non-2xx + socket) | $service_errors | $floor_errors |"
  echo "| peak RSS (VmHWM) MB | $((service_hwm_kb / 1024)) | $((floor_hwm_kb / 1024)) |"
  echo "| first hook answer after start, ms | $service_first_ms | $floor_first_ms |"
  echo
  if [[ -n $soak_lines ]]; then
    echo "Soak ($soak at half the measured rate, paced by wrk's delay(); RSS every $rss_every s in rss.csv): $flat"
    echo
    echo "| run | req/s | p50 ms | p99 ms | non-2xx | socket errors | CPU ms/request |"
    echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"
    echo "$soak_lines"
    echo
  fi
  echo "| target | value | |"
  echo "| --- | --- | --- |"
  echo "| ratio service/floor req/s >= 0.7 | $ratio (rounds: $ratio_min to $ratio_max; CPU per request floor/service: $cpu_ratio) | $(verdict "$ok_ratio") |"
  echo "| zero errors | service $service_errors, floor $floor_errors, soak $soak_errors | $(verdict "$ok_errors") |"
  echo "| service peak RSS <= 200 MB | $((service_hwm_kb / 1024)) MB (now $((service_rss_kb / 1024)) MB) | $(verdict "$ok_rss") |"
  echo "| first answer <= 2 s | $service_first_ms ms | $(verdict "$ok_first") |"
} >"$summary"
cat "$summary"

if ((service_errors + floor_errors + soak_errors > 0)); then
  die "errors under load (see $out/service.log)"
fi
if ((strict == 1)) && ((ok_ratio + ok_rss + ok_first < 3)); then
  die "a target was missed (--strict)"
fi
