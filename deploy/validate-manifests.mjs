// Checks rendered Kubernetes manifests (helm template output) against the API schemas, offline:
//   node deploy/validate-manifests.mjs NODE_MODULES_DIR FILE...
// 1. each document's model from the npm package kubernetes-models (apiVersion/kind -> its class), .validate():
//    types, enums, required fields;
// 2. unknown fields, which .validate() lets through (a misspelt "readinesProbe" would be silently ignored
//    by the API server's non-strict decoding): every key is looked up in the field lists of the package's
//    TypeScript declarations (interface IXxx { "field"?: Type }), following nested types, arrays and maps.
// Exits 1 on any error, listing every error of every document.
import { createRequire } from "node:module";
import { readFileSync, readdirSync, statSync } from "node:fs";
import { join } from "node:path";

const [modulesDir, ...files] = process.argv.slice(2);
if (!modulesDir || files.length === 0) {
  console.error("usage: node validate-manifests.mjs NODE_MODULES_DIR FILE...");
  process.exit(2);
}
const require = createRequire(join(modulesDir, "noop.js"));
const YAML = require("yaml");

// interface name (IIoK8s..., as exported) -> Map(field -> type text)
const interfaces = new Map();
function readDeclarations(dir) {
  for (const entry of readdirSync(dir)) {
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) { readDeclarations(path); continue; }
    if (!entry.endsWith(".d.ts")) continue;
    const text = readFileSync(path, "utf8");
    const alias = /export \{ (I\w+) as (IIoK8s\w+)/.exec(text);
    const body = alias && new RegExp(`export interface ${alias[1]}(?: extends [\\w, ]+)? \\{([\\s\\S]*?)\\n\\}`).exec(text);
    if (!body) continue;
    // Comments out, whitespace collapsed: a map field's type spans lines ("labels"?: { [key: string]: string; }).
    const flat = body[1].replace(/\/\*\*[\s\S]*?\*\//g, "").replace(/\s+/g, " ");
    const fields = new Map();
    for (const m of flat.matchAll(/"([^"]+)"\??: (.*?);(?= "[^"]+"\??: |\s*$)/g)) fields.set(m[1], m[2]);
    interfaces.set(alias[2], fields);
  }
}
readDeclarations(join(modulesDir, "kubernetes-models"));
readDeclarations(join(modulesDir, "@kubernetes-models", "apimachinery"));

function unknownFields(value, typeText, path, errors) {
  const ref = /IIoK8s\w+/.exec(typeText ?? "");
  if (!ref || value === null || typeof value !== "object") return;
  if (Array.isArray(value)) {
    if (typeText.startsWith("Array<")) value.forEach((v, i) => unknownFields(v, ref[0], `${path}[${i}]`, errors));
    return;
  }
  if (/^\{ ?\[key: string\]/.test(typeText)) {
    for (const [k, v] of Object.entries(value)) unknownFields(v, ref[0], `${path}.${k}`, errors);
    return;
  }
  const fields = interfaces.get(ref[0]);
  if (!fields) return; // a type alias (IntOrString, Quantity, RawExtension): nothing to look into
  for (const [key, v] of Object.entries(value)) {
    if (!fields.has(key)) errors.push(`${path}.${key}: unknown field (not in ${ref[0].replace(/^IIoK8s/, "")})`);
    else unknownFields(v, fields.get(key), `${path}.${key}`, errors);
  }
}

let documents = 0;
let failed = 0;
for (const file of files) {
  for (const doc of YAML.parseAllDocuments(readFileSync(file, "utf8"))) {
    if (doc.errors.length > 0) {
      failed++;
      console.error(`${file}: YAML error: ${doc.errors.map((e) => e.message).join("; ")}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null || object === undefined) continue;
    documents++;
    const name = `${file}: ${object.kind}/${object.metadata?.name}`;
    let Model;
    try {
      Model = require(`kubernetes-models/${object.apiVersion}/${object.kind}`)[object.kind];
    } catch {
      failed++;
      console.error(`${name}: no schema for apiVersion ${object.apiVersion} kind ${object.kind}`);
      continue;
    }
    const errors = [];
    try {
      new Model(object).validate();
    } catch (e) {
      errors.push(...(e.errors ?? [{ message: e.message }]).map((x) => `${x.instancePath || ""} ${x.message}`.trim()));
    }
    const declaration = readFileSync(join(modulesDir, "kubernetes-models", object.apiVersion, `${object.kind}.d.ts`), "utf8");
    const typeName = /export \{ I\w+ as (IIoK8s\w+)/.exec(declaration)?.[1];
    if (typeName && interfaces.has(typeName)) unknownFields(object, typeName, object.kind, errors);
    else errors.push("no field list found for the unknown-field check");
    if (errors.length > 0) {
      failed++;
      for (const e of errors) console.error(`${name}: ${e}`);
    } else {
      console.log(`ok  ${name}`);
    }
  }
}
console.log(`${documents} manifest(s) checked, ${failed} with errors`);
process.exit(failed > 0 || documents === 0 ? 1 : 0);
