// The message outbox: every email and text message to a patient (and the transactional mail to
// staff) is a row of `messages`, written in the transaction of what it announces, idempotent per
// (member or address, kind, channel, subject), and sent after commit by the API's drain job.
//
//   enqueue   in the caller's transaction: the practice's status and switches, the member's
//             opt-outs and SMS consent and the address's suppressions decide here; what may not go
//             out is recorded as `skipped` (or `suppressed`: the address is undeliverable or opted
//             out) with the reason (staff see why), never sent
//   claim     one short transaction: due `queued` rows become `sending` (attempt n+1), SKIP LOCKED
//   send      outside any transaction, by the API (SMTP, Twilio, dev outbox)
//   record    `sent` with the provider's id; a failure the provider says is final is `failed`
//             with its reason (`bounced` for a hard bounce, which also suppresses the address, as
//             an opted-out number does; a bounce reported later by the relay or Twilio does the same);
//             one that may pass later goes back to `queued` with backoff, then `failed`
//   interrupt a row left `sending` past its lease (the worker died mid-send) becomes `unknown`:
//             SMTP and Twilio take no idempotency key, so it is shown to staff rather than
//             repeated; staff may resend it
import { randomBytes, timingSafeEqual } from "node:crypto";
import { consents, type Db, members, messageOptOuts, messageSuppressions, messages, practices, type Tx } from "@tally/db";
import { and, desc, eq, inArray, isNull, lt, or, sql } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { findMember } from "../members/shared.ts";
import { assertSelf, authorize } from "../permissions.ts";
import { query } from "../sql.ts";
import { audit, type Input, inTx, notFound, parseInput } from "../verb.ts";
import { isMessageKind, type MessageChannel, type MessageKind, messageKindLabel, messageKinds, optionalMessageKinds } from "./kinds.ts";
import { messagingRow } from "./settings.ts";

export interface EnqueueMessage {
  practiceId: string;
  memberId?: string | null;
  kind: MessageKind;
  channel: MessageChannel;
  /** What it is about (an order id, a coupon id, a date): one message per member, kind, channel and subject. */
  subjectKey: string;
  /** Defaults to the member's email or phone. */
  to?: string | null;
  title: string;
  data?: Record<string, unknown>;
  now?: Date;
}

export interface Enqueued {
  id: string;
  status: "queued" | "skipped" | "suppressed";
  reason: string | null;
  /** False when a message with this key existed already (nothing new was written). */
  created: boolean;
}

export const normalizeAddress = (channel: MessageChannel, address: string) =>
  channel === "email" ? address.trim().toLowerCase() : address.replace(/\D/g, "");

/** The local minute of the day (0-1439) of an instant in the zone. */
export function localMinuteOfDay(t: Date, timezone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone: timezone,
    hour: "numeric",
    minute: "numeric",
    hourCycle: "h23",
  }).formatToParts(t);
  const part = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  return (part("hour") % 24) * 60 + part("minute");
}

/** The first instant at or after `at` outside the practice's quiet hours (local minutes; start > end wraps midnight). */
export function afterQuietHours(at: Date, timezone: string, startMinute: number, endMinute: number): Date {
  if (startMinute === endMinute) return at;
  const quiet = (t: Date) => {
    const m = localMinuteOfDay(t, timezone);
    return startMinute < endMinute ? m >= startMinute && m < endMinute : m >= startMinute || m < endMinute;
  };
  let t = at;
  // Minute by minute is exact across DST changes; a day has at most 1,440 of them.
  for (let i = 0; i <= 1440 && quiet(t); i++) t = new Date(Math.floor(t.getTime() / 60_000) * 60_000 + 60_000);
  return t;
}

