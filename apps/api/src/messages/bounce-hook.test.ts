// Bounces reported by the mail relay after the fact, through the API with a real local SMTP server
// (smtp-server): the relay's report must carry a Standard Webhooks signature (or the bearer
// secret); a soft bounce changes nothing; a hard bounce marks the address undeliverable (on the
// profile, with its reason), the message bounced and the next email to it suppressed (it never
// reaches the SMTP server) until staff clear the mark; without the secret the endpoint is absent.
import { randomBytes } from "node:crypto";
import { enqueueMessage } from "@tally/core";
import { members, messages } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMailer } from "../mail.ts";
import { createHarness, type Harness } from "../testing/harness.ts";
import { type LocalSmtp, localSmtp } from "../testing/smtp.ts";
import { emailBouncePath } from "./bounce-hook.ts";
import { runMessageDrain } from "./run.ts";

describe("POST /api/hooks/email/bounce", () => {
  let h: Harness;
  let smtp: LocalSmtp;
  const secret = `whsec_${randomBytes(32).toString("base64")}`;

  beforeAll(async () => {
    smtp = await localSmtp();
    h = await createHarness({ config: { publicUrl: "http://tally.test", emailBounceSecret: secret } });
    h.app.deps.mailer = createMailer(h.t.db, { smtpUrl: smtp.url, from: "Tally <no-reply@tally.test>" });
  });
  afterAll(async () => {
    h?.app.deps.mailer.close();
    await h?.dispose();
    await smtp?.close();
  });

  const signed = (body: unknown, key = secret) => {
    const text = JSON.stringify(body);
    const id = `msg_${randomBytes(8).toString("hex")}`;
    const now = new Date();
    return {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "webhook-id": id,
        "webhook-timestamp": String(Math.floor(now.getTime() / 1000)),
        "webhook-signature": new Webhook(key).sign(id, now, text),
      },
      body: text,
    };
  };
  const birthday = (practiceId: string, memberId: string, subjectKey: string) =>
    enqueueMessage(h.t.db, { practiceId, memberId, kind: "birthday", channel: "email", subjectKey, title: "Happy birthday", data: {} });
  const row = async (id: string) => (await h.t.db.select().from(messages).where(eq(messages.id, id)))[0]!;

  it("refuses a report without the relay's signature or secret, and a body that is not a bounce", async () => {
    const body = { email: "someone@example.com", type: "hard", reason: "550 user unknown", messageId: "x@y" };
    expect((await h.request(emailBouncePath, { method: "POST", body: JSON.stringify(body) })).status).toBe(401);
    const forged = signed(body, `whsec_${randomBytes(32).toString("base64")}`);
    expect((await h.request(emailBouncePath, forged)).status).toBe(401);
    // Signed over another body: refused.
    const swapped = { ...signed(body), body: JSON.stringify({ ...body, email: "other@example.com" }) };
    expect((await h.request(emailBouncePath, swapped)).status).toBe(401);
    const wrongBearer = await h.request(emailBouncePath, {
      method: "POST",
      headers: { authorization: "Bearer whsec_nope" },
      body: JSON.stringify(body),
    });
    expect(wrongBearer.status).toBe(401);
    const bad = await h.request(emailBouncePath, signed({ email: "not an email", type: "permanent" }));
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({
      error: { code: "INVALID_INPUT", errors: expect.arrayContaining([{ path: "email", message: expect.any(String) }]) },
    });
  });

  it("soft bounce: nothing marked; hard bounce: address undeliverable, message bounced, the next email suppressed until staff clear it", async () => {
    const team = await h.staff("team_member");
    const bright = h.practiceIds["bright-smiles"]!;
    const [ana] = await h.t.db
      .select()
      .from(members)
      .where(and(eq(members.practiceId, bright), eq(members.firstName, "Ana")));
    const first = await birthday(bright, ana!.id, "2026");
    await runMessageDrain(h.app.deps);
    const mail = smtp.received.find((r) => r.to.includes(ana!.email!))!;
    // The Message-ID the relay reports is the one the mail went out with.
    const messageId = /^Message-ID: (<[^>]+>)/im.exec(mail.raw)![1]!;
    expect(await row(first.id)).toMatchObject({ status: "sent", providerRef: messageId });

    const soft = await h.request(emailBouncePath, signed({ email: ana!.email, type: "soft", reason: "452 4.2.2 mailbox full", messageId }));
    expect(soft.status).toBe(200);
    expect(await soft.json()).toEqual({
      recorded: [{ email: ana!.email!.toLowerCase(), type: "soft", messageFound: true, practicesMarked: 0 }],
    });
    expect(await row(first.id)).toMatchObject({ status: "sent", error: "Delivery delayed (soft bounce): 452 4.2.2 mailbox full" });
    expect((await team.messages.ofMember.query({ memberId: ana!.id })).undeliverable).toEqual([]);

    // The relay's report without angle brackets round the Message-ID.
    const hard = await h.request(
      emailBouncePath,
      signed({ email: ana!.email!.toUpperCase(), type: "hard", reason: "550 5.1.1 user unknown", messageId: messageId.slice(1, -1) }),
    );
    expect(hard.status).toBe(200);
    expect(await hard.json()).toMatchObject({ recorded: [{ type: "hard", messageFound: true, practicesMarked: 1 }] });
    const profile = await team.messages.ofMember.query({ memberId: ana!.id });
    expect(profile.undeliverable).toEqual([
      {
        channel: "email",
        address: ana!.email!.toLowerCase(),
        reason: "hard bounce",
        detail: "550 5.1.1 user unknown",
        since: expect.anything(),
      },
    ]);
    expect(profile.messages.find((m) => m.id === first.id)).toMatchObject({ status: "bounced", error: "Bounced: 550 5.1.1 user unknown" });

    // The next email is suppressed: it never reaches the SMTP server.
    const before = smtp.received.length;
    const next = await birthday(bright, ana!.id, "2027");
    expect(next).toMatchObject({ status: "suppressed", reason: "the address is undeliverable (hard bounce)" });
    await runMessageDrain(h.app.deps);
    expect(smtp.received.length).toBe(before);
    expect((await team.messages.list.query({ status: "suppressed" })).messages.map((m) => m.id)).toContain(next.id);

    // The patient fixed their mailbox: staff clear the mark (audited); email flows again.
    expect(await team.messages.clearUndeliverable.mutate({ memberId: ana!.id, channel: "email" })).toEqual({ cleared: true });
    const again = await birthday(bright, ana!.id, "2028");
    expect(again.status).toBe("queued");
    await runMessageDrain(h.app.deps);
    expect(smtp.received.slice(before).map((r) => r.to)).toEqual([[ana!.email]]);
  });

  it("a report of an unknown message (bearer secret) marks the address in the practices that emailed it; without the secret the endpoint is absent", async () => {
    const paws = h.practiceIds["paws-claws"]!;
    const [vet] = await h.t.db.select().from(members).where(eq(members.practiceId, paws));
    await h.t.db.update(members).set({ email: "gone@example.com" }).where(eq(members.id, vet!.id));
    await enqueueMessage(h.t.db, {
      practiceId: paws,
      memberId: vet!.id,
      kind: "invitation",
      channel: "email",
      subjectKey: "invite",
      title: "Your invitation",
      data: { memberName: "Vet", link: "http://tally.test/portal/invite?token=x" },
    });
    await runMessageDrain(h.app.deps);
    const res = await h.request(emailBouncePath, {
      method: "POST",
      headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
      body: JSON.stringify([{ email: "gone@example.com", type: "hard", reason: "mailbox removed", messageId: "<unknown@relay.example>" }]),
    });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ recorded: [{ messageFound: false, practicesMarked: 1 }] });
    const admin = await h.staff("admin", "paws-claws");
    expect((await admin.messages.ofMember.query({ memberId: vet!.id })).undeliverable).toEqual([
      expect.objectContaining({ address: "gone@example.com", reason: "hard bounce", detail: "mailbox removed" }),
    ]);

    const saved = h.app.deps.config.emailBounceSecret;
    h.app.deps.config.emailBounceSecret = undefined;
    try {
      const absent = await h.request(emailBouncePath, signed({ email: "gone@example.com", type: "hard" }));
      expect(absent.status).toBe(404);
    } finally {
      h.app.deps.config.emailBounceSecret = saved;
    }
  });
});
