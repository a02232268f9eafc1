// The orders fulfilment queue as staff see it: each order with the member's name.

import { members } from "@tally/db";
import { and, eq, inArray } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import type { Input } from "../verb.ts";
import { giftCardOf } from "./gift-cards.ts";
import { listOrders, type listOrdersInput } from "./orders.ts";

export async function listOrderQueue({ ctx, input }: { ctx: Ctx; input?: Input<typeof listOrdersInput> }) {
  const rows = await listOrders({ ctx, input });
  const ids = [...new Set(rows.map((r) => r.memberId))];
  const names = ids.length
    ? await ctx.db
        .select({ id: members.id, firstName: members.firstName, lastName: members.lastName })
        .from(members)
        .where(and(eq(members.practiceId, ctx.practiceId), inArray(members.id, ids)))
    : [];
  const byId = new Map(names.map((n) => [n.id, `${n.firstName} ${n.lastName}`]));
  return rows.map((r) => ({ ...r, memberName: byId.get(r.memberId) ?? "Unknown member", giftCard: giftCardOf(r.fulfilment) }));
}
