#!/bin/sh
# One-shot loader for the compose pilot: waits for the HAPI FHIR server, then loads the patient data of some
# fhir-fixtures/ scenarios into it, so that a hook call naming that patient and fhirServer (without prefetch)
# makes the service read the chart from HAPI.
#
# A fixture is a CDS Hooks request; its prefetch holds the chart (Patient, Conditions, Observations,
# MedicationRequests/-Statements/-Administrations, as resources or searchset Bundles). Every resource with an id
# is PUT (FHIR batch, one per fixture) under a new id "<fixture>-<id>" (cut to FHIR's 64 characters), and every
# relative reference is rewritten the same way: the fixtures reuse ids such as Patient/pat-1, so each needs its
# own. Draft orders (context.draftOrders) are not loaded: they are what the EHR sends in the hook call.
# Dates are left as written (the fixtures are written for 2026-11-20).
#
#   FHIR_BASE   the server's base URL (default http://hapi:8080/fhir)
#   FIXTURES    fixture folder names, space separated, or "all" (default: the demo page's five patients)
#   FIXTURE_DIR where fhir-fixtures/ is mounted (default /fixtures)
#   WAIT_SECONDS how long to wait for the server (default 300: HAPI takes one to two minutes to start)
#
# POSIX sh with curl and jq (see Dockerfile beside it).
set -eu

base="${FHIR_BASE:-http://hapi:8080/fhir}"
dir="${FIXTURE_DIR:-/fixtures}"
wait_seconds="${WAIT_SECONDS:-300}"
fixtures="${FIXTURES:-s11-hp-letrozole-bone-only s2-letrozole-added-to-hp-maintenance-after-docetaxel r5-tdm1-second-line-after-hp-administrations r8-01-platelets-49000 r11-hp-letrozole-liver-first-line-sign}"

echo "waiting up to ${wait_seconds}s for $base/metadata"
waited=0
until curl -sf -o /dev/null "$base/metadata"; do
  if [ "$waited" -ge "$wait_seconds" ]; then
    echo "FHIR server not answering after ${wait_seconds}s" >&2
    exit 1
  fi
  sleep 5
  waited=$((waited + 5))
done
echo "FHIR server up after ~${waited}s"

if [ "$fixtures" = all ]; then
  fixtures=$(cd "$dir" && for f in */request.json; do dirname "$f"; done)
fi

# The fixture's request -> a FHIR batch Bundle of PUTs with renamed ids and references.
# shellcheck disable=SC2016  # a jq program: $p is jq's variable, not the shell's
to_batch='
  def newid($p): ($p + "-" + .) | .[0:64];
  def relref: type == "string" and test("^[A-Z][A-Za-z]+/[A-Za-z0-9.-]{1,64}$");
  [ (.prefetch // {}) | .[] | select(type == "object")
    | if .resourceType == "Bundle" then (.entry // [])[] | .resource else . end
    | select(type == "object" and (.id | type) == "string" and .resourceType != "OperationOutcome") ]
  | unique_by(.resourceType + "/" + .id)
  | map(.id |= newid($p)
        | del(.meta.versionId, .meta.lastUpdated)
        | walk(if type == "object" and (.reference | relref)
               then .reference |= (split("/") | .[0] + "/" + (.[1] | newid($p)))
               else . end))
  | { resourceType: "Bundle", type: "batch",
      entry: map({ resource: ., request: { method: "PUT", url: (.resourceType + "/" + .id) } }) }'

failed=0
for fixture in $fixtures; do
  request="$dir/$fixture/request.json"
  if [ ! -f "$request" ]; then
    echo "$fixture: no request.json, skipped" >&2
    failed=$((failed + 1))
    continue
  fi
  batch=$(jq -c --arg p "$fixture" "$to_batch" "$request") || { echo "$fixture: not readable JSON, skipped" >&2; continue; }
  count=$(printf '%s' "$batch" | jq '.entry | length')
  [ "$count" -gt 0 ] || { echo "$fixture: no prefetch resources"; continue; }
  answer=$(printf '%s' "$batch" | curl -sS -X POST "$base" -H 'Content-Type: application/fhir+json' --data-binary @-) || {
    echo "$fixture: POST failed" >&2; failed=$((failed + 1)); continue; }
  ok=$(printf '%s' "$answer" | jq '[.entry[]?.response.status | select(startswith("200") or startswith("201"))] | length')
  patient=$(printf '%s' "$batch" | jq -r '[.entry[].resource | select(.resourceType == "Patient") | .id][0] // "-"')
  echo "$fixture: $ok/$count resources stored; patientId $patient"
  [ "$ok" -eq "$count" ] || failed=$((failed + 1))
done

echo "Try: POST a fixture's request with \"fhirServer\": \"$base\", its prefetch removed and"
echo "context.patientId set to a patientId above; the service then reads the chart from this server."
[ "$failed" -eq 0 ]
