// The message outbox through the API, with a real local SMTP server (smtp-server) and a local fake
// of Twilio over HTTP: the gift card's email arrives with its claim link and a working one-click
// unsubscribe (RFC 8058, no session), after which that kind stops; test mode sends nothing to
// patients but transactional mail still goes; no SMS without consent; Twilio's 21610 and a hard
// bounce mark the address undeliverable (shown on the profile); a send interrupted mid-way is
// `unknown`, not repeated, until staff resend it; status callbacks need a valid X-Twilio-Signature.
import { randomBytes } from "node:crypto";
import {
  enqueueMessage,
  fulfilPendingGiftCards,
  type GiftCardProvider,
  sandboxGiftCards,
  secretsKeyVariable,
  setGiftCardProvider,
} from "@tally/core";
import { members, messages } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { enqueueGiftCardFailed, runGiftCardOutbox } from "../jobs/gift-card-outbox.ts";
import { createMailer } from "../mail.ts";
import { createHarness, type Harness } from "../testing/harness.ts";
import { type LocalSmtp, localSmtp } from "../testing/smtp.ts";
import { drainMessages } from "./drain.ts";
import { type FakeTwilio, fakeTwilio } from "./fake-twilio.ts";
import { runMessageDrain } from "./run.ts";
import { twilioSignature } from "./sms.ts";

