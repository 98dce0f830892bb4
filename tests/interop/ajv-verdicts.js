// Prints ajv's verdict on every body of the schema corpus, one line a file:
// "<file> valid" or "<file> invalid", so that test_schema_ajv.sh can compare
// it with `itaku validate`. Usage: node ajv-verdicts.js SCHEMA-DIR CORPUS-DIR
"use strict";
const fs = require("fs");
const path = require("path");
const Ajv2020 = require("ajv/dist/2020").default;
const addFormats = require("ajv-formats").default;

function schemaFor(schemaDir, type) {
  // the newest version, as `itaku validate` outside a registry uses
  const versions = fs
    .readdirSync(schemaDir)
    .map((n) => n.match(new RegExp(`^${type}\\.v(\\d+)\\.schema\\.json$`)))
    .filter((m) => m)
    .map((m) => Number(m[1]));
  const file = path.join(schemaDir, `${type}.v${Math.max(...versions)}.schema.json`);
  // strict mode refuses unknown keywords and formats, as itaku does
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv, ["date", "date-time"]);
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
