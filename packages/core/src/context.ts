// Who is acting, for which practice, on which database: passed to every verb.
import type { Db } from "@tally/db";
import { DomainError } from "./errors.ts";
import type { Locale } from "./i18n/locale.ts";

export type Actor =
  | { kind: "staff"; id: string; role: "admin" | "team_member" }
  | { kind: "member"; id: string }
  | { kind: "kiosk"; id: string }
  /** An integration API key (invoice import, PMS feeds). */
  | { kind: "integration"; id: string }
  | { kind: "system"; id: "system" };

export interface Ctx {
  db: Db;
  practiceId: string;
  actor: Actor;
  /** The language the caller reads (a patient's portal or kiosk screen): the practice's own texts
   *  come back in it when translated. Unset: as written (the practice's default language). */
  locale?: Locale;
}

export function requireStaff(ctx: Ctx, role?: "admin"): asserts ctx is Ctx & { actor: { kind: "staff" } } {
  if (ctx.actor.kind === "system") return;
  if (ctx.actor.kind !== "staff") throw new DomainError("FORBIDDEN", "Only staff can do this.");
  if (role === "admin" && ctx.actor.role !== "admin") throw new DomainError("FORBIDDEN", "Only an admin can do this.");
}

/** A system context for jobs and the seed: every permission, one practice. */
export const systemCtx = (db: Db, practiceId: string): Ctx => ({ db, practiceId, actor: { kind: "system", id: "system" } });
