// Helpers the members module and others share: the public shape of a member, practice-scoped
// lookups, and card-number normalisation for swipers and scanners.

import { members, type Tx } from "@tally/db";
import * as identifiers from "@tally/rules/domain";
import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { notFound } from "../verb.ts";

export type MemberRow = typeof members.$inferSelect;

export function publicMember(m: MemberRow) {
  return {
    id: m.id,
    externalId: m.externalId,
    firstName: m.firstName,
    lastName: m.lastName,
    email: m.email,
    phone: m.phone,
    birthday: m.birthday,
    cardNumber: m.cardNumber,
    tags: m.tags,
    registered: m.registered,
    registeredAt: m.registeredAt,
    status: m.status,
    mergedIntoId: m.mergedIntoId,
    leadNote: m.leadNote,
    /** Inducement guardrails: excluded from rewards, since when and by which staff user. */
    excludedFromRewards: m.excludedFromRewards,
    excludedAt: m.excludedAt,
    excludedBy: m.excludedBy,
    erasedAt: m.erasedAt,
    createdAt: m.createdAt,
  };
}
export type PublicMember = ReturnType<typeof publicMember>;

/** The member with this id in the acting practice, or NOT_FOUND (also for other practices' ids). */
export async function findMember(db: Tx | Ctx["db"], ctx: Ctx, id: string, options: { lock?: boolean } = {}): Promise<MemberRow> {
  const q = db
    .select()
    .from(members)
    .where(and(eq(members.id, id), eq(members.practiceId, ctx.practiceId)));
  const [m] = options.lock ? await q.for("update") : await q;
  if (!m) throw notFound("Member");
  return m;
}

export async function findMembers(db: Tx | Ctx["db"], ctx: Ctx, ids: string[]): Promise<Map<string, MemberRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .select()
    .from(members)
    .where(and(inArray(members.id, [...new Set(ids)]), eq(members.practiceId, ctx.practiceId)));
  return new Map(rows.map((m) => [m.id, m]));
}

/** The card number as stored (one normaliser: @tally/rules), or INVALID_INPUT. */
export function normalizeCardNumber(raw: string): string {
  const card = identifiers.normalizeCardNumber(raw);
  if (card === null) throw new DomainError("INVALID_INPUT", "That does not look like a rewards card number.", { card: raw });
  return card;
}

/** Phones are stored as digits, NANP country code dropped (one normaliser: @tally/rules). */
export const normalizePhone = <T extends string | null | undefined>(raw: T): T =>
  (raw == null ? raw : identifiers.normalizePhone(raw)) as T;

export const normalizeEmail = (raw: string | null | undefined) => (raw == null ? raw : raw.trim().toLowerCase());