/** The suppression of an address (hard bounce, STOP, carrier opt-out), if any. */
async function suppressionOf(tx: Tx | Db, practiceId: string, channel: MessageChannel, to: string) {
  const [row] = await tx
    .select({ reason: messageSuppressions.reason })
    .from(messageSuppressions)
    .where(
      and(
        eq(messageSuppressions.practiceId, practiceId),
        eq(messageSuppressions.channel, channel),
        eq(messageSuppressions.address, normalizeAddress(channel, to)),
      ),
    );
  return row ?? null;
}

const suppressedReason = (channel: MessageChannel, reason: string) =>
  channel === "email"
    ? `the address is undeliverable (${reason})`
    : reason.startsWith("undeliverable")
      ? `the number is ${reason}`
      : `the number opted out (${reason})`;

/** Why this message may not go out, or null. The one place these rules live. */
async function refusal(
  tx: Tx | Db,
  m: EnqueueMessage,
  to: string | null,
  practice: { status: string },
  disabled: string[],
): Promise<string | { suppressed: string } | null> {
  const kind = messageKinds[m.kind];
  if (!to) return m.channel === "email" ? "no email address" : "no mobile number";
  const suppressed = await suppressionOf(tx, m.practiceId, m.channel, to);
  if (suppressed) return { suppressed: suppressedReason(m.channel, suppressed.reason) };
  if (kind.transactional) return null;
  if (practice.status === "off") return "the program is off";
  if (practice.status === "test") return "test mode: nothing is sent to patients";
  if (disabled.includes(`${m.kind}:${m.channel}`)) return "switched off by the practice";
  if (m.memberId) {
    const [out] = await tx
      .select({ kind: messageOptOuts.kind })
      .from(messageOptOuts)
      .where(
        and(eq(messageOptOuts.memberId, m.memberId), eq(messageOptOuts.channel, m.channel), inArray(messageOptOuts.kind, [m.kind, "all"])),
      );
    if (out) return "the member unsubscribed";
  }
  if (m.channel === "sms") {
    if (!m.memberId) return "no SMS consent";
    const [consent] = await tx
      .select({ id: consents.id })
      .from(consents)
      .where(and(eq(consents.memberId, m.memberId), eq(consents.kind, "sms"), isNull(consents.revokedAt)));
    if (!consent) return "no SMS consent";
  }
  return null;
}

/** Writes one message in the caller's transaction (or finds the one with its key). */
export async function enqueueMessage(tx: Tx | Db, m: EnqueueMessage): Promise<Enqueued> {
  const now = m.now ?? new Date();
  const [practice] = await tx
    .select({ status: practices.status, timezone: practices.timezone })
    .from(practices)
    .where(eq(practices.id, m.practiceId));
  if (!practice) throw notFound("Practice");
  let to = m.to ?? null;
  if (to === null && m.memberId) {
    const [member] = await tx.select({ email: members.email, phone: members.phone }).from(members).where(eq(members.id, m.memberId));
    to = (m.channel === "email" ? member?.email : member?.phone) || null;
  }
  const settings = await messagingRow(tx, m.practiceId);
  const refused = await refusal(tx, m, to, practice, settings.disabled);
  const reason = typeof refused === "string" ? refused : (refused?.suppressed ?? null);
  const notBefore = m.channel === "sms" ? afterQuietHours(now, practice.timezone, settings.quietStartMinute, settings.quietEndMinute) : now;
  const transactional = messageKinds[m.kind].transactional;
  const dedupeKey = `${m.memberId ?? normalizeAddress(m.channel, to ?? "")}|${m.kind}|${m.channel}|${m.subjectKey}`;
  const data = { ...m.data, ...(transactional ? {} : { unsubscribeToken: randomBytes(18).toString("base64url") }) };
  const [row] = await tx
    .insert(messages)
    .values({
      practiceId: m.practiceId,
      memberId: m.memberId ?? null,
      kind: m.kind,
      channel: m.channel,
      subjectKey: m.subjectKey,
      dedupeKey,
      to: to ?? "",
      transactional,
      data,
      title: m.title.slice(0, 300),
      status: refused === null ? "queued" : typeof refused === "string" ? "skipped" : "suppressed",
      error: reason,
      notBefore,
      createdAt: now,
      updatedAt: now,
    })
    .onConflictDoNothing()
    .returning({ id: messages.id, status: messages.status, error: messages.error });
  if (row) return { id: row.id, status: row.status as Enqueued["status"], reason: row.error, created: true };
  const [existing] = await tx
    .select({ id: messages.id, status: messages.status, error: messages.error })
    .from(messages)
    .where(and(eq(messages.practiceId, m.practiceId), eq(messages.dedupeKey, dedupeKey)));
  const status = existing!.status === "skipped" || existing!.status === "suppressed" ? existing!.status : "queued";
  return { id: existing!.id, status, reason: existing!.error, created: false };
}

