// Public endpoints of the message outbox (no session):
//   GET  /messages/unsubscribe/:token   a page that says what the link stops, with one button
//   POST /messages/unsubscribe/:token   the unsubscribe itself: the button, and mail clients'
//                                       RFC 8058 one-click POST (List-Unsubscribe=One-Click)
//   POST /messages/twilio/status        Twilio's delivery status callbacks (X-Twilio-Signature); an
//                                       unreachable number (30003, 30005, 30006) is marked undeliverable
//   POST /messages/twilio/inbound       replies to the practice's number: STOP / START
import {
  decryptSecret,
  type Locale,
  type MessageTextKey,
  memberLocale,
  messageKindLabel,
  messageText,
  messagingRow,
  practicesTexting,
  recordDeliveryStatus,
  recordSmsKeyword,
  type TextParams,
  type TwilioCredentials,
  toLocale,
  unsubscribeByToken,
  unsubscribeTarget,
} from "@tally/core";
import { type Db, messages, practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { Hono } from "hono";
import type { AppDeps } from "../trpc/context.ts";
import { twilioStatusPath } from "./drain.ts";
import { publicUrlOf } from "./run.ts";
import { validTwilioSignature } from "./sms.ts";
import { escapeHtml } from "./templates.ts";

const page = (locale: Locale, title: string, body: string) =>
  `<!doctype html><html lang="${locale}"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(title)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem;color:#111827;line-height:1.5}button{font:inherit;padding:.6rem 1.2rem;border-radius:.4rem;border:0;background:#0f766e;color:#fff;cursor:pointer}</style></head>
<body><main><h1>${escapeHtml(title)}</h1>${body}</main></body></html>`;

/** Twilio's error codes that say the number itself cannot receive texts: it is marked undeliverable
 *  like an email's hard bounce (other failures, e.g. carrier filtering, may pass another time). */
export const twilioUndeliverable: Record<number, string> = {
  30003: "unreachable handset",
  30005: "unknown or inactive number",
  30006: "landline or unreachable carrier",
};

/** A catalog text as HTML: the text and every value escaped; `strong` values in bold. */
const html = (locale: Locale, key: MessageTextKey, params: TextParams = {}, strong: string[] = []) =>
  messageText(
    locale,
    key,
    Object.fromEntries(
      Object.entries(params).map(([k, v]) => {
        const value = escapeHtml(String(v ?? ""));
        return [k, strong.includes(k) ? `<strong>${value}</strong>` : value];
      }),
    ),
  );

/** "Reward ready emails", "correos de «Recompensa lista»". */
const whatOf = (locale: Locale, kind: string, channel: string) =>
  messageText(locale, "unsubscribe.what", {
    kind: messageKindLabel(kind, locale),
    channel: messageText(locale, channel === "sms" ? "channel.sms" : "channel.email"),
  });

/** The language of the message's member (their choice, else the practice's). */
async function localeOf(db: Db, practiceId: string, memberId: string): Promise<Locale> {
  const [p] = await db.select({ language: practices.language }).from(practices).where(eq(practices.id, practiceId));
  return memberLocale(db, memberId, p?.language ?? "en");
}

/** An invalid link: the request's language (Accept-Language), else English. */
const requestLocale = (header: string | undefined) => toLocale(header?.split(",")[0]);

export function messageRoutes(deps: AppDeps) {
  const routes = new Hono();
  const db = deps.database.db;

  routes.get("/unsubscribe/:token", async (c) => {
    const target = await unsubscribeTarget(db, c.req.param("token"));
    if (!target) {
      const l = requestLocale(c.req.header("accept-language"));
      return c.html(page(l, messageText(l, "unsubscribe.invalidTitle"), `<p>${html(l, "unsubscribe.invalid")}</p>`), 404);
    }
    const l = await localeOf(db, target.message.practiceId, target.memberId);
    const practice = target.practiceName;
    return c.html(
      page(
        l,
        messageText(l, "unsubscribe.title", { practice }),
        `<p>${html(l, "unsubscribe.question", { what: whatOf(l, target.kind, target.channel), practice }, ["what"])}</p>
<form method="post"><input type="hidden" name="List-Unsubscribe" value="One-Click"><button type="submit">${html(l, "unsubscribe.button")}</button></form>
<p>${html(l, "unsubscribe.turnBackOn")}</p>`,
      ),
    );
  });

  routes.post("/unsubscribe/:token", async (c) => {
    const target = await unsubscribeByToken(db, c.req.param("token"));
    if (!target) {
      const l = requestLocale(c.req.header("accept-language"));
      return c.html(page(l, messageText(l, "unsubscribe.invalidTitle"), `<p>${html(l, "unsubscribe.invalidShort")}</p>`), 404);
    }
    const l = await localeOf(db, target.message.practiceId, target.memberId);
    return c.html(
      page(
        l,
        messageText(l, "unsubscribe.doneTitle"),
        `<p>${html(l, "unsubscribe.done", { what: whatOf(l, target.kind, target.channel), practice: target.practiceName })}</p>`,
      ),
    );
  });

  /** The form Twilio posts, and whether its signature is right for the practice's auth token. */
  const signed = async (body: Record<string, string>, practiceIds: string[], signature: string | undefined, path: string) => {
    const url = `${publicUrlOf(deps)}${path}`;
    for (const id of practiceIds) {
      const row = await messagingRow(db, id);
      if (row.smsProvider !== "twilio" || !row.smsCredentials) continue;
      const creds = decryptSecret<TwilioCredentials>(row.smsCredentials);
      if (validTwilioSignature(creds.authToken, url, body, signature)) return true;
    }
    return false;
  };
  const formOf = async (req: Request) => Object.fromEntries(new URLSearchParams(await req.text())) as Record<string, string>;

  routes.post("/twilio/status", async (c) => {
    const body = await formOf(c.req.raw);
    const sid = body.MessageSid ?? "";
    const [m] = await db.select({ practiceId: messages.practiceId }).from(messages).where(eq(messages.providerRef, sid));
    if (!m || !(await signed(body, [m.practiceId], c.req.header("x-twilio-signature"), twilioStatusPath)))
      return c.text("signature not valid", 403);
    const status = body.MessageStatus ?? "";
    if (status === "undelivered" || status === "failed") {
      const code = Number(body.ErrorCode ?? 0);
      const unreachable = twilioUndeliverable[code];
      await recordDeliveryStatus(db, sid, {
        delivered: false,
        error: `Twilio: ${status}${code ? ` (error ${code}${unreachable ? `: ${unreachable}` : ""})` : ""}`,
        suppress: code === 21610 ? "opted out (Twilio 21610)" : unreachable ? `undeliverable (Twilio ${code})` : undefined,
        bounced: Boolean(unreachable),
      });
    }
    return c.body(null, 204);
  });

  routes.post("/twilio/inbound", async (c) => {
    const body = await formOf(c.req.raw);
    const from = body.From ?? "";
    const practiceIds = await practicesTexting(db, from);
    if (!(await signed(body, practiceIds, c.req.header("x-twilio-signature"), "/messages/twilio/inbound")))
      return c.text("signature not valid", 403);
    await recordSmsKeyword(db, from, body.Body ?? "");
    // Twilio itself answers STOP/START with its compliance text: an empty TwiML response.
    return c.body("<Response></Response>", 200, { "content-type": "text/xml" });
  });

  return routes;
}
