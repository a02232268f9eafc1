// Helpers the members module and others share: the public shape of a member, practice-scoped
// lookups, and card-number normalisation for swipers and scanners.

import { members, type Tx } from "@tally/db";
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

/**
 * Card swipers and barcode scanners type sentinels around the number: track 1 `%B<digits>^NAME^...?`,
 * track 2 `;<digits>=...?`. Keep the account number only, as digits.
 */
export function normalizeCardNumber(raw: string): string {
  let s = raw.trim();
  const track1 = /^%B?([^^?]*)/.exec(s);
  const track2 = /^;([^=?]*)/.exec(s);
  if (s.startsWith("%") && track1) s = track1[1] ?? "";
  else if (s.startsWith(";") && track2) s = track2[1] ?? "";
  const digits = s.replace(/\D/g, "");
  if (digits.length < 4 || digits.length > 32)
    throw new DomainError("INVALID_INPUT", "That does not look like a rewards card number.", { card: raw });
  return digits;
}

/** Phones are stored as digits so a search by a few digits matches however they were typed. */
export const normalizePhone = (raw: string | null | undefined) => {
  if (raw == null) return raw;
  const digits = raw.replace(/\D/g, "");
  return digits.length === 11 && digits.startsWith("1") ? digits.slice(1) : digits;
};

export const normalizeEmail = (raw: string | null | undefined) => (raw == null ? raw : raw.trim().toLowerCase());
