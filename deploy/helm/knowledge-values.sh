#!/usr/bin/env bash
# Writes a values file that serves a cds-cards folder from the chart's knowledge ConfigMap:
#
#   deploy/helm/knowledge-values.sh cds-cards > knowledge.values.yaml
#   helm upgrade --install cds deploy/helm/cds-hooks -f my.values.yaml -f knowledge.values.yaml
#
# Every *.yaml file of the folder (manifest, concepts, evidence, order templates, rules/*.yaml) becomes one
# entry of knowledge.configMap.files keyed by its path relative to the folder; the chart stores "rules/x.yaml"
# under the key "rules__x.yaml" and mounts it back at rules/x.yaml. A ConfigMap holds at most 1 MiB.
set -euo pipefail

folder="${1:?usage: knowledge-values.sh CDS_CARDS_FOLDER}"
[[ -f "$folder/manifest.yaml" ]] || { echo "$folder has no manifest.yaml: not a cds-cards folder" >&2; exit 1; }

# "|2": the content is indented two spaces deeper than its key, stated, so that a file whose first line is
# indented still reads right.
printf 'knowledge:\n  configMap:\n    enabled: true\n    files:\n'
find "$folder" -type f -name '*.yaml' -printf '%P\n' | LC_ALL=C sort | while read -r path; do
  printf '      "%s": |2\n' "$path"
  sed 's/^/        /' "$folder/$path"
  # A file without a final newline would join the next key's line.
  [[ -z "$(tail -c 1 "$folder/$path")" ]] || printf '\n'
done
