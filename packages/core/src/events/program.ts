// What the engine runs for a practice right now: its active rule set version compiled with the
// practice's status, timezone and eligible codes. Compiled programs are cached per version and
// settings (a program is immutable once compiled).

import { eligibleItems, practices, ruleSetVersions, type Tx } from "@tally/db";
import { and, eq } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { notFound } from "../verb.ts";
import { compileSource, type Program } from "./engine.ts";

export interface PipelineSetup {
  practice: typeof practices.$inferSelect;
  versionId: string | null;
  program: Program;
}

const cache = new Map<string, Program>();

/** Eligible codes: every code when the practice has not listed any, else the enabled ones. */
export async function loadEligible(db: Tx | Ctx["db"], practiceId: string): Promise<"all" | string[]> {
  const rows = await db
    .select({ code: eligibleItems.code, enabled: eligibleItems.enabled })
    .from(eligibleItems)
    .where(eq(eligibleItems.practiceId, practiceId));
  if (rows.length === 0) return "all";
  return rows
    .filter((r) => r.enabled)
    .map((r) => r.code)
    .sort();
}

export function programFor(
  source: string,
  key: string,
  settings: { status: "on" | "off" | "test"; timezone: string; eligible: "all" | string[] },
): Program {
  const cacheKey = `${key}|${settings.status}|${settings.timezone}|${settings.eligible === "all" ? "*" : settings.eligible.join(",")}`;
  let program = cache.get(cacheKey);
  if (!program) {
    const result = compileSource(source, settings);
    if (!result.program) throw new Error(`stored rule set ${key} no longer compiles`);
    program = result.program;
    if (cache.size > 200) cache.clear();
    cache.set(cacheKey, program);
  }
  return program;
}

export async function loadSetup(db: Tx | Ctx["db"], practiceId: string): Promise<PipelineSetup> {
  const [practice] = await db.select().from(practices).where(eq(practices.id, practiceId));
  if (!practice) throw notFound("Practice");
  const [version] = await db
    .select({ id: ruleSetVersions.id, source: ruleSetVersions.source })
    .from(ruleSetVersions)
    .where(and(eq(ruleSetVersions.practiceId, practiceId), eq(ruleSetVersions.active, true)));
  const eligible = await loadEligible(db, practiceId);
  const settings = { status: practice.status, timezone: practice.timezone, eligible };
  const program = programFor(version?.source ?? "", version?.id ?? "empty", settings);
  return { practice, versionId: version?.id ?? null, program };
}
