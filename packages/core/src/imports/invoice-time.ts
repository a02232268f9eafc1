// When a date-only invoice happened (SPEC 5 step 6): an import that gives only a date is timed,
// before it is recorded, at the member's latest check-in on that local date known now (so it
// falls inside the instant-reward window that check-in opened), else at 12:00 local time. The
// event keeps `dateOnly`, so a re-import of the same file is not a revision or a conflict even
// when a check-in recorded since would time it differently.

import { localHour, startOfLocalDay } from "@tally/rules";
import { sql } from "drizzle-orm";
import type { Ctx } from "../context.ts";
import type { EventInput } from "../events/schemas.ts";
import { anyUuid, query } from "../sql.ts";

const HOUR = 3_600_000;

/** The instant of 12:00 local time on `date` (YYYY-MM-DD) in the zone, DST days included. */
export function localNoon(date: string, timezone: string): Date {
  const t = startOfLocalDay(date, timezone).getTime() + 12 * HOUR;
  return new Date(t + (12 - localHour(t, timezone)) * HOUR);
}

/** The placeholder instant a reader gives a date-only row until `timeDateOnly` times it. */
export const dateOnlyPlaceholder = (date: string) => `${date}T12:00:00.000Z`;

/**
 * Times every `dateOnly` event of the lists in place (its placeholder's UTC date is the local
 * date the source gave), then puts each member's list in processing order: time order, at the
 * same instant a payment before its void, else the reader's (file) order.
 */
export async function timeDateOnly(db: Ctx["db"], practiceId: string, timezone: string, lists: EventInput[][]): Promise<void> {
  const wanted = new Map<string, Set<string>>();
  for (const list of lists)
    for (const e of list)
      if (e.dateOnly) {
        const set = wanted.get(e.member) ?? new Set();
        set.add(e.at.slice(0, 10));
        wanted.set(e.member, set);
      }
  const latest = wanted.size > 0 ? await latestCheckIns(db, practiceId, timezone, wanted) : new Map<string, string>();
  const noon = new Map<string, string>();
  const rank = (e: EventInput) => (e.type === "invoice.paid" ? 0 : 1);
  for (const list of lists) {
    for (const e of list) {
      if (!e.dateOnly) continue;
      const day = e.at.slice(0, 10);
      let at = latest.get(`${e.member}|${day}`);
      if (!at) {
        at = noon.get(day) ?? localNoon(day, timezone).toISOString();
        noon.set(day, at);
      }
      e.at = at;
    }
    list.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0) || rank(a) - rank(b));
  }
}

/** Each member's latest check-in per wanted local date, keyed `member|date` (recorded visits:
 *  the desk's, the kiosk's and those an integration sent). */
async function latestCheckIns(
  db: Ctx["db"],
  practiceId: string,
  timezone: string,
  wanted: Map<string, Set<string>>,
): Promise<Map<string, string>> {
  const dates = [...new Set([...wanted.values()].flatMap((s) => [...s]))].sort();
  const from = startOfLocalDay(dates[0]!, timezone);
  const to = new Date(startOfLocalDay(dates.at(-1)!, timezone).getTime() + 26 * HOUR);
  const latest = new Map<string, string>();
  const members = [...wanted.keys()];
  for (let i = 0; i < members.length; i += 5000) {
    const rows = await query<{ member_id: string; day: string; at: Date | string }>(
      db,
      sql`select member_id, to_char(at at time zone ${timezone}, 'YYYY-MM-DD') as day, max(at) as at
          from events
          where practice_id = ${practiceId}::uuid and type = 'visit.checked_in'
            and at >= ${from.toISOString()}::timestamptz and at < ${to.toISOString()}::timestamptz
            and member_id = ${anyUuid(members.slice(i, i + 5000))}
          group by 1, 2`,
    );
    for (const r of rows) latest.set(`${r.member_id}|${r.day}`, new Date(r.at).toISOString());
  }
  return latest;
}
