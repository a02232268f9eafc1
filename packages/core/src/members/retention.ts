// Retention (docs/compliance.md): a practice may keep invoice line items (procedure codes and the
// amount of each line) for N years only (Settings → Program, off by default). The daily
// `retention.line-items` job removes them from invoice events older than that; the event keeps its
// invoice id, date and total (`invoice.total`, `invoice.linesRemoved`), and the ledger its entries.
import { events, practices } from "@tally/db";
import { parseCents } from "@tally/rules";
import { and, eq, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { query } from "../sql.ts";
import { audit, inTx } from "../verb.ts";

/** Invoice events handled per statement (the job goes on until none is left). */
const BATCH = 500;

export async function stripExpiredLineItems(ctx: Ctx, now = new Date()): Promise<{ stripped: number }> {
  const [practice] = await ctx.db
    .select({ years: practices.lineItemRetentionYears })
    .from(practices)
    .where(eq(practices.id, ctx.practiceId));
  const years = practice?.years ?? null;
  if (years === null) return { stripped: 0 };
  const before = new Date(now);
  before.setUTCFullYear(before.getUTCFullYear() - years);
  let stripped = 0;
  for (;;) {
    const done = await inTx(ctx, async (tx) => {
      const rows = await query<{ id: string; payload: unknown }>(
        tx,
        sql`select id, payload from events
            where practice_id = ${ctx.practiceId}::uuid and at < ${before.toISOString()}::timestamptz
              and jsonb_typeof(payload->'invoice'->'lines') = 'array' and jsonb_array_length(payload->'invoice'->'lines') > 0
            order by at limit ${BATCH} for update skip locked`,
      );
      for (const r of rows) {
        const payload = (typeof r.payload === "string" ? JSON.parse(r.payload) : r.payload) as {
          invoice: { lines: { amount: string | number }[] } & Record<string, unknown>;
        };
        const cents = payload.invoice.lines.reduce((sum, l) => sum + parseCents(l.amount), 0);
        const invoice = { ...payload.invoice, lines: [], total: (cents / 100).toFixed(2), linesRemoved: true };
        await tx
          .update(events)
          .set({ payload: { ...payload, invoice } })
          .where(and(eq(events.id, r.id), eq(events.practiceId, ctx.practiceId)));
      }
      if (rows.length > 0)
        await audit(tx, ctx, {
          action: "retention.lineItems",
          targetType: "practice",
          targetId: ctx.practiceId,
          details: { events: rows.length, years },
        });
      return rows.length;
    });
    stripped += done;
    if (done < BATCH) return { stripped };
  }
}
