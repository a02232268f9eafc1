// Test helpers: one migrated database per test file, practices with staff contexts, members.
import { memberBalances, members, practices, staffUsers } from "@tally/db";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import type { Actor, Ctx } from "./context.ts";

export { createTestDatabase, type TestDatabase };

let counter = 0;

export interface TestPractice {
  id: string;
  admin: Ctx;
  team: Ctx;
  system: Ctx;
  asMember(memberId: string): Ctx;
  kiosk: Ctx;
}

export async function makePractice(t: TestDatabase, values: Partial<typeof practices.$inferInsert> = {}): Promise<TestPractice> {
  counter++;
  const [p] = await t.db
    .insert(practices)
    .values({
      slug: `p-${counter}-${Math.random().toString(36).slice(2, 8)}`,
      name: `Practice ${counter}`,
      status: "on",
      timezone: "UTC",
      ...values,
    })
    .returning();
  const [admin] = await t.db
    .insert(staffUsers)
    .values({ practiceId: p!.id, email: `admin${counter}@t.test`, name: "Admin", role: "admin", passwordHash: "x" })
    .returning();
  const [team] = await t.db
    .insert(staffUsers)
    .values({ practiceId: p!.id, email: `team${counter}@t.test`, name: "Team", role: "team_member", passwordHash: "x" })
    .returning();
  const ctx = (actor: Actor): Ctx => ({ db: t.db, practiceId: p!.id, actor });
  return {
    id: p!.id,
    admin: ctx({ kind: "staff", id: admin!.id, role: "admin" }),
    team: ctx({ kind: "staff", id: team!.id, role: "team_member" }),
    system: ctx({ kind: "system", id: "system" }),
    kiosk: ctx({ kind: "kiosk", id: "kiosk-1" }),
    asMember: (memberId: string) => ctx({ kind: "member", id: memberId }),
  };
}

/** Inserts members directly (fast), with their balance rows. */
export async function makeMembers(
  t: TestDatabase,
  practiceId: string,
  rows: Partial<typeof members.$inferInsert>[],
): Promise<(typeof members.$inferSelect)[]> {
  if (rows.length === 0) return [];
  const inserted = await t.db
    .insert(members)
    .values(rows.map((r, i) => ({ firstName: `First${i}`, lastName: `Last${i}`, ...r, practiceId })))
    .returning();
  await t.db.insert(memberBalances).values(inserted.map((m) => ({ memberId: m.id, practiceId, balance: 0 })));
  return inserted;
}
