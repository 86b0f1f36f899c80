#!/usr/bin/env node
// Lint Cypher statements with Neo4j's own language support (@neo4j-cypher/language-support).
//
// Why a script and not a library call from Python: the linter is Neo4j's TypeScript
// implementation (the one behind the VS Code extension and Neo4j's query tools), so the
// check is Neo4j's own reading of each statement, not a re-implementation of it.
//
// stdin (JSON):
//   {"statements": [{"name": "MERGE_NODES.Paper", "query": "UNWIND ..."}],
//    "schema": {"labels": [...], "relationshipTypes": [...], "propertyKeys": [...]},
//    "versions": ["CYPHER 5", "CYPHER 25"]}
// stdout (JSON):
//   {"package": "<name>@<version>", "results": [{"name", "version", "diagnostics": [
//      {"severity": "error" | "warning" | "information" | "hint", "message", "line", "column", "offsets"}]}]}
//
// Function and procedure existence is checked against the catalog dump that ships with
// the package (`testData.mockSchema`: a real Neo4j instance with APOC and GDS), so an
// unknown or misspelled function is an error, as it would be on a server.
// `node lint.mjs --procedures` prints that catalog's procedure names and modes instead,
// so the console guard's allowlist can be checked against Neo4j's own READ/WRITE modes.

import { readFileSync } from 'node:fs';
import { isNotParamError, lintCypherQuery, testData } from '@neo4j-cypher/language-support';

const SEVERITY = { 1: 'error', 2: 'warning', 3: 'information', 4: 'hint' };
// The package's `exports` hide its package.json, so read the installed copy directly.
const pkg = JSON.parse(
  readFileSync(new URL('./node_modules/@neo4j-cypher/language-support/package.json', import.meta.url), 'utf8'),
);
const catalog = testData.mockSchema;

function procedureModes() {
  const out = {};
  for (const [version, procedures] of Object.entries(catalog.procedures)) {
    out[version] = Object.fromEntries(Object.values(procedures).map((p) => [p.name, p.mode]));
  }
  return out;
}

function lint(request) {
  const versions = request.versions ?? ['CYPHER 5', 'CYPHER 25'];
  const results = [];
  for (const version of versions) {
    const schema = {
      ...(request.schema ?? {}),
      functions: catalog.functions,
      procedures: catalog.procedures,
      defaultLanguage: version,
    };
    for (const { name, query } of request.statements) {
      const { diagnostics } = lintCypherQuery(query, schema);
      results.push({
        name,
        version,
        // Parameters are bound by the driver at run time; the linter cannot know them.
        diagnostics: diagnostics.filter(isNotParamError).map((d) => ({
          severity: SEVERITY[d.severity] ?? String(d.severity),
          message: d.message,
          line: d.range.start.line + 1,
          column: d.range.start.character + 1,
          offsets: d.offsets,
        })),
      });
    }
  }
  return { package: `${pkg.name}@${pkg.version}`, results };
}

if (process.argv.includes('--procedures')) {
  process.stdout.write(JSON.stringify({ package: `${pkg.name}@${pkg.version}`, modes: procedureModes() }));
} else {
  const request = JSON.parse(readFileSync(0, 'utf8'));
  process.stdout.write(JSON.stringify(lint(request)));
}
