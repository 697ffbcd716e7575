#!/usr/bin/env bash
# Builds the service image (deploy/Dockerfile) on this machine and smoke-tests it (issue #15, verification):
#   1. stand-in base images: no registry is reachable here, so mcr.microsoft.com/dotnet/aspnet:10.0 and
#      sdk:10.0 are made locally (debootstrap bookworm minbase + this machine's /usr/share/dotnet), once, and
#      kept in podman's store; the SDK stand-in trusts this machine's extra CAs and sets
#      NUGET_CERT_REVOCATION_MODE=offline, so the committed Dockerfile stays free of host-specific steps;
#   2. podman build --format docker --pull=never --network host (docker format keeps the HEALTHCHECK);
#   3. runs the image read-only (tmpfs on /tmp, a fresh volume on /app/data), published on 127.0.0.1:18080 only, in
#      Development (authentication off), waits for GET /health/ready, checks discovery and one order-sign call
#      from fhir-fixtures/ (full prefetch, no FHIR read) that must come back with its warning card, runs the
#      image's HEALTHCHECK, stops the container with SIGTERM and times the stop;
#   4. runs it again as Production with a trusted client (a static JWKS made here): ready, discovery public,
#      a hook call without a token gets 401;
#   5. runs it on knowledge mounted the way the kubelet mounts a ConfigMap (..data symlinks), then on broken
#      knowledge, which must stop the container at start-up without ever being ready.
#
#   deploy/verify.sh                 # as root; first run ~8 min (debootstrap), later runs ~2-3 min
#   deploy/verify.sh --rebuild-base  # make the stand-in base images again
#
# Needs root, apt (podman, buildah, runc, debootstrap are installed when missing), curl, jq, openssl.
# Not for CI: it needs a container runtime and minutes of debootstrap. Nothing listens beyond 127.0.0.1.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
image=localhost/cds-hooks:verify
port=18080
name=cds-hooks-verify
fixture=r01-tdm1-letrozole-rxnorm-ingredient-sign
cache=/var/cache/cds-hooks-verify
rebuild_base=0
[[ "${1:-}" == "--rebuild-base" ]] && rebuild_base=1

