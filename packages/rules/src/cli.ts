#!/usr/bin/env node
// tally simulate FILE.json | tally check FILE.rules
// simulate prints exactly one JSON document on stdout (exit 1 when the rules have errors,
// 2 when the file is unusable); check prints diagnostics for people.
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { check, hasErrors } from "./check/check.ts";
import { formatDiagnostic } from "./diagnostics/diagnostic.ts";
import { ScenarioError } from "./simulate/scenario.ts";
import { simulate } from "./simulate/simulate.ts";

const usage = `usage:
  tally simulate FILE.json   run a scenario, print the result as JSON
  tally check FILE.rules     check a rule set, print diagnostics [--catalog a,b,c]`;

function fail(message: string, code: number): never {
  process.stderr.write(`${message}\n`);
  process.exit(code);
}

function read(file: string | undefined): { path: string; text: string } {
  if (!file) fail(usage, 2);
  // pnpm runs scripts from the workspace root; INIT_CWD is where the user typed the command.
  const path = resolve(process.env.INIT_CWD ?? process.cwd(), file);
  try {
    return { path, text: readFileSync(path, "utf8") };
  } catch (err) {
    fail(`cannot read ${path}: ${(err as Error).message}`, 2);
  }
}

function main(argv: string[]): void {
  const [command, file, ...rest] = argv;
  if (command === "simulate") {
    const { path, text } = read(file);
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (err) {
      fail(`${path} is not valid JSON: ${(err as Error).message}`, 2);
    }
    try {
      const result = simulate(json);
      process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
      process.exitCode = "errors" in result ? 1 : 0;
    } catch (err) {
      if (err instanceof ScenarioError) fail(`${path}: ${err.message}`, 2);
      throw err;
    }
    return;
  }
  if (command === "check") {
    const { path, text } = read(file);
    const catalogAt = rest.indexOf("--catalog");
    const catalog = catalogAt >= 0 ? (rest[catalogAt + 1] ?? "").split(",").filter(Boolean) : undefined;
    const result = check(text, catalog ? { catalog } : {});
    for (const d of result.diagnostics) process.stdout.write(`${formatDiagnostic(text, d, path)}\n\n`);
    const errors = result.diagnostics.filter((d) => d.severity === "error").length;
    const warnings = result.diagnostics.length - errors;
    if (hasErrors(result.diagnostics)) {
      process.stdout.write(
        `${errors} error${errors === 1 ? "" : "s"}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}\n`,
      );
      process.exitCode = 1;
    } else {
      const n = result.ast.rules.length;
      process.stdout.write(`ok: ${n} rule${n === 1 ? "" : "s"}${warnings ? `, ${warnings} warning${warnings === 1 ? "" : "s"}` : ""}\n`);
    }
    return;
  }
  fail(usage, 2);
}

main(process.argv.slice(2));