export type MessageRecord = typeof messages.$inferSelect;

/** Due queued messages become `sending` (attempt n+1) in one short transaction; safe from any number of workers. */
export async function claimMessages(db: Db, options: { limit?: number; now?: Date } = {}): Promise<MessageRecord[]> {
  const at = (options.now ?? new Date()).toISOString();
  const rows = await query<{ id: string }>(
    db,
    sql`with due as (
          select id from messages
           where status = 'queued' and not_before <= ${at}::timestamptz
           order by not_before, created_at
           limit ${options.limit ?? 50}
           for update skip locked)
        update messages m set status = 'sending', attempts = m.attempts + 1, updated_at = ${at}::timestamptz
          from due where m.id = due.id
        returning m.id`,
  );
  if (rows.length === 0) return [];
  return db
    .select()
    .from(messages)
    .where(
      inArray(
        messages.id,
        rows.map((r) => r.id),
      ),
    );
}

/** Rows left `sending` longer than the lease (the worker died or hung mid-send) become `unknown`. */
export async function markInterrupted(db: Db, options: { leaseMs?: number; now?: Date } = {}): Promise<number> {
  const now = options.now ?? new Date();
  const before = new Date(now.getTime() - (options.leaseMs ?? 120_000));
  const rows = await db
    .update(messages)
    .set({
      status: "unknown",
      error: "Interrupted while sending: it may or may not have been delivered. Resend it if the patient did not get it.",
      updatedAt: now,
    })
    .where(and(eq(messages.status, "sending"), lt(messages.updatedAt, before)))
    .returning({ id: messages.id });
  return rows.length;
}

export type SendOutcome =
  | { ok: true; providerRef?: string | null }
  | {
      ok: false;
      error: string;
      /** Nothing reached the provider (connection refused, 5xx before accepting): safe to try again. */
      retryable: boolean;
      /** The address must not be written to again (hard bounce, Twilio 21610). */
      suppress?: string;
      /** The address turned out undeliverable (a hard bounce): the message is `bounced`. */
      bounced?: boolean;
    };

export const messageRetry = { maxAttempts: 4, backoffMs: 60_000 };

/** Records what the provider answered for a claimed message (only while it is still `sending` by this attempt). */
export async function recordMessageOutcome(db: Db, message: MessageRecord, outcome: SendOutcome, now = new Date()): Promise<void> {
  await db.transaction(async (tx) => {
    const mine = and(eq(messages.id, message.id), eq(messages.status, "sending"), eq(messages.attempts, message.attempts));
    if (outcome.ok) {
      await tx
        .update(messages)
        .set({ status: "sent", sentAt: now, providerRef: outcome.providerRef ?? null, error: null, updatedAt: now })
        .where(mine);
      return;
    }
    if (outcome.suppress) await suppressAddress(tx, message.practiceId, message.channel, message.to, outcome.suppress, outcome.error);
    const again = outcome.retryable && !outcome.suppress && message.attempts < messageRetry.maxAttempts;
    await tx
      .update(messages)
      .set({
        status: again ? "queued" : outcome.bounced ? "bounced" : "failed",
        error: outcome.error.slice(0, 1000),
        notBefore: again ? new Date(now.getTime() + messageRetry.backoffMs * 2 ** (message.attempts - 1)) : message.notBefore,
        updatedAt: now,
      })
      .where(mine);
  });
}

