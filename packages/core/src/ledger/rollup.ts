// The ledger's daily rollups (`ledger_daily`: points and entries per local day, kind and rule;
// `ledger_days`: members with any entry per local day), kept by the ledger's writers in the same
// statement as the entries they insert, so they equal a recomputation from the ledger at every
// commit. The local day is the practice's timezone; a change of timezone rebuilds them.
//
// One upsert per table and statement (the batch aggregated), rows taken in key order, so two
// transactions writing the same days queue instead of deadlocking. A member counts for a day when
// the statement's snapshot holds none of their entries that day: writers hold the member's balance
// row (`lockBalances`) first, so two transactions never both see a member's day as new.

import type { Tx } from "@tally/db";
import { type SQL, sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";

/**
 * Common table expressions (`rl`, `rl_daily`, `rl_days`) that add `source` to the rollups.
 * `source`: a relation of the entries just written (or about to be, in this transaction):
 * member_id, kind, rule_name, at, points, n (how many entries the row stands for).
 */
export function rollupWrites(ctx: Ctx, source: SQL): SQL {
  const P = ctx.practiceId;
  return sql`rl as (
      select s.member_id, s.kind, coalesce(s.rule_name, '') as rule_name, (s.at at time zone p.timezone)::date as day,
             s.points, s.n, p.timezone
      from (${source}) s cross join (select timezone from practices where id = ${P}::uuid) p),
    rl_daily as (
      insert into ledger_daily (practice_id, day, kind, rule_name, points, entries)
      select ${P}::uuid, day, kind, rule_name, sum(points), sum(n) from rl
      group by day, kind, rule_name order by day, kind, rule_name
      on conflict (practice_id, day, kind, rule_name)
      do update set points = ledger_daily.points + excluded.points, entries = ledger_daily.entries + excluded.entries),
    rl_days as (
      insert into ledger_days (practice_id, day, members)
      select ${P}::uuid, d.day, count(*) from (select distinct member_id, day, timezone from rl) d
      where not exists (
        select 1 from ledger_entries e
        where e.member_id = d.member_id and e.practice_id = ${P}::uuid
          and e.at >= (d.day::timestamp at time zone d.timezone) and e.at < ((d.day + 1)::timestamp at time zone d.timezone))
      group by d.day order by d.day
      on conflict (practice_id, day) do update set members = ledger_days.members + excluded.members)`;
}

/** The rollups of one practice recomputed from its ledger (after a change of timezone). */
export async function rebuildRollups(tx: Tx, practiceId: string): Promise<void> {
  await tx.execute(sql`delete from ledger_daily where practice_id = ${practiceId}::uuid`);
  await tx.execute(sql`delete from ledger_days where practice_id = ${practiceId}::uuid`);
  await tx.execute(
    sql`insert into ledger_daily (practice_id, day, kind, rule_name, points, entries)
        select e.practice_id, (e.at at time zone p.timezone)::date, e.kind, coalesce(e.rule_name, ''), sum(e.points), count(*)
        from ledger_entries e join practices p on p.id = e.practice_id
        where e.practice_id = ${practiceId}::uuid group by 1, 2, 3, 4`,
  );
  await tx.execute(
    sql`insert into ledger_days (practice_id, day, members)
        select e.practice_id, (e.at at time zone p.timezone)::date, count(distinct e.member_id)
        from ledger_entries e join practices p on p.id = e.practice_id
        where e.practice_id = ${practiceId}::uuid group by 1, 2`,
  );
  // The activity days of distinct-member figures (`reports/distinct.ts`), per local day too.
  await tx.execute(sql`select activity_rebuild(${practiceId}::uuid)`);
  // Redemptions by reward per local day (`reward_daily`, kept by a trigger on the ledger).
  await tx.execute(sql`select reward_daily_rebuild(${practiceId}::uuid)`);
}
