// The message outbox's sender: claims due messages (core claimMessages), renders and sends each
// outside any transaction with bounded concurrency, records the outcome. Run by the
// `messages.send` job every minute and nudged right after a message is queued. At most once: a
// message is `sending` before the provider is called, and one still `sending` after its lease
// (the worker died mid-send) becomes `unknown` for staff instead of being sent again.
import {
  claimMessages,
  decryptSecret,
  type Locale,
  logoUrlOf,
  type MessageRecord,
  markInterrupted,
  memberLocales,
  messageText,
  messagingRow,
  recordMessageOutcome,
  type SendOutcome,
  type TwilioCredentials,
  toLocale,
  unsubscribeToken,
} from "@tally/core";
import { type Db, practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { classifySmtpError, type Mailer } from "../mail.ts";
import { devSms, type SmsProvider, twilioSms } from "./sms.ts";
import { type Branding, contentOf, renderEmail } from "./templates.ts";

export interface DrainDeps {
  db: Db;
  mailer: Mailer;
  /** Absolute base of links in messages (PUBLIC_URL). */
  publicUrl: string;
  /** The SMS provider of a practice (default: its settings: Twilio or the dev outbox). */
  sms?: (practiceId: string) => Promise<SmsProvider>;
}

export interface DrainOptions {
  /** Claimed per round (default: the concurrency, so no more are `sending` than are in flight:
   *  a crash leaves at most that many `unknown`). */
  limit?: number;
  /** Sends in flight at once. */
  concurrency?: number;
  /** A `sending` row older than this was interrupted. */
  leaseMs?: number;
  /** Rounds before returning (the next run takes the rest). */
  maxRounds?: number;
}

export interface DrainReport {
  sent: number;
  failed: number;
  retrying: number;
  interrupted: number;
}

export interface PracticeInfo {
  branding: Branding;
  timezone: string;
  /** The practice's default language (members who chose none read it). */
  locale: Locale;
  sms: SmsProvider | null;
}

export const unsubscribePath = "/messages/unsubscribe/";
export const twilioStatusPath = "/messages/twilio/status";

export async function smsProviderOf(db: Db, practiceId: string): Promise<SmsProvider> {
  const row = await messagingRow(db, practiceId);
  if (row.smsProvider === "twilio" && row.smsCredentials) return twilioSms(decryptSecret<TwilioCredentials>(row.smsCredentials));
  return devSms(db);
}

export async function drainMessages(deps: DrainDeps, options: DrainOptions = {}): Promise<DrainReport> {
  const o = { concurrency: 8, leaseMs: 120_000, maxRounds: 200, ...options };
  const limit = o.limit ?? o.concurrency;
  const report: DrainReport = { sent: 0, failed: 0, retrying: 0, interrupted: await markInterrupted(deps.db, { leaseMs: o.leaseMs }) };
  const practiceCache = new Map<string, Promise<PracticeInfo>>();
  const info = (practiceId: string) => {
    let p = practiceCache.get(practiceId);
    if (!p) {
      p = loadPractice(deps, practiceId);
      practiceCache.set(practiceId, p);
    }
    return p;
  };
  for (let round = 0; round < o.maxRounds; round++) {
    const claimed = await claimMessages(deps.db, { limit });
    if (claimed.length === 0) break;
    // Each member's chosen language, read once per round.
    const languages = await memberLocales(
      deps.db,
      claimed.flatMap((m) => (m.memberId ? [m.memberId] : [])),
    );
    let next = 0;
    const worker = async () => {
      for (let i = next++; i < claimed.length; i = next++) {
        const m = claimed[i]!;
        const outcome = await sendOne(deps, m, info, languages).catch(
          (err): SendOutcome => ({
            ok: false,
            error: `Could not be prepared: ${err instanceof Error ? err.message : String(err)}`,
            retryable: false,
          }),
        );
        await recordMessageOutcome(deps.db, m, outcome);
        if (outcome.ok) report.sent++;
        else if (outcome.retryable && !outcome.suppress && m.attempts < 4) report.retrying++;
        else report.failed++;
      }
    };
    await Promise.all(Array.from({ length: Math.min(o.concurrency, claimed.length) }, worker));
  }
  return report;
}

/** A practice's branding, timezone and default language, as its messages show them. */
export async function loadPractice(deps: Pick<DrainDeps, "db" | "publicUrl">, practiceId: string): Promise<PracticeInfo> {
  const [p] = await deps.db.select().from(practices).where(eq(practices.id, practiceId));
  const settings = await messagingRow(deps.db, practiceId);
  const logo = await logoUrlOf(deps.db, practiceId);
  return {
    timezone: p?.timezone ?? "UTC",
    locale: toLocale(p?.language),
    branding: {
      practiceName: p?.name ?? "",
      logoUrl: logo ? `${deps.publicUrl}${logo}` : null,
      colour: settings.brandColour,
      signature: settings.signature,
      address: p?.address ?? "",
      phone: p?.phone ?? "",
    },
    sms: null,
  };
}

/** The one-click unsubscribe link of a message (null for transactional mail). */
export const unsubscribeUrlOf = (publicUrl: string, m: Pick<MessageRecord, "id" | "data" | "practiceId">) => {
  const token = unsubscribeToken(m);
  return token ? `${publicUrl}${unsubscribePath}${token}` : null;
};

async function sendOne(
  deps: DrainDeps,
  m: MessageRecord,
  info: (id: string) => Promise<PracticeInfo>,
  languages: ReadonlyMap<string, Locale>,
): Promise<SendOutcome> {
  const p = await info(m.practiceId);
  // The member's language, else the practice's; staff notices are in English (contentOf).
  const locale = (m.memberId ? languages.get(m.memberId) : undefined) ?? p.locale;
  const content = contentOf(m, p.branding, p.timezone, locale);
  if (m.channel === "email") {
    const unsubscribe = unsubscribeUrlOf(deps.publicUrl, m);
    const email = await renderEmail(content, p.branding, unsubscribe, m.kind === "staff_notice" ? "en" : locale);
    try {
      const sent = await deps.mailer.send({
        practiceId: m.practiceId,
        to: m.to,
        subject: email.subject,
        text: email.text,
        html: email.html,
        // RFC 8058: mail clients offer "Unsubscribe", which POSTs to the link without a session.
        headers: unsubscribe
          ? { "List-Unsubscribe": `<${unsubscribe}>`, "List-Unsubscribe-Post": "List-Unsubscribe=One-Click" }
          : undefined,
      });
      return { ok: true, providerRef: sent.id };
    } catch (err) {
      const c = classifySmtpError(err);
      return {
        ok: false,
        error: c.error,
        retryable: c.retryable,
        suppress: c.hardBounce ? "hard bounce" : undefined,
        bounced: c.hardBounce,
      };
    }
  }
  if (!deps.sms && !p.sms) p.sms = await smsProviderOf(deps.db, m.practiceId);
  const provider = deps.sms ? await deps.sms(m.practiceId) : p.sms!;
  const result = await provider.send({
    practiceId: m.practiceId,
    to: m.to,
    body: `${content.sms} ${messageText(locale, "sms.optOut")}`,
    statusCallback: provider.name === "twilio" ? `${deps.publicUrl}${twilioStatusPath}` : null,
  });
  if (result.ok) return { ok: true, providerRef: result.ref };
  return {
    ok: false,
    error: result.error,
    retryable: result.retryable,
    suppress: result.optedOut ? "opted out (Twilio 21610)" : undefined,
  };
}