/** An address nothing more is sent to (hard bounce, STOP, carrier opt-out); START removes a phone's.
 *  Messages to it still waiting in the queue become `suppressed`. */
export async function suppressAddress(
  db: Db | Tx,
  practiceId: string,
  channel: MessageChannel,
  address: string,
  reason: string,
  detail = "",
) {
  const a = normalizeAddress(channel, address);
  if (!a) return;
  const now = new Date();
  await db
    .insert(messageSuppressions)
    .values({ practiceId, channel, address: a, reason, detail: detail.slice(0, 500), createdAt: now })
    .onConflictDoUpdate({
      target: [messageSuppressions.practiceId, messageSuppressions.channel, messageSuppressions.address],
      set: { reason, detail: detail.slice(0, 500), createdAt: now },
    });
  const to = channel === "email" ? sql`lower(trim(${messages.to}))` : sql`regexp_replace(${messages.to}, '[^0-9]', '', 'g')`;
  await db
    .update(messages)
    .set({ status: "suppressed", error: suppressedReason(channel, reason), updatedAt: now })
    .where(
      and(
        eq(messages.practiceId, practiceId),
        eq(messages.channel, channel),
        eq(messages.status, "queued"),
        channel === "email" ? sql`${to} = ${a}` : inArray(sql`${to}`, phoneForms(a)),
      ),
    );
}

export async function unsuppressAddress(db: Db | Tx, practiceId: string, channel: MessageChannel, address: string) {
  await db
    .delete(messageSuppressions)
    .where(
      and(
        eq(messageSuppressions.practiceId, practiceId),
        eq(messageSuppressions.channel, channel),
        eq(messageSuppressions.address, normalizeAddress(channel, address)),
      ),
    );
}

/** Delivery callbacks (Twilio status, bounces) find their message by the provider's id. */
export async function recordDeliveryStatus(
  db: Db,
  providerRef: string,
  update: { delivered: boolean; error?: string; suppress?: string; bounced?: boolean },
): Promise<MessageRecord | null> {
  const [m] = await db.select().from(messages).where(eq(messages.providerRef, providerRef));
  if (!m) return null;
  if (update.delivered) return m;
  await db.transaction(async (tx) => {
    if (update.suppress) await suppressAddress(tx, m.practiceId, m.channel, m.to, update.suppress, update.error ?? "");
    await tx
      .update(messages)
      .set({
        status: update.bounced ? "bounced" : "failed",
        error: (update.error ?? "not delivered").slice(0, 1000),
        updatedAt: new Date(),
      })
      .where(eq(messages.id, m.id));
  });
  return m;
}

export interface EmailBounce {
  email: string;
  type: "hard" | "soft";
  reason?: string;
  /** The Message-ID the mail was sent with (what the relay reports), with or without its angle brackets. */
  messageId?: string | null;
}

/** A bounce the mail relay reports after the fact. A hard bounce marks the address undeliverable
 *  (in the practice whose message bounced, or every practice that emailed the address when the
 *  message is not known) and the message `bounced`; a soft bounce is only noted on the message. */