describe("messages: email over SMTP, SMS through Twilio", () => {
  let h: Harness;
  let smtp: LocalSmtp;
  let twilio: FakeTwilio;
  const savedKey = process.env[secretsKeyVariable];
  const claimUrl = "https://claim.example.com/r/ABC123";
  const provider: GiftCardProvider = {
    name: "linking",
    async issue(order) {
      const card = await sandboxGiftCards.issue(order);
      return { ...card, claimUrl: `${claimUrl}?o=${order.orderId}` };
    },
  };
  let bright: string;
  let paws: string;

  beforeAll(async () => {
    process.env[secretsKeyVariable] = randomBytes(32).toString("base64");
    smtp = await localSmtp({ refuse: (address) => address.startsWith("bounce") });
    twilio = await fakeTwilio();
    h = await createHarness({ config: { publicUrl: "http://tally.test" } });
    h.app.deps.mailer = createMailer(h.t.db, { smtpUrl: smtp.url, from: "Tally <no-reply@tally.test>" });
    bright = h.practiceIds["bright-smiles"]!;
    paws = h.practiceIds["paws-claws"]!;
    setGiftCardProvider(provider);
  });
  afterAll(async () => {
    setGiftCardProvider(sandboxGiftCards);
    if (savedKey === undefined) delete process.env[secretsKeyVariable];
    else process.env[secretsKeyVariable] = savedKey;
    h?.app.deps.mailer.close();
    await h?.dispose();
    await twilio?.close();
    await smtp?.close();
  });

  const memberNamed = async (practiceId: string, firstName: string) =>
    (
      await h.t.db
        .select()
        .from(members)
        .where(and(eq(members.practiceId, practiceId), eq(members.firstName, firstName)))
    )[0]!;
  const mailTo = (address: string) => smtp.received.filter((r) => r.to.includes(address));
  /** Quoted-printable soft line breaks and escapes undone, enough to read links and words. */
  const plain = (raw: string) =>
    raw
      .replace(/\r?\n[ \t]+/g, " ")
      .replace(/=\r?\n/g, "")
      .replace(/=3D/g, "=");

  it("a redeemed gift card's email arrives with the claim link and a one-click unsubscribe that works without a session", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const ana = await memberNamed(bright, "Ana");
    await team.ledger.adjust.mutate({ memberId: ana.id, points: 2_000, note: "start" });
    const reward = await admin.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$10 Books",
      pointsPrice: 500,
      valueCents: 1000,
      providerSku: "BK-10",
    });
    const first = await team.redemption.redeem.mutate({ memberId: ana.id, rewardId: reward.id });
    await runGiftCardOutbox(h.app.deps);
    const mails = mailTo(ana.email!);
    expect(mails).toHaveLength(1);
    const raw = plain(mails[0]!.raw);
    expect(raw).toMatch(/Subject: Your \$10 Books is ready/);
    expect(raw).toContain(`${claimUrl}?o=${first.orderId}`);
    expect(raw).toMatch(/Content-Type: text\/plain/);
    expect(raw).toMatch(/Content-Type: text\/html/);
    expect(raw).toMatch(/List-Unsubscribe-Post: List-Unsubscribe=One-Click/);
    const unsubscribe = /List-Unsubscribe: <(http:\/\/tally\.test\/messages\/unsubscribe\/[^>]+)>/.exec(raw)?.[1];
    expect(unsubscribe).toBeTruthy();
    // Staff see it sent.
    const list = await team.messages.list.query({ memberId: ana.id });
    expect(list.messages.find((m) => m.kind === "reward_ready" && m.channel === "email")).toMatchObject({ status: "sent", to: ana.email });
    // The one-click POST (as a mail client sends it: no cookie), then the same link's page says it is done.
    const path = new URL(unsubscribe!).pathname;
    const page = await h.request(path);
    expect(await page.text()).toContain("Reward ready emails");
    const post = await h.request(path, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "List-Unsubscribe=One-Click",
    });
    expect(post.status).toBe(200);
    expect(await post.text()).toContain("You will no longer receive Reward ready emails");
    expect((await h.request("/messages/unsubscribe/not-a-token", { method: "POST" })).status).toBe(404);
    // The next card for Ana: no email of that kind any more (recorded as skipped, with the reason).
    const second = await team.redemption.redeem.mutate({ memberId: ana.id, rewardId: reward.id });
    await runGiftCardOutbox(h.app.deps);
    expect(mailTo(ana.email!)).toHaveLength(1);
    const after = await team.messages.list.query({ memberId: ana.id, kind: "reward_ready" });
    expect(after.messages.find((m) => m.channel === "email" && m.status === "skipped")).toMatchObject({ error: "the member unsubscribed" });
    expect(second.orderId).not.toBe(first.orderId);
    // The portal shows the choice, and the patient can turn it back on.
    const prefs = await team.messages.preferencesOf.query({ memberId: ana.id });
    expect(prefs.find((p) => p.kind === "reward_ready" && p.channel === "email")).toMatchObject({ on: false });
    expect(prefs.find((p) => p.kind === "coupon_unlocked" && p.channel === "email")).toMatchObject({ on: true });
  });

  it("a gift card the provider never issues is refunded, shown in Orders, and the admins get a staff notice", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const ben = await memberNamed(bright, "Ana");
    await team.ledger.adjust.mutate({ memberId: ben.id, points: 1_000, note: "start" });
    const { balance } = await team.ledger.balance.query({ memberId: ben.id });
    const reward = await admin.catalog.createReward.mutate({
      kind: "gift_card",
      name: "$5 Coffee",
      pointsPrice: 300,
      valueCents: 500,
      providerSku: "CF-5",
    });
    const r = await team.redemption.redeem.mutate({ memberId: ben.id, rewardId: reward.id });
    const failing: GiftCardProvider = {
      name: "failing",
      issue: async () => {
        throw new Error("Tremendous: Product CF-5 is not available (HTTP 422)");
      },
    };
    const before = smtp.received.length;
    expect(await fulfilPendingGiftCards(h.t.db, failing, { maxAttempts: 1, onFailed: enqueueGiftCardFailed })).toMatchObject({ failed: 1 });
    await runMessageDrain(h.app.deps);
    const [order] = (await team.redemption.orders.query({ memberId: ben.id })).filter((o) => o.id === r.orderId);
    expect(order).toMatchObject({ status: "cancelled", note: expect.stringContaining("Product CF-5 is not available") });
    expect(await team.ledger.balance.query({ memberId: ben.id })).toMatchObject({ balance });
    const notices = smtp.received.slice(before).filter((m) => /A gift card could not be issued/.test(plain(m.raw)));
    expect(notices.map((m) => m.to)).toEqual([["admin@brightsmiles.test"]]);
    expect(plain(notices[0]!.raw)).toContain("points refunded");
  });

  it("test mode sends nothing to patients; transactional mail still goes out", async () => {
    const vet = (await h.t.db.select().from(members).where(eq(members.practiceId, paws)))[0]!;
    const before = smtp.received.length;
    const patient = await enqueueMessage(h.t.db, {
      practiceId: paws,
      memberId: vet.id,
      kind: "birthday",
      channel: "email",
      subjectKey: "2026",
      title: "Happy birthday",
      data: { firstName: vet.firstName },
    });
    expect(patient).toMatchObject({ status: "skipped", reason: "test mode: nothing is sent to patients" });
    const invite = await enqueueMessage(h.t.db, {
      practiceId: paws,
      memberId: vet.id,
      kind: "invitation",
      channel: "email",
      to: "invitee@example.com",
      subjectKey: "invite-1",
      title: "Your invitation",
      data: { memberName: vet.firstName, link: "http://tally.test/portal/invite?token=x" },
    });
    expect(invite.status).toBe("queued");
    await runMessageDrain(h.app.deps);
    expect(smtp.received.slice(before).map((r) => r.to)).toEqual([["invitee@example.com"]]);
    // Transactional mail has no unsubscribe link.
    expect(smtp.received.at(-1)!.raw).not.toMatch(/List-Unsubscribe/);
  });

  it("a hard bounce marks the address undeliverable and shows it on the profile", async () => {
    const team = await h.staff("team_member");
    const ben = (await h.t.db.select().from(members).where(eq(members.practiceId, bright)))[1]!;
    await h.t.db.update(members).set({ email: "bounce-ben@example.com" }).where(eq(members.id, ben.id));
    await enqueueMessage(h.t.db, {
      practiceId: bright,
      memberId: ben.id,
      kind: "birthday",
      channel: "email",
      subjectKey: "2026",
      title: "Happy birthday",
      data: {},
    });
    await runMessageDrain(h.app.deps);
    const { messages: list, undeliverable } = await team.messages.ofMember.query({ memberId: ben.id });
    expect(list[0]).toMatchObject({ kind: "birthday", status: "bounced", error: expect.stringContaining("The address was refused") });
    expect(undeliverable).toEqual([
      expect.objectContaining({ channel: "email", address: "bounce-ben@example.com", reason: "hard bounce" }),
    ]);
    // Nothing more is written to it, and staff cannot resend to it.
    const next = await enqueueMessage(h.t.db, {
      practiceId: bright,
      memberId: ben.id,
      kind: "digest",
      channel: "email",
      subjectKey: "d1",
      title: "Digest",
      data: {},
    });
    expect(next).toMatchObject({ status: "suppressed", reason: "the address is undeliverable (hard bounce)" });
    await expect(team.messages.resend.mutate({ messageId: list[0]!.id })).rejects.toThrow(/cannot be written to/);
  });

  it("SMS: none without consent; through Twilio with it; 21610 marks the number opted out; callbacks need Twilio's signature", async () => {
    const admin = await h.staff("admin");
    const team = await h.staff("team_member");
    const settings = await admin.messages.updateSettings.mutate({
      sms: {
        provider: "twilio",
        credentials: { accountSid: twilio.accountSid, authToken: twilio.authToken, from: "+15005550006", baseUrl: twilio.url },
      },
      quietStartMinute: 0,
      quietEndMinute: 0,
    });
    expect(settings).toMatchObject({ smsProvider: "twilio", smsConfigured: true });
    expect(JSON.stringify(settings)).not.toContain(twilio.authToken);
    const [cara, dan] = (await h.t.db.select().from(members).where(eq(members.practiceId, bright))).slice(2, 4);
    await h.t.db.update(members).set({ phone: "5125550101" }).where(eq(members.id, cara!.id));
    await h.t.db.update(members).set({ phone: "5125550102" }).where(eq(members.id, dan!.id));
    const sms = (memberId: string, subjectKey: string) =>
      enqueueMessage(h.t.db, {
        practiceId: bright,
        memberId,
        kind: "coupon_unlocked",
        channel: "sms",
        subjectKey,
        title: "Coupon",
        data: { couponName: "Free whitening" },
      });
    expect(await sms(cara!.id, "c1")).toMatchObject({ status: "skipped", reason: "no SMS consent" });
    await team.members.recordConsent.mutate({ memberId: cara!.id, kind: "sms" });
    await team.members.recordConsent.mutate({ memberId: dan!.id, kind: "sms" });
    expect(await sms(cara!.id, "c2")).toMatchObject({ status: "queued" });
    twilio.stopped.add("+15125550102");
    await sms(dan!.id, "c3");
    await runMessageDrain(h.app.deps);
    expect(twilio.sent.map((s) => [s.to, s.body])).toEqual([["+15125550101", expect.stringContaining("you unlocked Free whitening")]]);
    expect(twilio.sent[0]!.body).toMatch(/Reply STOP to opt out\.$/);
    const danMessages = await team.messages.ofMember.query({ memberId: dan!.id });
    expect(danMessages.messages[0]).toMatchObject({ status: "failed", error: expect.stringContaining("21610") });
    expect(danMessages.undeliverable).toEqual([expect.objectContaining({ channel: "sms", address: "5125550102" })]);
    // The status callback: a forged one is refused; Twilio's signed one records the failure.
    const sid = twilio.sent[0]!.sid;
    const forged = await h.request("/messages/twilio/status", {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-twilio-signature": "forged" },
      body: new URLSearchParams({ MessageSid: sid, MessageStatus: "undelivered" }),
    });
    expect(forged.status).toBe(403);
    const status = await twilio.deliver(sid, "undelivered", {
      errorCode: 30003,
      fetch: (url, init) => h.request(new URL(url as string).pathname, init),
    });
    expect(status).toBe(204);
    const [row] = await h.t.db.select().from(messages).where(eq(messages.providerRef, sid));
    // 30003 (unreachable handset): the message bounced and the number is marked undeliverable.
    expect(row).toMatchObject({ status: "bounced", error: "Twilio: undelivered (error 30003: unreachable handset)" });
    expect((await team.messages.ofMember.query({ memberId: cara!.id })).undeliverable).toEqual([
      expect.objectContaining({ channel: "sms", address: "5125550101", reason: "undeliverable (Twilio 30003)" }),
    ]);
    expect(await sms(cara!.id, "c3b")).toMatchObject({ status: "suppressed", reason: "the number is undeliverable (Twilio 30003)" });
    // STOP from Cara's phone: nothing more by text.
    const inbound = { From: "+15125550101", Body: "STOP", To: "+15005550006" };
    const stop = await h.request("/messages/twilio/inbound", {
      method: "POST",
      headers: {
        "content-type": "application/x-www-form-urlencoded",
        "x-twilio-signature": twilioSignature(twilio.authToken, "http://tally.test/messages/twilio/inbound", inbound),
      },
      body: new URLSearchParams(inbound),
    });
    expect(stop.status).toBe(200);
    expect(await sms(cara!.id, "c4")).toMatchObject({ status: "suppressed", reason: "the number opted out (STOP)" });
  });

  it("a send interrupted mid-way is shown as unknown, never repeated by itself; staff resend it", async () => {
    const team = await h.staff("team_member");
    const eve = (await h.t.db.select().from(members).where(eq(members.practiceId, bright)))[4]!;
    const q = await enqueueMessage(h.t.db, {
      practiceId: bright,
      memberId: eve.id,
      kind: "welcome",
      channel: "email",
      subjectKey: "welcome",
      title: "Welcome",
      data: {},
    });
    // A worker claimed it and died before recording the answer.
    await h.t.db
      .update(messages)
      .set({ status: "sending", attempts: 1, updatedAt: new Date(Date.now() - 10 * 60_000) })
      .where(eq(messages.id, q.id));
    const before = mailTo(eve.email!).length;
    const report = await drainMessages({ db: h.t.db, mailer: h.app.deps.mailer, publicUrl: "http://tally.test" });
    expect(report.interrupted).toBe(1);
    expect(mailTo(eve.email!).length).toBe(before);
    const line = (await team.messages.list.query({ status: "unknown" })).messages.find((m) => m.id === q.id);
    expect(line).toMatchObject({
      status: "unknown",
      canResend: true,
      error: expect.stringContaining("may or may not have been delivered"),
    });
    await team.messages.resend.mutate({ messageId: q.id });
    expect(mailTo(eve.email!).length).toBe(before + 1);
    expect((await team.messages.list.query({ memberId: eve.id })).messages[0]).toMatchObject({ status: "sent" });
    // Enqueued again with the same key: the same message, nothing new.
    expect(
      await enqueueMessage(h.t.db, {
        practiceId: bright,
        memberId: eve.id,
        kind: "welcome",
        channel: "email",
        subjectKey: "welcome",
        title: "Welcome",
      }),
    ).toMatchObject({
      id: q.id,
      created: false,
    });
  });
});
