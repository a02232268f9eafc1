// Birthdays in the practice's timezone: upcoming ones for staff, and the daily job that sends
// `member.birthday` once per member per year (Feb 29 birthdays count on Feb 28 in other years).

import { members } from "@tally/db";
import { addDays, localDate, pointsGiven } from "@tally/rules";
import { and, eq, inArray, isNotNull, lt, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { loadSetup } from "../events/program.ts";
import { recordEvents } from "../events/record-events.ts";
import type { EventInput } from "../events/schemas.ts";
import { enqueueMessage } from "../messages/outbox.ts";
import { authorize } from "../permissions.ts";
import { anyUuid } from "../sql.ts";
import { audit, type Input, inTx, parseInput } from "../verb.ts";
import { publicMember } from "./shared.ts";

const isLeap = (y: number) => (y % 4 === 0 && y % 100 !== 0) || y % 400 === 0;

/** The birthday's date in a given year. */
export function birthdayIn(birthday: string, year: number): string {
  const md = birthday.slice(5);
  return md === "02-29" && !isLeap(year) ? `${year}-02-28` : `${year}-${md}`;
}

/** A birthday's month and day as one number (April 2 = 402), the key of the index
 *  `members_birthday_md_idx` (migrations 0014, 0032): jobs select the day's members by it. */
const monthDay = sql<number>`((extract(month from ${members.birthday}) * 100 + extract(day from ${members.birthday}))::int)`;

/** The month-day keys of birthdays that fall on these dates (Feb 29 ones on Feb 28 of other years). */
function monthDaysOn(dates: string[]): number[] {
  const keys = new Set<number>();
  for (const d of dates) {
    keys.add(Number(d.slice(5, 7)) * 100 + Number(d.slice(8, 10)));
    if (d.slice(5) === "02-28" && !isLeap(Number(d.slice(0, 4)))) keys.add(229);
  }
  return [...keys];
}

export const listBirthdaysInput = z.object({ days: z.number().int().min(0).max(366).default(30) });

export async function listBirthdays({ ctx, input }: { ctx: Ctx; input?: Input<typeof listBirthdaysInput> }) {
  authorize(ctx, "members.listBirthdays");
  const { days } = parseInput(listBirthdaysInput, input ?? {});
  const { practice } = await loadSetup(ctx.db, ctx.practiceId);
  const today = localDate(new Date(), practice.timezone);
  const end = addDays(today, days);
  const year = Number(today.slice(0, 4));
  const dates = Array.from({ length: Math.min(days, 366) + 1 }, (_, i) => addDays(today, i));
  const rows = await ctx.db
    .select()
    .from(members)
    .where(
      and(
        eq(members.practiceId, ctx.practiceId),
        eq(members.status, "member"),
        isNotNull(members.birthday),
        inArray(monthDay, monthDaysOn(dates)),
      ),
    );
  return rows
    .map((m) => {
      let next = birthdayIn(m.birthday!, year);
      if (next < today) next = birthdayIn(m.birthday!, year + 1);
      return { member: publicMember(m), date: next };
    })
    .filter((b) => b.date <= end)
    .sort((a, b) => a.date.localeCompare(b.date));
}

export const runBirthdaysInput = z.object({ at: z.coerce.date().optional() });

/** The daily job: every member whose birthday is today (practice time) gets one event a year. */
export async function runBirthdays({ ctx, input }: { ctx: Ctx; input?: Input<typeof runBirthdaysInput> }) {
  authorize(ctx, "members.runBirthdays");
  const { at = new Date() } = parseInput(runBirthdaysInput, input ?? {});
  return inTx(ctx, async (tx) => {
    const setup = await loadSetup(tx, ctx.practiceId);
    const today = localDate(at, setup.practice.timezone);
    const year = Number(today.slice(0, 4));
    // Only today's birthdays not yet celebrated this year are read, inside the month-day index
    // (whose last column is the year celebrated): a re-run of a day already done reads no member.
    const rows = await tx
      .select({ id: members.id, birthday: members.birthday, firstName: members.firstName })
      .from(members)
      .where(
        and(
          eq(members.practiceId, ctx.practiceId),
          eq(members.status, "member"),
          isNotNull(members.birthday),
          inArray(monthDay, monthDaysOn([today])),
          lt(members.birthdayYear, year),
        ),
      )
      .orderBy(members.id);
    // The day's birthdays through the pipeline as one batch (the members in id order, as read).
    const due = rows.filter((m) => birthdayIn(m.birthday!, year) === today);
    const events: EventInput[] = due.map((m) => ({
      id: `birthday:${m.id}:${year}`,
      type: "member.birthday",
      at: at.toISOString(),
      member: m.id,
    }));
    const recorded = due.length > 0 ? await recordEvents(tx, ctx, events, { setup, source: "job", priorOutcomes: true }) : [];
    let awarded = 0;
    const celebrated: string[] = [];
    const done = due.map((m) => m.id);
    for (const [i, m] of due.entries()) {
      const r = recorded[i]!;
      if (r.duplicate) continue;
      celebrated.push(m.id);
      awarded += pointsGiven(r, m.id);
      // "Happy birthday" (message outbox), once a year, committed with the birthday's event.
      for (const channel of ["email", "sms"] as const)
        await enqueueMessage(tx, {
          practiceId: ctx.practiceId,
          memberId: m.id,
          kind: "birthday",
          channel,
          subjectKey: `birthday:${year}`,
          title: "Happy birthday",
          data: { firstName: m.firstName, points: pointsGiven(r, m.id) },
          now: at,
        });
    }
    // The event's external id keeps it once a year; the year on the member keeps the next run from reading them.
    if (done.length > 0)
      await tx
        .update(members)
        .set({ birthdayYear: year })
        .where(and(eq(members.practiceId, ctx.practiceId), sql`${members.id} = ${anyUuid(done)}`));
    await audit(tx, ctx, { action: "members.runBirthdays", details: { date: today, members: celebrated.length, points: awarded } });
    return { date: today, members: celebrated, points: awarded };
  });
}