log() { printf '[verify %s] %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }
now_ms() { date +%s%3N; }

[[ "$(id -u)" -eq 0 ]] || fail "run as root (podman rootful, debootstrap)"

# --- tools -------------------------------------------------------------------------------------------
missing=()
for tool in podman buildah runc debootstrap curl jq openssl; do
  command -v "$tool" >/dev/null || missing+=("$tool")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  log "installing podman buildah runc debootstrap (missing: ${missing[*]})"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends podman buildah runc \
    golang-github-containernetworking-plugin-dnsname debootstrap curl jq openssl >/dev/null
fi
# Podman's default runtime (crun) fails on this machine (ENVIRONMENT.md): use runc.
if ! grep -qs 'runtime *= *"runc"' /etc/containers/containers.conf; then
  log "writing /etc/containers/containers.conf (runc, cgroupfs)"
  mkdir -p /etc/containers
  cat >/etc/containers/containers.conf <<'CONF'
[containers]
default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
CONF
fi

# --- stand-in base images ----------------------------------------------------------------------------
aspnet=mcr.microsoft.com/dotnet/aspnet:10.0
sdk=mcr.microsoft.com/dotnet/sdk:10.0
if [[ $rebuild_base -eq 1 ]] || ! podman image exists "$aspnet" || ! podman image exists "$sdk"; then
  start=$(now_ms)
  mkdir -p "$cache"
  if [[ $rebuild_base -eq 1 || ! -f "$cache/rootfs/.complete" ]]; then
    log "debootstrap bookworm minbase into $cache/rootfs (about 3 min)"
    rm -rf "$cache/rootfs"
    debootstrap --variant=minbase --include=ca-certificates,libicu72,libssl3,zlib1g,libstdc++6 \
      bookworm "$cache/rootfs" >"$cache/debootstrap.log" 2>&1 || fail "debootstrap (see $cache/debootstrap.log)"
    touch "$cache/rootfs/.complete"
  fi
  work="$(mktemp -d)"
  # The official images' non-root user: app, UID/GID 1654, announced as APP_UID.
  mk_rootfs() { # $1 target, $2 "runtime" or "sdk"
    cp -a "$cache/rootfs/." "$1/"
    rm -f "$1/.complete"
    mkdir -p "$1/usr/share/dotnet"
    if [[ "$2" == sdk ]]; then
      cp -a /usr/share/dotnet/. "$1/usr/share/dotnet/"
      # The machine's egress CA, so that dotnet restore inside the build reaches NuGet.
      cp /usr/local/share/ca-certificates/*.crt "$1/usr/local/share/ca-certificates/" 2>/dev/null || true
      chroot "$1" update-ca-certificates >/dev/null 2>&1
    else
      cp -a /usr/share/dotnet/dotnet /usr/share/dotnet/host /usr/share/dotnet/shared "$1/usr/share/dotnet/"
    fi
    ln -sf /usr/share/dotnet/dotnet "$1/usr/bin/dotnet"
    grep -q '^app:' "$1/etc/group" || echo 'app:x:1654:' >>"$1/etc/group"
    grep -q '^app:' "$1/etc/passwd" || echo 'app:x:1654:1654::/home/app:/bin/sh' >>"$1/etc/passwd"
    mkdir -p "$1/home/app" && chown 1654:1654 "$1/home/app"
  }
  mkdir "$work/aspnet" "$work/sdk"
  mk_rootfs "$work/aspnet" runtime
  mk_rootfs "$work/sdk" sdk
  common=(--change 'ENV APP_UID=1654' --change 'ENV ASPNETCORE_HTTP_PORTS=8080'
          --change 'ENV DOTNET_RUNNING_IN_CONTAINER=true' --change 'ENV DOTNET_ROOT=/usr/share/dotnet'
          --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin')
  tar -C "$work/aspnet" -c . | podman import "${common[@]}" - "$aspnet" >/dev/null
  tar -C "$work/sdk" -c . | podman import "${common[@]}" --change 'ENV NUGET_CERT_REVOCATION_MODE=offline' - "$sdk" >/dev/null
  rm -rf "$work"
  log "stand-in base images ready in $(( ($(now_ms) - start) / 1000 )) s"
else
  log "stand-in base images already present ($aspnet, $sdk)"
fi

# --- build -------------------------------------------------------------------------------------------
log "building $image from deploy/Dockerfile"
start=$(now_ms)
podman build --format docker --pull=never --network host -f "$repo/deploy/Dockerfile" -t "$image" "$repo" \
  >"$cache/build.log" 2>&1 || { tail -40 "$cache/build.log"; fail "image build (log: $cache/build.log)"; }
log "built in $(( ($(now_ms) - start) / 1000 )) s; image size $(podman image inspect --format '{{.Size}}' "$image" | awk '{printf "%.0f MB", $1/1e6}')"
log "image user $(podman image inspect --format '{{.Config.User}}' "$image"), healthcheck: $(podman image inspect --format '{{if .Config.Healthcheck}}present{{else}}MISSING{{end}}' "$image" 2>/dev/null || echo '?')"

cleanup() {
  podman rm -f -t 2 "$name" >/dev/null 2>&1 || true
  podman volume rm -f "$name-data" >/dev/null 2>&1 || true
}
trap cleanup EXIT

# run_container [podman run args...]: read-only root; /tmp a tmpfs; /app/data a fresh named volume, which
# podman fills from the image and so owns by app (a podman tmpfs there would be root's, 0750, whatever
# mode= says; Kubernetes uses an emptyDir with fsGroup instead).
run_container() {
  cleanup
  podman run -d --name "$name" --read-only \
    --tmpfs /tmp:rw,mode=1777 -v "$name-data:/app/data" \
    -p "127.0.0.1:$port:8080" "$@" "$image" >/dev/null
}

wait_ready() { # prints ms until /health/ready answered 200
  local t0 code
  t0=$1
  for _ in $(seq 1 240); do
    code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)
    if [[ "$code" == 200 ]]; then echo $(( $(now_ms) - t0 )); return 0; fi
    if [[ "$(podman inspect --format '{{.State.Running}}' "$name")" != true ]]; then
      podman logs "$name" | tail -20 >&2; return 1
    fi
    sleep 0.25
  done
  podman logs "$name" | tail -20 >&2
  return 1
}

# --- 1. Development: discovery and one hook call -----------------------------------------------------
log "run 1: Development (authentication off), --read-only, 127.0.0.1:$port"
t0=$(now_ms)
run_container -e ASPNETCORE_ENVIRONMENT=Development
ready_ms=$(wait_ready "$t0") || fail "not ready within 60 s"
log "ready after ${ready_ms} ms (from podman run to /health/ready 200): $(curl -s "http://127.0.0.1:$port/health/ready")"
log "GET /health: $(curl -s "http://127.0.0.1:$port/health")"
discovery=$(curl -sf "http://127.0.0.1:$port/cds-services") || fail "GET /cds-services"
log "discovery: $(jq -c '[.services[] | {id, hook}]' <<<"$discovery")"
jq -e '.services[] | select(.id == "triple-positive-order-sign")' <<<"$discovery" >/dev/null || fail "order-sign service missing"
answer=$(curl -s -w '\n%{http_code} %{time_total}' -X POST "http://127.0.0.1:$port/cds-services/triple-positive-order-sign" \
  -H 'Content-Type: application/json' --data-binary "@$repo/fhir-fixtures/$fixture/request.json")
status_line=$(tail -1 <<<"$answer"); body=$(sed '$d' <<<"$answer")
log "POST $fixture: HTTP ${status_line% *}, ${status_line#* } s; cards: $(jq -c '[.cards[] | {indicator, summary, suggestions: (.suggestions // [] | length)}]' <<<"$body")"
[[ "${status_line% *}" == 200 ]] || fail "hook call status ${status_line% *}"
jq -e '.cards[] | select(.indicator == "warning" and (.summary | test("letrozole")))' <<<"$body" >/dev/null \
  || fail "the T-DM1 + letrozole warning card did not come back"
if podman healthcheck run "$name" >/dev/null 2>&1; then log "image HEALTHCHECK: healthy"; else log "image HEALTHCHECK: FAILED"; fi
podman exec "$name" sh -c 'touch /app/should-fail 2>/dev/null && echo "root filesystem WRITABLE" || echo "root filesystem read-only"; ls -ld /app/data; id' \
  | while read -r line; do log "in container: $line"; done
t1=$(now_ms)
podman stop -t 30 "$name" >/dev/null
log "stopped (SIGTERM, drain included) in $(( $(now_ms) - t1 )) ms; exit code $(podman inspect --format '{{.State.ExitCode}}' "$name")"
podman logs "$name" 2>&1 | tail -3 | cut -c1-300 | while read -r line; do log "last log: $line"; done

# --- 2. Production: a trusted client with a static JWKS ----------------------------------------------
log "run 2: Production, one trusted client with a static ES384 JWKS"
key="$(mktemp)"
openssl ecparam -name secp384r1 -genkey -noout -out "$key" 2>/dev/null
point=$(openssl ec -in "$key" -pubout -outform DER 2>/dev/null | tail -c 96 | od -An -v -tx1 | tr -d ' \n')
rm -f "$key"
# Hex to bytes without xxd (not on a minimal Debian): every byte pair becomes a \xHH escape for printf.
# shellcheck disable=SC2001  # a backreference, which ${var//pattern/replacement} cannot express
b64url() { local hex; hex=$(cat); printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0 | tr '+/' '-_' | tr -d '='; }
x=$(printf '%s' "${point:0:96}" | b64url); y=$(printf '%s' "${point:96:96}" | b64url)
jwks=$(jq -cn --arg x "$x" --arg y "$y" '{keys: [{kty: "EC", crv: "P-384", x: $x, y: $y, kid: "verify-1", use: "sig", alg: "ES384"}]}')
t0=$(now_ms)
run_container -e ASPNETCORE_ENVIRONMENT=Production \
  -e Authentication__PublicBaseUrl=https://cds.example.org \
  -e Authentication__TrustedClients__0__Issuer=https://ehr.example.org \
  -e "Authentication__TrustedClients__0__Jwks=$jwks"
ready_ms=$(wait_ready "$t0") || fail "Production: not ready"
log "Production ready after ${ready_ms} ms"
code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/cds-services")
log "Production GET /cds-services without a token: $code (public discovery)"
[[ "$code" == 200 ]] || fail "Production discovery $code"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/cds-services/triple-positive-order-sign" \
  -H 'Content-Type: application/json' --data-binary "@$repo/fhir-fixtures/$fixture/request.json")
log "Production POST hook without a token: $code"
[[ "$code" == 401 ]] || fail "Production hook call without a token answered $code, not 401"

# --- 3. Knowledge from a mounted folder laid out as the kubelet mounts a ConfigMap --------------------------
# The kubelet writes the files under a timestamped directory, points ..data at it and links each top-level
# entry through ..data (rules -> ..data/rules): the same tree is built here from cds-cards/ (what
# knowledge-values.sh feeds the chart; check.sh shows the rendered items rebuild exactly that tree).
log "run 3: knowledge from a ConfigMap-like mount (..data symlinks), CdsService__KnowledgePath"
knowledge="$(mktemp -d)"
stamp="..2026_12_03_00_00_00.000000000"
mkdir -p "$knowledge/$stamp"
cp -r "$repo/cds-cards/." "$knowledge/$stamp/"
rm -f "$knowledge/$stamp/README.md"
ln -s "$stamp" "$knowledge/..data"
for entry in "$knowledge/$stamp"/*; do ln -s "..data/$(basename "$entry")" "$knowledge/$(basename "$entry")"; done
chmod -R a+rX "$knowledge"
t0=$(now_ms)
run_container -e ASPNETCORE_ENVIRONMENT=Development -e CdsService__KnowledgePath=/etc/cds-hooks/knowledge \
  -v "$knowledge:/etc/cds-hooks/knowledge:ro"
ready_ms=$(wait_ready "$t0") || fail "knowledge mount: not ready"
health=$(curl -s "http://127.0.0.1:$port/health")
log "mounted knowledge: ready after ${ready_ms} ms: $health"
[[ "$(jq .rules <<<"$health")" -eq "$(find "$repo/cds-cards/rules" -name '*.yaml' | wc -l)" ]] || fail "rules missing from the mounted knowledge"

# --- 4. Invalid knowledge: the service must stop at start-up, never become ready -----------------------
log "run 4: invalid knowledge (a rule file that is no rule) must stop start-up"
cat >"$knowledge/$stamp/rules/zz-broken.yaml" <<'RULE'
id: zz-broken
this-is: not a rule
RULE
run_container -e ASPNETCORE_ENVIRONMENT=Development -e CdsService__KnowledgePath=/etc/cds-hooks/knowledge \
  -v "$knowledge:/etc/cds-hooks/knowledge:ro"
exit_code=""
for _ in $(seq 1 60); do
  if [[ "$(podman inspect --format '{{.State.Running}}' "$name")" != true ]]; then
    exit_code=$(podman inspect --format '{{.State.ExitCode}}' "$name"); break
  fi
  code=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/health/ready" || true)
  [[ "$code" != 200 ]] || fail "invalid knowledge: the service became ready"
  sleep 0.5
done
[[ -n "$exit_code" && "$exit_code" != 0 ]] || fail "invalid knowledge: the container did not stop with an error"
log "invalid knowledge: container exited with code $exit_code, never ready; its reason:"
podman logs "$name" 2>&1 | grep -m 3 -iE 'knowledge|zz-broken' | cut -c1-300 | while read -r line; do log "  $line"; done
rm -rf "$knowledge"
cleanup
log "PASS"
