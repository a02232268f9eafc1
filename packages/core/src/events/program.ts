// What the engine runs for a practice right now: its active rule set version compiled with the
// practice's status, timezone, eligible codes and referral rewards switch. Compiled programs are cached per version and
// settings (a program is immutable once compiled).

import { eligibleItems, practices, ruleSetVersions, type Tx } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { cachePerDatabase } from "../cache.ts";
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
  return rows.length === 0 ? "all" : eligibleOf(rows);
}

const eligibleOf = (rows: { code: string; enabled: boolean }[]) =>
  rows
    .filter((r) => r.enabled)
    .map((r) => r.code)
    .sort();

export function programFor(
  source: string,
  key: string,
  settings: { status: "on" | "off" | "test"; timezone: string; eligible: "all" | string[]; referralRewards?: boolean },
): Program {
  const cacheKey = `${key}|${settings.status}|${settings.timezone}|${settings.referralRewards === false ? "noref" : "ref"}|${settings.eligible === "all" ? "*" : settings.eligible.join(",")}`;
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

const setups = cachePerDatabase<string, PipelineSetup>(["practices", "rule_set_versions", "eligible_items"], 1000);

/**
 * The pipeline setup through the exact read cache of this database (kiosk batches and other hot
 * paths, outside a transaction): served only while nothing has written to the practice, rule set
 * or eligible-code tables since it was read.
 */
export function cachedSetup(db: Ctx["db"], practiceId: string): Promise<PipelineSetup> {
  return setups(db).get(db, practiceId, () => loadSetup(db, practiceId));
}

/** The practice, its active rule set and its eligible codes in one query (every event runs this). */
export async function loadSetup(db: Tx | Ctx["db"], practiceId: string): Promise<PipelineSetup> {
  const [row] = await db
    .select({
      practice: practices,
      versionId: ruleSetVersions.id,
      source: ruleSetVersions.source,
      // [code, enabled] pairs, or null when the practice has not listed any.
      items: sql<[string, boolean][] | null>`(select json_agg(json_build_array(${eligibleItems.code}, ${eligibleItems.enabled}))
             from ${eligibleItems} where ${eligibleItems.practiceId} = ${practices.id})`,
    })
    .from(practices)
    .leftJoin(ruleSetVersions, and(eq(ruleSetVersions.practiceId, practices.id), eq(ruleSetVersions.active, true)))
    .where(eq(practices.id, practiceId));
  if (!row) throw notFound("Practice");
  const items = typeof row.items === "string" ? (JSON.parse(row.items) as [string, boolean][]) : row.items;
  const eligible: "all" | string[] = items && items.length > 0 ? eligibleOf(items.map(([code, enabled]) => ({ code, enabled }))) : "all";
  const settings = {
    status: row.practice.status,
    timezone: row.practice.timezone,
    eligible,
    referralRewards: row.practice.referralRewards,
  };
  const program = programFor(row.source ?? "", row.versionId ?? "empty", settings);
  return { practice: row.practice, versionId: row.versionId ?? null, program };
}
