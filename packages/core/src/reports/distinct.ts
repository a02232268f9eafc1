// Distinct members over a range, exact and without reading the range's events or entries.
//
// `activity_days` holds, per member, figure (scope) and local day with activity, the member's
// previous activity day in that scope. Each member active in whole days [a, e) has exactly one
// activity day in it whose previous day is before a, so
//   active(a, e) = P(a) − D(a) − G(a, e)
// with P(a) the activity days whose previous day is before a (a first day's is '-infinity'), D(a)
// the activity days before a (all of them have their previous day before a), and G(a, e) the
// activity days from e on whose previous day is before a (an index range from e: few when the
// range ends recently). Every activity day has one day and one previous day, so P(a) − D(a) is
// also the activity days from a on less those whose previous day is from a on: a sum of the
// per-day `activity_counts` from a on, which for the recent ranges reports ask for is a few
// hundred days, not the whole history before them. Members active only in the partial
// days at either end of the range (`splitRange`'s edges) are read from the raw rows and counted
// when they have no activity day in [a, e).

import { and, gte, lt, or, type SQL, sql } from "drizzle-orm";
import type { PgColumn } from "drizzle-orm/pg-core";
import type { Ctx } from "../context.ts";
import { query } from "../sql.ts";
import { splitRange } from "./reports.ts";

/** Rows at `column` within the edges of a range. */
export const inEdgesOf = (column: PgColumn, edges: [Date, Date][]): SQL =>
  or(...edges.map(([a, b]) => and(gte(column, a), lt(column, b)))) ?? sql`false`;

/**
 * Members with activity in [from, to), per scope. `edgeRows(edges)`: a relation (scope, member_id)
 * of the raw rows inside the edges (called only when there are edges).
 */
export async function distinctMembers(
  ctx: Ctx,
  scopes: string[],
  from: Date,
  to: Date,
  tz: string,
  edgeRows: (edges: [Date, Date][]) => SQL,
): Promise<Map<string, number>> {
  if (scopes.length === 0) return new Map();
  const { firstDay, endDay, edges } = splitRange(from, to, tz);
  const P = ctx.practiceId;
  const a = firstDay;
  const e = endDay; // firstDay when the range has no whole day (then the formula gives 0)
  const edge =
    edges.length === 0
      ? sql`select null::text as scope, 0::bigint as n where false`
      : sql`select x.scope, count(*) as n from (select distinct y.scope, y.member_id from (${edgeRows(edges)}) y) x
            where x.scope in (select scope from s)
              and not exists (select 1 from activity_days d where d.practice_id = ${P}::uuid and d.scope = x.scope
                                and d.member_id = x.member_id and d.day >= ${a}::date and d.day < ${e}::date)
            group by x.scope`;
  const rows = await query<{ scope: string; n: string | number }>(
    ctx.db,
    sql`with s as (select jsonb_array_elements_text(${JSON.stringify(scopes)}::jsonb) as scope),
        edge as (${edge})
        select s.scope,
               coalesce((select sum(c.days) - sum(c.prevs) from activity_counts c
                         where c.practice_id = ${P}::uuid and c.scope = s.scope and c.day >= ${a}::date), 0)
             - (select count(*) from activity_days d
                where d.practice_id = ${P}::uuid and d.scope = s.scope and d.day + 0 >= ${e}::date and d.prev < ${a}::date)
             + coalesce((select edge.n from edge where edge.scope = s.scope), 0) as n
        from s`,
  );
  return new Map(rows.map((r) => [r.scope, Number(r.n)]));
}

/**
 * Members with activity per local day of [from, to) in one scope (check-ins: patients checked in
 * that day, each once): whole days from `activity_counts`, the edges from `edgeRows`, a relation
 * (day, n) of the raw rows inside the edges.
 */
export async function membersPerDay(
  ctx: Ctx,
  scope: string,
  from: Date,
  to: Date,
  tz: string,
  edgeRows: (edges: [Date, Date][]) => SQL,
): Promise<Map<string, number>> {
  const { firstDay, endDay, edges } = splitRange(from, to, tz);
  const out = new Map<string, number>();
  if (firstDay < endDay) {
    const rows = await query<{ day: string; n: string | number }>(
      ctx.db,
      sql`select day::text as day, days as n from activity_counts
          where practice_id = ${ctx.practiceId}::uuid and scope = ${scope} and day >= ${firstDay}::date and day < ${endDay}::date and days > 0`,
    );
    for (const r of rows) out.set(r.day, Number(r.n));
  }
  if (edges.length > 0) {
    const rows = await query<{ day: string; n: string | number }>(ctx.db, edgeRows(edges));
    for (const r of rows) out.set(r.day, (out.get(r.day) ?? 0) + Number(r.n));
  }
  return out;
}
