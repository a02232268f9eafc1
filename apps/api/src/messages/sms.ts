// Text messages behind one interface: Twilio (REST Messages resource; delivery status callbacks
// verified with X-Twilio-Signature; error 21610 means the number replied STOP) and the dev
// outbox (rows in the dev mailbox, beside the dev emails, so an install without Twilio shows what
// would have been sent).
import { createHmac, timingSafeEqual } from "node:crypto";
import type { TwilioCredentials } from "@tally/core";
import { type Db, devMailbox } from "@tally/db";

export interface SmsMessage {
  practiceId: string;
  to: string;
  body: string;
  /** Where the provider reports delivery (absolute URL), if it can. */
  statusCallback?: string | null;
}

export type SmsResult = { ok: true; ref: string } | { ok: false; error: string; retryable: boolean; optedOut?: boolean };

export interface SmsProvider {
  readonly name: string;
  send(m: SmsMessage): Promise<SmsResult>;
}

/** Digits as stored → E.164 (10 digits are a North American number). */
export const e164 = (phone: string) => {
  const d = phone.replace(/\D/g, "");
  return d.length === 10 ? `+1${d}` : `+${d}`;
};

export const twilioApi = "https://api.twilio.com";

export function twilioSms(creds: TwilioCredentials, options: { fetch?: typeof fetch; timeoutMs?: number } = {}): SmsProvider {
  const f = options.fetch ?? fetch;
  const base = creds.baseUrl ?? twilioApi;
  return {
    name: "twilio",
    async send(m) {
      const form = new URLSearchParams({ To: e164(m.to), Body: m.body });
      if (creds.from.startsWith("MG")) form.set("MessagingServiceSid", creds.from);
      else form.set("From", creds.from);
      if (m.statusCallback) form.set("StatusCallback", m.statusCallback);
      let res: Response;
      try {
        res = await f(new URL(`/2010-04-01/Accounts/${creds.accountSid}/Messages.json`, base), {
          method: "POST",
          headers: {
            authorization: `Basic ${Buffer.from(`${creds.accountSid}:${creds.authToken}`).toString("base64")}`,
            "content-type": "application/x-www-form-urlencoded",
          },
          body: form,
          signal: AbortSignal.timeout(options.timeoutMs ?? 15_000),
        });
      } catch (err) {
        // A timeout may have reached Twilio: not retried (at most once), the drain marks it.
        const timeout = err instanceof Error && (err.name === "TimeoutError" || err.name === "AbortError");
        return { ok: false, error: `Twilio did not answer: ${err instanceof Error ? err.message : String(err)}`, retryable: !timeout };
      }
      const body = (await res.json().catch(() => ({}))) as { sid?: string; code?: number; message?: string };
      if (res.ok && body.sid) return { ok: true, ref: body.sid };
      const code = body.code ? ` (error ${body.code})` : "";
      return {
        ok: false,
        error: `Twilio: ${body.message ?? `HTTP ${res.status}`}${code}`,
        retryable: res.status === 429 || res.status >= 500,
        optedOut: body.code === 21610,
      };
    },
  };
}

/** X-Twilio-Signature: base64 HMAC-SHA1 of the full URL followed by each POST parameter's name
 *  and value, sorted by name, keyed with the account's auth token. */
export function twilioSignature(authToken: string, url: string, params: Record<string, string>): string {
  const data = Object.keys(params)
    .sort()
    .reduce((acc, k) => acc + k + params[k], url);
  return createHmac("sha1", authToken).update(data, "utf8").digest("base64");
}

export function validTwilioSignature(
  authToken: string,
  url: string,
  params: Record<string, string>,
  signature: string | undefined,
): boolean {
  if (!signature) return false;
  const expected = Buffer.from(twilioSignature(authToken, url, params));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}

/** The dev outbox: text messages land in the dev mailbox (subject "Text message to ..."). */
export function devSms(db: Db): SmsProvider {
  return {
    name: "dev",
    async send(m) {
      const [row] = await db
        .insert(devMailbox)
        .values({ practiceId: m.practiceId, to: m.to, subject: `Text message to ${e164(m.to)}`, text: m.body })
        .returning({ id: devMailbox.id });
      return { ok: true, ref: `dev_${row!.id}` };
    },
  };
}
