// Finding members by a few letters of name, email, phone or card number, with filters by tag and
// registration status, paged. Leads are searched the same way with status "lead".

import { memberBalances, members } from "@tally/db";
import { and, arrayContains, asc, count, eq, ilike, or, type SQL, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { text } from "../schemas.ts";
import { type Input, parseInput } from "../verb.ts";
import { normalizePhone, publicMember } from "./shared.ts";

export const searchMembersInput = z.object({
  q: text().trim().max(200).default(""),
  tag: text().trim().min(1).max(50).optional(),
  registered: z.boolean().optional(),
  status: z.enum(["member", "lead"]).default("member"),
  page: z.number().int().min(1).default(1),
  pageSize: z.number().int().min(1).max(200).default(25),
});

/** Member search counts at most this many matches (more are "1,000+"). */
export const SEARCH_COUNT_CAP = 1000;

const escapeLike = (s: string) => s.replace(/[\\%_]/g, (c) => `\\${c}`);

export async function searchMembers({ ctx, input }: { ctx: Ctx; input?: Input<typeof searchMembersInput> }) {
  authorize(ctx, "members.search");
  const q = parseInput(searchMembersInput, input ?? {});
  const where: SQL[] = [eq(members.practiceId, ctx.practiceId), eq(members.status, q.status)];
  if (q.tag) where.push(arrayContains(members.tags, [q.tag.toLowerCase()]));
  if (q.registered !== undefined) where.push(eq(members.registered, q.registered));
  // Every word must match somewhere: "ana bel" finds Ana Bell.
  for (const word of q.q.split(/\s+/).filter(Boolean)) {
    const like = `%${escapeLike(word)}%`;
    const digits = word.replace(/\D/g, "");
    const alternatives: SQL[] = [
      ilike(members.firstName, like),
      ilike(members.lastName, like),
      ilike(members.email, like),
      ilike(members.externalId, like),
    ];
    if (digits.length >= 2 && digits.length === word.replace(/[\s().+-]/g, "").length) {
      // Phones are stored normalised (a leading US "1" dropped): search the same way.
      alternatives.push(ilike(members.phone, `%${normalizePhone(digits)}%`), ilike(members.cardNumber, `%${digits}%`));
    }
    where.push(or(...alternatives)!);
  }
  const condition = and(...where);
  // The count stops past the cap (or past the page asked for, if further): a search matching most
  // of a large practice answers "1,000+" without counting every match.
  const bound = Math.max(SEARCH_COUNT_CAP, q.page * q.pageSize);
  const matches = ctx.db
    .select({ one: sql`1` })
    .from(members)
    .where(condition)
    .limit(bound + 1)
    .as("matches");
  const [counted] = await ctx.db.select({ n: count() }).from(matches);
  const n = counted?.n ?? 0;
  // In the order of members_practice_status_name_idx (practice, status, last name, first name, id):
  // the page is read along the index and stops once it is full.
  const rows = await ctx.db
    .select({ member: members, balance: sql<number>`coalesce(${memberBalances.balance}, 0)` })
    .from(members)
    .leftJoin(memberBalances, and(eq(memberBalances.practiceId, members.practiceId), eq(memberBalances.memberId, members.id)))
    .where(condition)
    .orderBy(asc(members.lastName), asc(members.firstName), asc(members.id))
    .limit(q.pageSize)
    .offset((q.page - 1) * q.pageSize);
  return {
    items: rows.map((r) => ({ ...publicMember(r.member), balance: Number(r.balance) })),
    /** The number of matches, or the bound when `totalCapped` (there are more). */
    total: Math.min(n, bound),
    /** More than `total` match: shown as "1,000+". */
    totalCapped: n > bound,
    page: q.page,
    pageSize: q.pageSize,
  };
}
