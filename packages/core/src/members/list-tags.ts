// The tags a practice's members carry, with how many members carry each: the members list offers
// them as its tag filter.

import { members } from "@tally/db";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import { authorize } from "../permissions.ts";
import { query } from "../sql.ts";

/** Distinct tags of the practice's members (not leads, not merged records), sorted by name. */
export async function listTags({ ctx }: { ctx: Ctx }) {
  authorize(ctx, "members.listTags");
  // Tags are stored lowercase (setTags normalizes them); "C" collation sorts them the same on
  // PGlite and PostgreSQL.
  const rows = await query<{ name: string; count: number }>(
    ctx.db,
    sql`select tag as name, count(*)::int as count
        from ${members} cross join lateral unnest(${members.tags}) as tag
        where ${members.practiceId} = ${ctx.practiceId} and ${members.status} = 'member'
        group by tag
        order by tag collate "C"`,
  );
  return rows.map((r) => ({ name: r.name, count: Number(r.count) }));
}