export async function recordEmailBounce(db: Db, bounce: EmailBounce): Promise<{ messageId: string | null; practiceIds: string[] }> {
  const address = normalizeAddress("email", bounce.email);
  const reason = (bounce.reason ?? "").trim().slice(0, 500);
  const ref = bounce.messageId?.trim().replace(/^<|>$/g, "");
  const refs = ref ? [ref, `<${ref}>`] : [];
  const [m] = refs.length
    ? await db
        .select()
        .from(messages)
        .where(and(eq(messages.channel, "email"), inArray(messages.providerRef, refs)))
    : [];
  const message = m && normalizeAddress("email", m.to) === address ? m : undefined;
  if (bounce.type === "soft") {
    if (message)
      await db
        .update(messages)
        .set({ error: `Delivery delayed (soft bounce)${reason ? `: ${reason}` : ""}`.slice(0, 1000), updatedAt: new Date() })
        .where(eq(messages.id, message.id));
    return { messageId: message?.id ?? null, practiceIds: [] };
  }
  const practiceIds = message
    ? [message.practiceId]
    : (
        await db
          .selectDistinct({ practiceId: messages.practiceId })
          .from(messages)
          .where(and(eq(messages.channel, "email"), sql`lower(trim(${messages.to})) = ${address}`))
      ).map((r) => r.practiceId);
  await db.transaction(async (tx) => {
    for (const practiceId of practiceIds) await suppressAddress(tx, practiceId, "email", address, "hard bounce", reason);
    if (message)
      await tx
        .update(messages)
        .set({ status: "bounced", error: `Bounced: ${reason || "the address does not exist"}`.slice(0, 1000), updatedAt: new Date() })
        .where(eq(messages.id, message.id));
  });
  return { messageId: message?.id ?? null, practiceIds };
}

// ---- staff ----

export const listMessagesInput = z.object({
  status: z.enum(["queued", "sending", "sent", "failed", "unknown", "skipped", "bounced", "suppressed"]).optional(),
  memberId: z.uuid().optional(),
  kind: z.string().max(50).optional(),
  limit: z.number().int().min(1).max(500).default(100),
  /** Older than this message's creation (paging). */
  before: z.coerce.date().optional(),
});

export interface MessageLine {
  id: string;
  memberId: string | null;
  memberName: string | null;
  kind: string;
  kindLabel: string;
  channel: MessageChannel;
  to: string;
  title: string;
  status: MessageRecord["status"];
  error: string | null;
  attempts: number;
  createdAt: Date;
  sentAt: Date | null;
  notBefore: Date;
  canResend: boolean;
}

export async function listMessages({ ctx, input }: { ctx: Ctx; input: Input<typeof listMessagesInput> }) {
  authorize(ctx, "messages.list");
  const data = parseInput(listMessagesInput, input ?? {});
  const rows = await ctx.db
    .select({ m: messages, firstName: members.firstName, lastName: members.lastName })
    .from(messages)
    .leftJoin(members, and(eq(members.practiceId, messages.practiceId), eq(members.id, messages.memberId)))
    .where(
      and(
        eq(messages.practiceId, ctx.practiceId),
        data.status ? eq(messages.status, data.status) : undefined,
        data.memberId ? eq(messages.memberId, data.memberId) : undefined,
        data.kind ? eq(messages.kind, data.kind) : undefined,
        data.before ? lt(messages.createdAt, data.before) : undefined,
      ),
    )
    .orderBy(desc(messages.createdAt))
    .limit(data.limit);
  const counts = await query<{ status: string; n: number }>(
    ctx.db,
    sql`select status, count(*)::int as n from messages where practice_id = ${ctx.practiceId} group by status`,
  );
  return {
    messages: rows.map(
      ({ m, firstName, lastName }): MessageLine => ({
        id: m.id,
        memberId: m.memberId,
        memberName: firstName ? `${firstName} ${lastName}` : null,
        kind: m.kind,
        kindLabel: messageKindLabel(m.kind),
        channel: m.channel,
        to: m.to,
        title: m.title,
        status: m.status,
        error: m.error,
        attempts: m.attempts,
        createdAt: m.createdAt,
        sentAt: m.sentAt,
        notBefore: m.notBefore,
        canResend: resendable.includes(m.status),
      }),
    ),
    counts: Object.fromEntries(counts.map((c) => [c.status, Number(c.n)])) as Record<string, number>,
  };
}

