// Validates JSON files against a JSON Schema (2020-12) with ajv in strict
// mode, for test_json_schemas.sh. Prints "<file> valid" or "<file> invalid"
// and ajv's errors; exits 1 when any file is invalid, 2 on a bad schema or
// a file that is not JSON. Usage: node ajv-validate.js SCHEMA FILE...
"use strict";
const fs = require("fs");
const Ajv2020 = require("ajv/dist/2020").default;

function main() {
  const [schemaFile, ...files] = process.argv.slice(2);
  if (!schemaFile || files.length === 0) {
    console.error("usage: node ajv-validate.js SCHEMA FILE...");
    process.exit(2);
  }
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  let validate;
  try {
    validate = ajv.compile(JSON.parse(fs.readFileSync(schemaFile, "utf8")));
  } catch (e) {
    console.error(`${schemaFile}: ${e.message}`);
    process.exit(2);
  }
  let bad = 0;
  for (const file of files) {
    let data;
    try {
      data = JSON.parse(fs.readFileSync(file, "utf8"));
    } catch (e) {
      console.error(`${file}: not JSON: ${e.message}`);
      process.exit(2);
    }
    if (validate(data)) {
      console.log(`${file} valid`);
    } else {
      bad = 1;
      console.log(`${file} invalid`);
      for (const err of validate.errors) {
        console.log(`  ${err.instancePath || "/"} ${err.message} ${JSON.stringify(err.params)}`);
      }
    }
  }
  process.exit(bad);
}

main();
