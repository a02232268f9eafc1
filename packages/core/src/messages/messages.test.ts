// The message outbox's rules in core: a check-in that unlocks a coupon queues "you unlocked" in
// its own transaction (with the expiry); test mode queues nothing; a member's opt-out, the
// practice's switch and missing SMS consent skip with the reason; quiet hours hold text messages
// in the practice's timezone; one message per (member, kind, channel, subject).
import { messages } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createReward } from "../catalog/rewards.ts";
import { checkIn } from "../checkin/check-in.ts";
import { runBirthdays } from "../members/birthdays.ts";
import { convertLead, registerLead } from "../members/leads.ts";
import { saveRuleSet } from "../rules/rule-sets.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import { afterQuietHours, claimMessages, enqueueMessage, setMessagePreference } from "./outbox.ts";
import { updateMessagingSettings } from "./settings.ts";

const rules = `reward "Check-in" on visit.checked_in { award 10 points }
instant "Quick visit" {
  window 4 hours
  when visit.points >= 10
  unlock coupon "ten-off" for 48 hours
}`;

describe("message outbox (core)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  const setup = async (status: "on" | "test") => {
    const p = await makePractice(t, { status });
    await createReward({
      ctx: p.admin,
      input: { kind: "coupon", name: "$10 off your next visit", pointsPrice: 400, couponCode: "ten-off" },
    });
    await saveRuleSet({ ctx: p.admin, input: { source: rules, publish: true } });
    return p;
  };
  const messagesOf = (memberId: string) => t.db.select().from(messages).where(eq(messages.memberId, memberId));

  it("a check-in that unlocks a coupon queues its message in the same transaction, with the expiry", async () => {
    const p = await setup("on");
    const [m] = await makeMembers(t, p.id, [{ firstName: "Cy", lastName: "Dunn", email: "cy@example.com", phone: "5125550111" }]);
    await checkIn({ ctx: p.team, input: { method: "staff", memberId: m!.id } });
    const rows = await messagesOf(m!.id);
    const email = rows.find((r) => r.channel === "email")!;
    expect(email).toMatchObject({
      kind: "coupon_unlocked",
      status: "queued",
      to: "cy@example.com",
      title: "You unlocked $10 off your next visit",
    });
    expect(Date.parse(email.data.expiresAt as string) - Date.now()).toBeGreaterThan(47 * 3_600_000);
    // No SMS consent: the text is recorded as skipped with the reason, never sent.
    expect(rows.find((r) => r.channel === "sms")).toMatchObject({ status: "skipped", error: "no SMS consent" });
    // Claimed once, by one worker.
    const [a, b] = await Promise.all([claimMessages(t.db, { limit: 100 }), claimMessages(t.db, { limit: 100 })]);
    expect([...a, ...b].filter((x) => x.id === email.id)).toHaveLength(1);
  });

  it("test mode queues nothing to patients", async () => {
    const p = await setup("test");
    const [m] = await makeMembers(t, p.id, [{ firstName: "Di", lastName: "Ek", email: "di@example.com" }]);
    await checkIn({ ctx: p.team, input: { method: "staff", memberId: m!.id } });
    expect(await messagesOf(m!.id)).toEqual([]);
  });

  it("the member's opt-out and the practice's switch skip with their reason; one message per key", async () => {
    const p = await setup("on");
    const [m] = await makeMembers(t, p.id, [{ firstName: "Flo", lastName: "Gray", email: "flo@example.com" }]);
    const send = (kind: "birthday" | "digest", subjectKey: string) =>
      enqueueMessage(t.db, { practiceId: p.id, memberId: m!.id, kind, channel: "email", subjectKey, title: kind });
    const first = await send("birthday", "2026");
    expect(first).toMatchObject({ status: "queued", created: true });
    expect(await send("birthday", "2026")).toMatchObject({ id: first.id, created: false });
    await setMessagePreference({ ctx: p.asMember(m!.id), input: { memberId: m!.id, kind: "birthday", channel: "email", on: false } });
    expect(await send("birthday", "2027")).toMatchObject({ status: "skipped", reason: "the member unsubscribed" });
    await updateMessagingSettings({ ctx: p.admin, input: { disabled: ["digest:email"] } });
    expect(await send("digest", "d1")).toMatchObject({ status: "skipped", reason: "switched off by the practice" });
    // Another member cannot change Flo's choices.
    const [other] = await makeMembers(t, p.id, [{ firstName: "Gus", lastName: "Hale" }]);
    await expect(
      setMessagePreference({ ctx: p.asMember(other!.id), input: { memberId: m!.id, kind: "birthday", channel: "email", on: true } }),
    ).rejects.toMatchObject({ code: "NOT_FOUND" });
    const rows = await t.db
      .select()
      .from(messages)
      .where(and(eq(messages.memberId, m!.id), eq(messages.kind, "birthday")));
    expect(rows).toHaveLength(2);
  });

  it("a lead's confirmation, the welcome on conversion and a birthday are queued with what they announce, once", async () => {
    const p = await setup("on");
    const lead = await registerLead({ ctx: p.kiosk, input: { firstName: "Lia", lastName: "Moss", email: "lia@example.com" } });
    expect(await messagesOf(lead.id)).toEqual([
      expect.objectContaining({ kind: "lead_confirmation", status: "queued", to: "lia@example.com" }),
    ]);
    await convertLead({ ctx: p.admin, input: { id: lead.id } });
    const welcome = (await messagesOf(lead.id)).filter((m) => m.kind === "welcome");
    expect(welcome.map((m) => [m.channel, m.status])).toEqual(
      expect.arrayContaining([
        ["email", "queued"],
        ["sms", "skipped"],
      ]),
    );
    const today = new Date().toISOString().slice(0, 10);
    const [b] = await makeMembers(t, p.id, [
      { firstName: "Bo", lastName: "Day", email: "bo@example.com", birthday: `1990-${today.slice(5)}` },
    ]);
    await runBirthdays({ ctx: p.system, input: { at: new Date() } });
    await runBirthdays({ ctx: p.system, input: { at: new Date() } });
    const birthday = (await messagesOf(b!.id)).filter((m) => m.kind === "birthday" && m.channel === "email");
    expect(birthday).toEqual([expect.objectContaining({ status: "queued", subjectKey: `birthday:${today.slice(0, 4)}` })]);
  });

  it("quiet hours hold a text until they end, in the practice's timezone (wrapping midnight)", () => {
    // 22:30 in Chicago (CDT, UTC-5) on 1 June = 03:30 UTC on 2 June; quiet 21:00-08:00 → 08:00 local = 13:00 UTC.
    const at = new Date("2026-06-02T03:30:00Z");
    expect(afterQuietHours(at, "America/Chicago", 21 * 60, 8 * 60).toISOString()).toBe("2026-06-02T13:00:00.000Z");
    // 12:00 local is outside: unchanged.
    const noon = new Date("2026-06-02T17:00:00Z");
    expect(afterQuietHours(noon, "America/Chicago", 21 * 60, 8 * 60)).toEqual(noon);
    // India (+05:30): 23:10 local = 17:40 UTC → 07:00 local next day = 01:30 UTC.
    expect(afterQuietHours(new Date("2026-06-02T17:40:00Z"), "Asia/Kolkata", 22 * 60, 7 * 60).toISOString()).toBe(
      "2026-06-03T01:30:00.000Z",
    );
  });
});