/** A member's messages and the addresses that cannot be written to (their profile). */
export async function listMemberMessages({ ctx, input }: { ctx: Ctx; input: { memberId: string } }) {
  authorize(ctx, "messages.list");
  const memberId = z.uuid().parse(input.memberId);
  const [member] = await ctx.db
    .select({ email: members.email, phone: members.phone })
    .from(members)
    .where(and(eq(members.id, memberId), eq(members.practiceId, ctx.practiceId)));
  if (!member) throw notFound("Member");
  const { messages: list } = await listMessages({ ctx, input: { memberId, limit: 100 } });
  const addresses = [
    ...(member.email ? [{ channel: "email" as const, address: normalizeAddress("email", member.email) }] : []),
    ...(member.phone ? [{ channel: "sms" as const, address: normalizeAddress("sms", member.phone) }] : []),
  ];
  const suppressions =
    addresses.length === 0
      ? []
      : await ctx.db
          .select()
          .from(messageSuppressions)
          .where(
            and(
              eq(messageSuppressions.practiceId, ctx.practiceId),
              or(...addresses.map((a) => and(eq(messageSuppressions.channel, a.channel), eq(messageSuppressions.address, a.address)))),
            ),
          );
  return {
    messages: list,
    undeliverable: suppressions.map((s) => ({
      channel: s.channel,
      address: s.address,
      reason: s.reason,
      detail: s.detail,
      since: s.createdAt,
    })),
  };
}

export const clearUndeliverableInput = z.object({ memberId: z.uuid(), channel: z.enum(["email", "sms"]) });

/** Staff clear a member's undeliverable mark once the patient fixed their mailbox or number (a
 *  new address needs nothing: the mark belongs to the old one). */
export async function clearUndeliverable({ ctx, input }: { ctx: Ctx; input: Input<typeof clearUndeliverableInput> }) {
  authorize(ctx, "messages.resend");
  const data = parseInput(clearUndeliverableInput, input);
  return inTx(ctx, async (tx) => {
    const [member] = await tx
      .select({ email: members.email, phone: members.phone })
      .from(members)
      .where(and(eq(members.id, data.memberId), eq(members.practiceId, ctx.practiceId)));
    if (!member) throw notFound("Member");
    const address = data.channel === "email" ? member.email : member.phone;
    const suppressed = address ? await suppressionOf(tx, ctx.practiceId, data.channel, address) : null;
    if (!address || !suppressed) return { cleared: false };
    await unsuppressAddress(tx, ctx.practiceId, data.channel, address);
    await audit(tx, ctx, {
      action: "messages.clearUndeliverable",
      targetType: "member",
      targetId: data.memberId,
      details: { channel: data.channel, address: normalizeAddress(data.channel, address), reason: suppressed.reason },
    });
    return { cleared: true };
  });
}

export const resendMessageInput = z.object({ messageId: z.uuid() });

const resendable: MessageRecord["status"][] = ["failed", "unknown", "sent", "bounced", "suppressed"];

/** Staff send a failed, interrupted or sent message again: the same row goes back to the queue. */
export async function resendMessage({ ctx, input }: { ctx: Ctx; input: Input<typeof resendMessageInput> }) {
  authorize(ctx, "messages.resend");
  const { messageId } = parseInput(resendMessageInput, input);
  return inTx(ctx, async (tx) => {
    const [m] = await tx
      .select()
      .from(messages)
      .where(and(eq(messages.id, messageId), eq(messages.practiceId, ctx.practiceId)))
      .for("update");
    if (!m) throw notFound("Message");
    if (!resendable.includes(m.status))
      throw new DomainError(
        "CONFLICT",
        m.status === "skipped" ? `It was not sent: ${m.error ?? "skipped"}.` : "It is still queued or being sent.",
      );
    const suppressed = await suppressionOf(tx, ctx.practiceId, m.channel, m.to);
    if (suppressed) throw new DomainError("CONFLICT", `${m.to} cannot be written to: ${suppressed.reason}.`);
    const now = new Date();
    await tx.update(messages).set({ status: "queued", error: null, notBefore: now, updatedAt: now }).where(eq(messages.id, m.id));
    await audit(tx, ctx, {
      action: "messages.resend",
      targetType: "message",
      targetId: m.id,
      details: { kind: m.kind, channel: m.channel, to: m.to, previous: m.status },
    });
    return { id: m.id, status: "queued" as const };
  });
}

