import { practices, surveyQuestions } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordEvent } from "../events/record-event.ts";
import { getMember } from "../members/get-member.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase, type TestPractice } from "../testing.ts";
import { kioskCheckInBatched } from "./batch-check-in.ts";
import { kioskCheckIn } from "./kiosk-check-in.ts";

const rules = `
reward "Check-in" on visit.checked_in {
  award 10 points
  limit once per day
}

instant "Big visit" {
  window 4 hours
  when visit.spend >= $300
  unlock coupon "free-whitening" for 48 hours
}

milestone "Keep it up" unlimited {
  every 5 perfect surveys award 200 points
}

milestone "Braces journey" limited {
  phase "Bracket Buddy" after 2 perfect surveys award 50 points
  phase "Aligner Ace" after 3 perfect surveys award 100 points
}
`;

describe("kioskCheckIn", () => {
  let t: TestDatabase;
  let p: TestPractice;
  let ana: string;
  let lead: string;
  beforeAll(async () => {
    t = await createTestDatabase();
    p = await makePractice(t);
    [ana, lead] = (
      await makeMembers(t, p.id, [
        { firstName: "ana", lastName: "bell" },
        { firstName: "Leo", lastName: "Hill", status: "lead" },
      ])
    ).map((m) => m.id) as [string, string];
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
  });
  afterAll(() => t?.dispose());

  it("records the visit and answers with first name, last initial, points earned now and the balance", async () => {
    const at = new Date("2026-11-23T15:00:00Z");
    const r = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: ana, method: "card", at } });
    expect(r).toMatchObject({
      firstName: "ana",
      lastInitial: "B",
      pointsEarned: 10,
      balance: 10,
      instantRewards: [],
      surveyAvailable: false,
    });
    expect(r.eventId).toBeTruthy();
    expect(r).not.toHaveProperty("lastName");
    // The visit is on the member's profile, like a desk check-in.
    const profile = await getMember({ ctx: p.admin, input: { id: ana } });
    expect(profile.visits.map((v) => [v.method, v.at.toISOString()])).toContainEqual(["card", at.toISOString()]);
    expect(r.milestones).toEqual([
      expect.objectContaining({ name: "Keep it up", nextPhase: null, tally: 0, target: 5, phasesDone: 0, phasesTotal: 0, finished: false }),
      expect.objectContaining({
        name: "Braces journey",
        nextPhase: "Bracket Buddy",
        tally: 0,
        target: 2,
        phasesDone: 0,
        phasesTotal: 2,
        finished: false,
      }),
    ]);
    // Once per day: a second check-in the same day earns nothing more.
    const again = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: ana, method: "phone", at: new Date("2026-11-23T15:05:00Z") } });
    expect(again).toMatchObject({ pointsEarned: 0, balance: 10, checkedInEarlierToday: true });
    expect(r.checkedInEarlierToday).toBe(false);
    // Still recorded: both visits are on the profile.
    const after = await getMember({ ctx: p.admin, input: { id: ana } });
    expect(after.visits.filter((v) => v.at.toISOString().startsWith("2026-11-23"))).toHaveLength(2);
  });

  it("says whether the patient checked in earlier the same practice day, on the batched path too", async () => {
    const [di] = await makeMembers(t, p.id, [{ firstName: "Di", lastName: "Ray", cardNumber: "7002" }]);
    const card = { method: "card" as const, cardNumber: "7002" };
    // 23:30 and 00:30 in the practice's timezone (UTC here) are two days; 00:30 and 14:00 one.
    const first = await kioskCheckInBatched(p.kiosk, card, { qrSecret: "test-secret", now: new Date("2026-11-24T23:30:00Z") });
    const nextDay = await kioskCheckInBatched(p.kiosk, card, { qrSecret: "test-secret", now: new Date("2026-11-25T00:30:00Z") });
    const sameDay = await kioskCheckInBatched(p.kiosk, card, { qrSecret: "test-secret", now: new Date("2026-11-25T14:00:00Z") });
    const shown = [first, nextDay, sameDay].map(
      (r) => r.status === "checked_in" && [r.welcome.pointsEarned, r.welcome.checkedInEarlierToday],
    );
    expect(shown).toEqual([
      [10, false],
      [10, false],
      [0, true],
    ]);
    expect(di).toBeTruthy();
  });

  it("shows an instant reward unlocked by an invoice paid during the visit, with its expiry, on the next check-in", async () => {
    await recordEvent({
      ctx: p.system,
      input: {
        id: "inv-1",
        type: "invoice.paid",
        at: "2026-11-23T16:00:00Z",
        member: ana,
        invoice: { id: "inv-1", lines: [{ code: "D8080", amount: "350.00" }] },
      },
    });
    const r = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: ana, method: "qr", at: new Date("2026-11-23T17:00:00Z") } });
    expect(r.instantRewards).toEqual([
      { coupon: "free-whitening", title: null, rule: "Big visit", expiresAt: new Date("2026-11-25T16:00:00Z") },
    ]);
    // Expired rewards are not shown.
    const later = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: ana, method: "qr", at: new Date("2026-11-26T17:00:00Z") } });
    expect(later.instantRewards).toEqual([]);
  });

  it("counts perfect surveys toward milestones and offers the survey when the practice has one", async () => {
    for (const [i, day] of ["27", "28", "29"].entries()) {
      await recordEvent({
        ctx: p.system,
        input: { id: `s-${i}`, type: "survey.submitted", at: `2026-11-${day}T10:00:00Z`, member: ana, survey: { answers: [true, true] } },
      });
    }
    await t.db.insert(surveyQuestions).values({ practiceId: p.id, text: "Did you wear your elastics?" });
    const r = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: ana, method: "card", at: new Date("2026-11-30T10:00:00Z") } });
    expect(r.surveyAvailable).toBe(true);
    expect(r.milestones).toEqual([
      expect.objectContaining({ name: "Keep it up", nextPhase: null, tally: 3, target: 5, phasesDone: 0, phasesTotal: 0 }),
      expect.objectContaining({ name: "Braces journey", nextPhase: "Aligner Ace", tally: 1, target: 3, phasesDone: 1, phasesTotal: 2 }),
    ]);
  });

  it("welcomes a lead without recording an event", async () => {
    const r = await kioskCheckIn({ ctx: p.kiosk, input: { memberId: lead, method: "card" } });
    expect(r).toMatchObject({ firstName: "Leo", eventId: null, pointsEarned: 0 });
  });

  it("only kiosks and staff check in, and only members of their own practice", async () => {
    await expect(kioskCheckIn({ ctx: p.asMember(ana), input: { memberId: ana, method: "card" } })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const other = await makePractice(t);
    await expect(kioskCheckIn({ ctx: other.kiosk, input: { memberId: ana, method: "card" } })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("shows no balance while the program is in test mode, on the single and the batched path", async () => {
    const [cy] = await makeMembers(t, p.id, [{ firstName: "Cy", lastName: "Dale", cardNumber: "7001" }]);
    await t.db.update(practices).set({ status: "test" }).where(eq(practices.id, p.id));
    try {
      const single = await kioskCheckIn({
        ctx: p.kiosk,
        input: { memberId: cy!.id, method: "card", at: new Date("2026-11-24T15:00:00Z") },
      });
      expect(single.balance).toBeNull();
      expect(single.pointsEarned).toBe(10); // points still accrue in test mode
      const batched = await kioskCheckInBatched(p.kiosk, { method: "card", cardNumber: "7001" }, { qrSecret: "test-secret" });
      expect(batched.status).toBe("checked_in");
      expect(batched.status === "checked_in" && batched.welcome.balance).toBeNull();
    } finally {
      await t.db.update(practices).set({ status: "on" }).where(eq(practices.id, p.id));
    }
  });
});
