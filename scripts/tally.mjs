#!/usr/bin/env node
// `pnpm tally ...`: practice administration (which opens the database) goes to apps/api/src/cli.ts;
// everything else to the pure rules CLI in packages/rules/src/cli.ts. Run by scripts/node24.mjs.
const [area] = process.argv.slice(2);
if (!area || area === "--help" || area === "help") {
  process.stdout.write(`usage:
  tally simulate FILE.json                 run a scenario through the rules engine, print JSON
  tally check FILE.rules                   check a rule set, print diagnostics [--catalog a,b,c]
  tally practice create|list|default ...   practice administration (tally practice --help)
`);
  process.exit(area ? 0 : 2);
}
const entry = area === "practice" ? "../apps/api/src/cli.ts" : "../packages/rules/src/cli.ts";
await import(new URL(entry, import.meta.url).href);