// ---- members: preferences and one-click unsubscribe ----

export interface MessagePreference {
  kind: MessageKind;
  label: string;
  channel: MessageChannel;
  /** The member receives it (not opted out). */
  on: boolean;
  /** The practice switched it off: the member's choice is kept but nothing is sent. */
  practiceOff: boolean;
}

export async function getMessagePreferences({ ctx, input }: { ctx: Ctx; input: { memberId: string } }): Promise<MessagePreference[]> {
  authorize(ctx, "messages.preferences");
  assertSelf(ctx, input.memberId);
  await findMember(ctx.db, ctx, input.memberId);
  const settings = await messagingRow(ctx.db, ctx.practiceId);
  const outs = await ctx.db
    .select()
    .from(messageOptOuts)
    .where(and(eq(messageOptOuts.memberId, input.memberId), eq(messageOptOuts.practiceId, ctx.practiceId)));
  const off = new Set(outs.map((o) => `${o.kind}:${o.channel}`));
  return optionalMessageKinds.flatMap((kind) =>
    (messageKinds[kind].channels as readonly MessageChannel[]).map((channel) => ({
      kind,
      label: messageKinds[kind].label,
      channel,
      on: !off.has(`${kind}:${channel}`) && !off.has(`all:${channel}`),
      practiceOff: settings.disabled.includes(`${kind}:${channel}`),
    })),
  );
}

export const setMessagePreferenceInput = z.object({
  memberId: z.uuid(),
  kind: z.string().refine((k) => optionalMessageKinds.includes(k as MessageKind), "Unknown message kind"),
  channel: z.enum(["email", "sms"]),
  on: z.boolean(),
});

export async function setMessagePreference({ ctx, input }: { ctx: Ctx; input: Input<typeof setMessagePreferenceInput> }) {
  authorize(ctx, "messages.preferences");
  const data = parseInput(setMessagePreferenceInput, input);
  assertSelf(ctx, data.memberId);
  return inTx(ctx, async (tx) => {
    const [member] = await tx
      .select({ id: members.id })
      .from(members)
      .where(and(eq(members.id, data.memberId), eq(members.practiceId, ctx.practiceId)));
    if (!member) throw notFound("Member");
    await setOptOut(tx, ctx.practiceId, data.memberId, data.kind, data.channel, !data.on, ctx.actor.kind === "member" ? "portal" : "staff");
    await audit(tx, ctx, {
      action: "messages.preferences",
      targetType: "member",
      targetId: data.memberId,
      details: { kind: data.kind, channel: data.channel, on: data.on },
    });
    return getMessagePreferences({ ctx: { ...ctx, db: tx as never }, input: { memberId: data.memberId } });
  });
}

async function setOptOut(
  tx: Tx,
  practiceId: string,
  memberId: string,
  kind: string,
  channel: MessageChannel,
  out: boolean,
  source: string,
) {
  if (out) await tx.insert(messageOptOuts).values({ practiceId, memberId, kind, channel, source }).onConflictDoNothing();
  else {
    await tx
      .delete(messageOptOuts)
      .where(and(eq(messageOptOuts.memberId, memberId), eq(messageOptOuts.channel, channel), inArray(messageOptOuts.kind, [kind, "all"])));
  }
}

