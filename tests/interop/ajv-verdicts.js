// Prints ajv's verdict on every body of the schema corpus, one line a file:
// "<file> valid" or "<file> invalid", so that test_schema_ajv.sh can compare
// it with `itaku validate`. Usage: node ajv-verdicts.js SCHEMA-DIR CORPUS-DIR
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

// itaku's own keyword (schemas v2 on): "x-itaku-text": "no-controls" refuses
// a C0 control other than tab, LF and CR, DEL, a C1 control and a
// bidirectional control in any string or field name below it.
const REFUSED = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u202A-\u202E\u2066-\u2069]/;
function noControls(v) {
  if (typeof v === "string") return !REFUSED.test(v);
  if (Array.isArray(v)) return v.every(noControls);
  if (v && typeof v === "object")
    return Object.entries(v).every(([k, x]) => !REFUSED.test(k) && noControls(x));
  return true;
}

// The versions of type the folder holds, oldest first.
function versionsOf(schemaDir, type) {
  return fs
    .readdirSync(schemaDir)
    .map((n) => n.match(new RegExp(`^${type}\\.v(\\d+)\\.schema\\.json$`)))
    .filter((m) => m)
    .map((m) => Number(m[1]))
    .sort((x, y) => x - y);
}

// version: a number; by default the newest, as `itaku validate` outside a
// registry uses
function schemaFor(schemaDir, type, version = Math.max(...versionsOf(schemaDir, type))) {
  const file = path.join(schemaDir, `${type}.v${version}.schema.json`);
  // strict mode refuses unknown keywords and formats, as itaku does
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv, ["date", "date-time"]);
  ajv.addKeyword({
    keyword: "x-itaku-text",
    schemaType: "string",
    validate: (mode, data) => mode === "no-controls" && noControls(data),
  });
  try {
    return ajv.compile(JSON.parse(fs.readFileSync(file, "utf8")));
  } catch (e) {
    throw new Error(`${file}: ${e.message}`);
  }
}

function main() {
  const [schemaDir, corpusDir] = process.argv.slice(2);
  if (!schemaDir || !corpusDir) {
    console.error("usage: node ajv-verdicts.js SCHEMA-DIR CORPUS-DIR");
    process.exit(2);
  }
  for (const type of fs.readdirSync(corpusDir).sort()) {
    const validate = schemaFor(schemaDir, type);
    // every version must compile in strict mode too
    for (const v of versionsOf(schemaDir, type)) schemaFor(schemaDir, type, v);
    for (const verdict of ["valid", "invalid"]) {
      const dir = path.join(corpusDir, type, verdict);
      if (!fs.existsSync(dir)) continue;
      for (const name of fs.readdirSync(dir).filter((n) => n.endsWith(".json")).sort()) {
        const file = path.join(corpusDir, type, verdict, name);
        const body = JSON.parse(fs.readFileSync(file, "utf8"));
        const ok = validate(body);
        console.log(`${path.join(type, verdict, name)} ${ok ? "valid" : "invalid"}`);
        if (process.env.AJV_VERBOSE && !ok) console.log(JSON.stringify(validate.errors));
      }
    }
  }
}

main();
