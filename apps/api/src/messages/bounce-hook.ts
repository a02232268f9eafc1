// Bounces the mail relay reports after the fact (the SMTP server accepted the message, the
// recipient's server refused it later): POST /api/hooks/email/bounce, one JSON bounce or an array
// of them, each `{ email, type: "hard" | "soft", reason, messageId }` (`messageId` is the
// Message-ID Tally sent the mail with). A hard bounce marks the address undeliverable and the
// message `bounced` (core recordEmailBounce); a soft one is only noted on the message.
//
// The relay proves itself with the install's EMAIL_BOUNCE_SECRET (`whsec_…`): a Standard Webhooks
// signature (webhook-id, webhook-timestamp, webhook-signature; five minutes' tolerance), or, for a
// relay that can only set a header, `Authorization: Bearer <the secret>`. Without the secret the
// endpoint does not exist (404).
import { timingSafeEqual } from "node:crypto";
import { recordEmailBounce } from "@tally/core";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { Webhook } from "standardwebhooks";
import { z } from "zod";
import type { AppDeps } from "../trpc/context.ts";

export const emailBouncePath = "/api/hooks/email/bounce";

const bounce = z.object({
  email: z.email().max(320),
  type: z.enum(["hard", "soft"]),
  reason: z.string().max(2000).optional(),
  messageId: z.string().max(500).nullish(),
});
const payload = z.array(bounce).min(1).max(500);

const sameSecret = (given: string, secret: string) => {
  const a = Buffer.from(given);
  const b = Buffer.from(secret);
  return a.length === b.length && timingSafeEqual(a, b);
};

/** Whether the request carries the relay's proof: a valid Standard Webhooks signature or the bearer secret. */
export function bounceRequestAuthentic(secret: string, body: string, headers: Headers): boolean {
  const bearer = /^Bearer\s+(\S+)$/i.exec(headers.get("authorization") ?? "")?.[1];
  if (bearer) return sameSecret(bearer, secret);
  const id = headers.get("webhook-id");
  const timestamp = headers.get("webhook-timestamp");
  const signature = headers.get("webhook-signature");
  if (!id || !timestamp || !signature) return false;
  try {
    new Webhook(secret).verify(body, { "webhook-id": id, "webhook-timestamp": timestamp, "webhook-signature": signature });
    return true;
  } catch {
    return false;
  }
}

export function bounceHookRoutes(deps: AppDeps) {
  const routes = new Hono();
  routes.post(
    "/email/bounce",
    bodyLimit({ maxSize: 256 * 1024, onError: (c) => c.json({ error: { code: "TOO_LARGE", message: "The body is too large." } }, 413) }),
    async (c) => {
      const secret = deps.config.emailBounceSecret;
      if (!secret) return c.json({ error: { code: "NOT_FOUND", message: "Bounce reports are not enabled (EMAIL_BOUNCE_SECRET)." } }, 404);
      const body = await c.req.text();
      if (!bounceRequestAuthentic(secret, body, c.req.raw.headers))
        return c.json({ error: { code: "UNAUTHORIZED", message: "The signature or secret is not valid." } }, 401);
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        return c.json({ error: { code: "INVALID_INPUT", message: "The body is not JSON." } }, 400);
      }
      const single = !Array.isArray(json);
      const parsed = payload.safeParse(single ? [json] : json);
      if (!parsed.success)
        return c.json(
          {
            error: {
              code: "INVALID_INPUT",
              message: "Expected { email, type: 'hard' | 'soft', reason, messageId } or an array of them.",
              errors: parsed.error.issues.map((i) => ({ path: (single ? i.path.slice(1) : i.path).join("."), message: i.message })),
            },
          },
          400,
        );
      const results = [];
      for (const b of parsed.data) {
        const r = await recordEmailBounce(deps.database.db, b);
        results.push({
          email: b.email.toLowerCase(),
          type: b.type,
          messageFound: r.messageId !== null,
          practicesMarked: r.practiceIds.length,
        });
      }
      return c.json({ recorded: results });
    },
  );
  return routes;
}
