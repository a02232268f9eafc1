// Small builders so engine tests read like the scenarios they are.

import type { EngineEvent } from "../src/index.ts";
import { type SimulationOutput, simulate } from "../src/index.ts";

let seq = 0;
const base = Date.parse("2026-03-02T15:00:00Z");

/** An ISO instant `hours` after 2026-03-02T15:00Z. */
export function at(hours: number): string {
  return new Date(base + hours * 3_600_000).toISOString();
}

export function invoice(member: string, when: string, lines: [string, string][] | string, id?: string, eventId?: string): EngineEvent {
  const n = ++seq;
  const ls = typeof lines === "string" ? [["EXAM", lines] as [string, string]] : lines;
  return {
    id: eventId ?? `inv-e${n}`,
    type: "invoice.paid",
    at: when,
    member,
    invoice: { id: id ?? `i${n}`, lines: ls.map(([code, amount]) => ({ code, amount })) },
  };
}

export function ev(type: string, member: string, when: string, extra: Partial<EngineEvent> = {}, id?: string): EngineEvent {
  return { id: id ?? `${type}-e${++seq}`, type, at: when, member, ...extra };
}

export interface RunOptions {
  timezone?: string;
  status?: "on" | "off" | "test";
  eligible?: "all" | string[];
  coupons?: string[];
  members?: { id: string; tags?: string[]; birthday?: string; registered?: boolean; excluded?: boolean }[];
}

export function run(rules: string, events: EngineEvent[], opts: RunOptions = {}): SimulationOutput {
  const out = simulate({ rules, events, ...opts });
  if ("errors" in out) throw new Error(`rules have errors: ${JSON.stringify(out.errors)}`);
  return out;
}

/** Awards as compact "member:rule:points" strings, in output order. */
export function awards(out: SimulationOutput): string[] {
  return out.awards.map((a) => `${a.member}:${a.rule}:${a.points}`);
}
