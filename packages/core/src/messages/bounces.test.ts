// Undeliverable addresses in core: a hard bounce the relay reports later marks the address (with
// its reason and when), the message `bounced`, the messages still queued to it and every later one
// `suppressed`; a soft bounce only notes the delay; staff clear the mark once the patient fixed
// their mailbox, and a new address is not affected by the old one's mark.
import { messageSuppressions, messages } from "@tally/db";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { updateMember } from "../members/update-member.ts";
import { createTestDatabase, makeMembers, makePractice, type TestDatabase } from "../testing.ts";
import {
  claimMessages,
  clearUndeliverable,
  enqueueMessage,
  listMemberMessages,
  recordEmailBounce,
  recordMessageOutcome,
} from "./outbox.ts";

describe("hard and soft bounces (core)", () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase();
  });
  afterAll(() => t?.dispose());

  const row = async (id: string) => (await t.db.select().from(messages).where(eq(messages.id, id)))[0]!;

  it("a hard bounce marks the address undeliverable, the message bounced, and what follows suppressed", async () => {
    const p = await makePractice(t, { status: "on" });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Ada", lastName: "Byrd", email: "Ada.Byrd@Example.com" }]);
    const send = (subjectKey: string) =>
      enqueueMessage(t.db, { practiceId: p.id, memberId: m!.id, kind: "birthday", channel: "email", subjectKey, title: "Happy birthday" });
    const first = await send("2026");
    const [claimed] = await claimMessages(t.db, { limit: 10 });
    expect(claimed!.id).toBe(first.id);
    await recordMessageOutcome(t.db, claimed!, { ok: true, providerRef: "<abc-123@tally.test>" });
    const waiting = await send("2027");
    expect(waiting.status).toBe("queued");

    // A soft bounce (mailbox full) notes the delay and marks nothing.
    await recordEmailBounce(t.db, {
      email: "ada.byrd@example.com",
      type: "soft",
      reason: "452 mailbox full",
      messageId: "abc-123@tally.test",
    });
    expect(await row(first.id)).toMatchObject({ status: "sent", error: "Delivery delayed (soft bounce): 452 mailbox full" });
    expect(await t.db.select().from(messageSuppressions).where(eq(messageSuppressions.practiceId, p.id))).toEqual([]);

    const before = Date.now();
    const r = await recordEmailBounce(t.db, {
      email: "ADA.BYRD@example.com",
      type: "hard",
      reason: "550 5.1.1 user unknown",
      messageId: "<abc-123@tally.test>",
    });
    expect(r).toEqual({ messageId: first.id, practiceIds: [p.id] });
    expect(await row(first.id)).toMatchObject({ status: "bounced", error: "Bounced: 550 5.1.1 user unknown" });
    expect(await row(waiting.id)).toMatchObject({ status: "suppressed", error: "the address is undeliverable (hard bounce)" });
    const next = await send("2028");
    expect(next).toMatchObject({ status: "suppressed", reason: "the address is undeliverable (hard bounce)" });

    const profile = await listMemberMessages({ ctx: p.team, input: { memberId: m!.id } });
    expect(profile.undeliverable).toEqual([
      {
        channel: "email",
        address: "ada.byrd@example.com",
        reason: "hard bounce",
        detail: "550 5.1.1 user unknown",
        since: expect.any(Date),
      },
    ]);
    expect(profile.undeliverable[0]!.since.getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(profile.messages.find((x) => x.id === first.id)).toMatchObject({ status: "bounced", canResend: true });

    // The patient fixed their mailbox: staff clear the mark and the next message is queued.
    expect(await clearUndeliverable({ ctx: p.team, input: { memberId: m!.id, channel: "email" } })).toEqual({ cleared: true });
    expect((await listMemberMessages({ ctx: p.team, input: { memberId: m!.id } })).undeliverable).toEqual([]);
    expect(await send("2029")).toMatchObject({ status: "queued" });
    expect(await clearUndeliverable({ ctx: p.team, input: { memberId: m!.id, channel: "email" } })).toEqual({ cleared: false });
  });

  it("a bounce for an unknown message marks the address in each practice that emailed it; a new address is not marked", async () => {
    const p = await makePractice(t, { status: "on" });
    const other = await makePractice(t, { status: "on" });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Bea", lastName: "Cole", email: "bea@example.com" }]);
    await enqueueMessage(t.db, { practiceId: p.id, memberId: m!.id, kind: "birthday", channel: "email", subjectKey: "x", title: "Hi" });
    const r = await recordEmailBounce(t.db, { email: "bea@example.com", type: "hard", reason: "no such user", messageId: "unknown@relay" });
    expect(r).toEqual({ messageId: null, practiceIds: [p.id] });
    const marked = await t.db.select().from(messageSuppressions).where(eq(messageSuppressions.address, "bea@example.com"));
    expect(marked.map((s) => s.practiceId)).toEqual([p.id]);
    expect(marked.map((s) => s.practiceId)).not.toContain(other.id);

    // Editing the email: the new address is written to, the profile shows no warning.
    await updateMember({ ctx: p.team, input: { id: m!.id, email: "bea.cole@example.com" } });
    expect((await listMemberMessages({ ctx: p.team, input: { memberId: m!.id } })).undeliverable).toEqual([]);
    expect(
      await enqueueMessage(t.db, { practiceId: p.id, memberId: m!.id, kind: "birthday", channel: "email", subjectKey: "y", title: "Hi" }),
    ).toMatchObject({ status: "queued" });
  });

  it("a hard bounce while sending (SMTP 5xx on RCPT) is recorded as bounced", async () => {
    const p = await makePractice(t, { status: "on" });
    const [m] = await makeMembers(t, p.id, [{ firstName: "Cal", lastName: "Dee", email: "cal@example.com" }]);
    const q = await enqueueMessage(t.db, {
      practiceId: p.id,
      memberId: m!.id,
      kind: "birthday",
      channel: "email",
      subjectKey: "z",
      title: "Hi",
    });
    const claimed = (await claimMessages(t.db, { limit: 50 })).find((c) => c.id === q.id)!;
    await recordMessageOutcome(t.db, claimed, {
      ok: false,
      error: "The address was refused: 550 no such user",
      retryable: false,
      suppress: "hard bounce",
      bounced: true,
    });
    expect(await row(q.id)).toMatchObject({ status: "bounced", error: "The address was refused: 550 no such user" });
  });
});