/** The token a message's unsubscribe link carries: `<practice id>.<message id>.<random>` (the random
 *  part is stored on the message; the practice routes the lookup, the link naming nothing else). */
export const unsubscribeToken = (m: Pick<MessageRecord, "id" | "practiceId" | "data">) =>
  typeof m.data.unsubscribeToken === "string" ? `${m.practiceId}.${m.id}.${m.data.unsubscribeToken}` : null;

/** What a one-click unsubscribe link stops (no session: the token is the proof). */
export async function unsubscribeTarget(db: Db, token: string) {
  // Links sent before they named the practice: `<message id>.<random>`.
  const parts = token.split(".");
  const [practiceId, id, secret] = parts.length === 2 ? [undefined, ...parts] : parts;
  const isId = (v: string | undefined) => !!v && /^[0-9a-f-]{36}$/.test(v);
  if (!isId(id) || !secret || (practiceId !== undefined && !isId(practiceId))) return null;
  const [m] = await db
    .select()
    .from(messages)
    .where(and(practiceId ? eq(messages.practiceId, practiceId) : undefined, eq(messages.id, id!)));
  const stored = typeof m?.data.unsubscribeToken === "string" ? m.data.unsubscribeToken : null;
  if (!m?.memberId || !stored || stored.length !== secret.length || !timingSafeEqual(Buffer.from(stored), Buffer.from(secret))) return null;
  const [practice] = await db.select({ name: practices.name }).from(practices).where(eq(practices.id, m.practiceId));
  return {
    message: m,
    memberId: m.memberId,
    kind: m.kind,
    kindLabel: messageKindLabel(m.kind),
    channel: m.channel,
    practiceName: practice?.name ?? "",
  };
}

/** One-click unsubscribe (RFC 8058): the kind of the message the link came in, on its channel. */
export async function unsubscribeByToken(db: Db, token: string) {
  const target = await unsubscribeTarget(db, token);
  if (!target || !isMessageKind(target.kind)) return null;
  await db.transaction(async (tx) => {
    await setOptOut(tx, target.message.practiceId, target.memberId, target.kind, target.channel, true, "unsubscribe-link");
    await audit(
      tx,
      { practiceId: target.message.practiceId, actor: { kind: "member", id: target.memberId } },
      {
        action: "messages.unsubscribe",
        targetType: "member",
        targetId: target.memberId,
        details: { kind: target.kind, channel: target.channel, messageId: target.message.id },
      },
    );
  });
  return target;
}

/** The digits a phone may be stored as: as given, and without the North American country code. */
export const phoneForms = (phone: string): string[] => {
  const d = phone.replace(/\D/g, "");
  return d.length === 11 && d.startsWith("1") ? [d, d.slice(1)] : [d];
};

/** The practices that texted this phone (an inbound reply belongs to them). */
export async function practicesTexting(db: Db, phone: string): Promise<string[]> {
  const rows = await db
    .selectDistinct({ practiceId: messages.practiceId })
    .from(messages)
    .where(and(eq(messages.channel, "sms"), inArray(messages.to, phoneForms(phone))));
  return rows.map((r) => r.practiceId);
}

/** STOP from a phone: every practice that texted it stops (START undoes it). */
export async function recordSmsKeyword(db: Db, from: string, body: string): Promise<"stop" | "start" | null> {
  const word = body.trim().toUpperCase();
  const stop = ["STOP", "STOPALL", "UNSUBSCRIBE", "CANCEL", "END", "QUIT"].includes(word);
  const start = ["START", "UNSTOP", "YES"].includes(word);
  if (!stop && !start) return null;
  const forms = phoneForms(from);
  for (const practiceId of await practicesTexting(db, from)) {
    for (const phone of forms) {
      if (stop) await suppressAddress(db, practiceId, "sms", phone, "STOP", `replied ${word}`);
      else await unsuppressAddress(db, practiceId, "sms", phone);
    }
  }
  return stop ? "stop" : "start";
}
