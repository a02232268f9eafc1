// Registration exactly once under concurrency, on real PostgreSQL: a patient signing in with their
// card from two tabs at once (a double click), an admin converting a lead twice at once.
import { events, members } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signInMember } from "../auth/member-sign-in.ts";
import { ledgerSum } from "../ledger/append.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { convertLead, registerLead } from "./leads.ts";

describe("registration under concurrency (postgres)", () => {
  let t: TestDatabase;
  let p: TestPractice;
  const slug = `regpg-${Math.random().toString(36).slice(2, 8)}`;
  beforeAll(async () => {
    t = await createTestDatabase({ max: 16 });
    p = await makePractice(t, { slug });
    await saveRuleSet({
      ctx: p.admin,
      input: {
        source: 'reward "Welcome" on member.registered { award 50 points }\nreward "First login" on member.first_login { award 5 points }',
        publish: true,
      },
    });
  });
  afterAll(() => t?.dispose());

  const registeredEvents = async (memberId: string) =>
    (
      await t.db
        .select()
        .from(events)
        .where(and(eq(events.type, "member.registered"), eq(events.memberId, memberId)))
    ).length;

  it("12 first sign-ins with one card at once register the member once (welcome points once), 5 rounds", async () => {
    for (let round = 0; round < 5; round++) {
      const card = `88${round}0001`;
      const [m] = await makeMembers(t, p.id, [{ firstName: `R${round}`, lastName: "Race", cardNumber: card, birthday: "1990-01-01" }]);
      const results = await Promise.allSettled(
        Array.from({ length: 12 }, () => signInMember(t.db, { practice: slug, cardNumber: card, birthday: "1990-01-01" })),
      );
      expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(12);
      expect(await registeredEvents(m!.id)).toBe(1);
      expect(await ledgerSum(t.db, p.id, m!.id)).toBe(55);
      const [row] = await t.db.select().from(members).where(eq(members.id, m!.id));
      expect(row!.registered).toBe(true);
    }
  });

  it("a lead converted by 8 requests at once is converted and registered once; the others are told", async () => {
    const lead = await registerLead({ ctx: p.system, input: { firstName: "Dbl", lastName: "Click", email: "dbl@example.com" } });
    const results = await Promise.allSettled(Array.from({ length: 8 }, () => convertLead({ ctx: p.admin, input: { id: lead.id } })));
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    const refused = results.filter((r): r is PromiseRejectedResult => r.status === "rejected");
    expect(refused.map((r) => (r.reason as { code?: string }).code)).toEqual(Array(7).fill("CONFLICT"));
    expect(await registeredEvents(lead.id)).toBe(1);
    expect(await ledgerSum(t.db, p.id, lead.id)).toBe(50);
  });
});
