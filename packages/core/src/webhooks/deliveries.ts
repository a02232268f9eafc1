// Webhook delivery, after commit, by the API's job `webhooks.deliver` (apps/api/src/jobs/webhooks.ts):
//
//   claim    one short transaction: due pending deliveries of enabled endpoints (`for update skip
//            locked`), only the earliest undelivered one per endpoint and member (per-member order:
//            a later message waits while an earlier one is retried), get attempt n+1 and their next
//            attempt pushed past the call's timeout (a lease: a crashed worker's delivery is tried
//            again after it, so a killed worker loses nothing)
//   send     outside any transaction (the caller signs and posts, 15 s timeout, no redirects)
//   record   2xx: delivered; 410 Gone: failed and the endpoint disabled; anything else: retried
//            on the Standard Webhooks schedule (5 s, 5 min, 30 min, 2 h, 5 h, 10 h, 10 h: about a
//            day), then failed. Staff see each delivery and can send it again (redeliverWebhook).
import { type Db, webhookDeliveries, webhookEndpoints } from "@tally/db";
import { and, eq, sql } from "drizzle-orm";
import { query } from "../sql.ts";

/** The wait after attempt n (1-based) before attempt n+1; after the last, the delivery fails. */
export const webhookRetrySchedule = [5_000, 300_000, 1_800_000, 7_200_000, 18_000_000, 36_000_000, 36_000_000] as const;

export interface WebhookSend {
  deliveryId: string;
  endpointId: string;
  url: string;
  /** Current secret first, then the previous one while a rotation overlaps. */
  secrets: string[];
  /** `msg_` + the message id: the same for every attempt (receivers deduplicate by it). */
  messageId: string;
  timestamp: Date;
  body: string;
  attempt: number;
}

export type WebhookSendResult = { status: number; error?: undefined } | { status?: undefined; error: string };

export interface DeliverOptions {
  now?: () => Date;
  limit?: number;
  /** How long a claimed delivery is leased (longer than the send timeout). */
  leaseMs?: number;
  schedule?: readonly number[];
}

interface Claimed {
  id: string;
  endpoint_id: string;
  attempts: number;
  url: string;
  secret: string;
  previous_secret: string | null;
  previous_secret_expires_at: string | null;
  line_items_on: boolean;
  message_id: string;
  payload: { type: string; timestamp: string; data: Record<string, unknown> };
  line_items: unknown[] | null;
}

/** Claims, sends and records one batch of due deliveries; answers what happened to each. */
export async function deliverDueWebhooks(
  db: Db,
  send: (s: WebhookSend) => Promise<WebhookSendResult>,
  options: DeliverOptions = {},
): Promise<{ delivered: number; retried: number; failed: number }> {
  const now = (options.now ?? (() => new Date()))();
  const lease = options.leaseMs ?? 60_000;
  const schedule = options.schedule ?? webhookRetrySchedule;
  const claimed = await db.transaction((tx) =>
    query<Claimed>(
      tx,
      sql`with due as (
            select d.id from webhook_deliveries d
            join webhook_endpoints e on e.practice_id = d.practice_id and e.id = d.endpoint_id and e.status = 'enabled'
            where d.status = 'pending' and d.next_attempt_at <= ${now.toISOString()}::timestamptz
              and not exists (
                select 1 from webhook_deliveries p
                where p.endpoint_id = d.endpoint_id and p.member_id = d.member_id
                  and p.status = 'pending' and p.seq < d.seq)
            order by d.seq
            limit ${options.limit ?? 50}
            for update of d skip locked)
          update webhook_deliveries w
             set attempts = w.attempts + 1, last_attempt_at = ${now.toISOString()}::timestamptz,
                 next_attempt_at = ${new Date(now.getTime() + lease).toISOString()}::timestamptz
            from due, webhook_endpoints e, webhook_messages m
           where w.id = due.id and e.id = w.endpoint_id and m.id = w.message_id
       returning w.id, w.endpoint_id, w.attempts, e.url, e.secret, e.previous_secret,
                 e.previous_secret_expires_at, e.line_items as line_items_on, m.id as message_id,
                 m.payload, m.line_items`,
    ),
  );
  const counts = { delivered: 0, retried: 0, failed: 0 };
  await Promise.all(
    claimed.map(async (c) => {
      const payload = {
        ...c.payload,
        data: { ...c.payload.data, ...(c.line_items_on && c.line_items ? { lineItems: c.line_items } : {}) },
      };
      const secrets = [c.secret];
      if (c.previous_secret && c.previous_secret_expires_at && new Date(c.previous_secret_expires_at) > now)
        secrets.push(c.previous_secret);
      let result: WebhookSendResult;
      try {
        result = await send({
          deliveryId: c.id,
          endpointId: c.endpoint_id,
          url: c.url,
          secrets,
          messageId: `msg_${c.message_id}`,
          timestamp: now,
          body: JSON.stringify(payload),
          attempt: c.attempts,
        });
      } catch (e) {
        result = { error: e instanceof Error ? e.message : String(e) };
      }
      const at = new Date();
      if (result.status !== undefined && result.status >= 200 && result.status < 300) {
        counts.delivered++;
        await db
          .update(webhookDeliveries)
          .set({ status: "delivered", deliveredAt: at, lastStatus: result.status, lastError: null })
          .where(and(eq(webhookDeliveries.id, c.id), eq(webhookDeliveries.status, "pending")));
        return;
      }
      const error = result.error ?? `HTTP ${result.status}`;
      if (result.status === 410) {
        counts.failed++;
        await db.transaction(async (tx) => {
          await tx
            .update(webhookDeliveries)
            .set({ status: "failed", lastStatus: 410, lastError: error })
            .where(eq(webhookDeliveries.id, c.id));
          await tx
            .update(webhookEndpoints)
            .set({ status: "disabled", disabledReason: "The endpoint answered 410 Gone.", updatedAt: at })
            .where(eq(webhookEndpoints.id, c.endpoint_id));
        });
        return;
      }
      const wait = schedule[c.attempts - 1];
      if (wait === undefined) {
        counts.failed++;
        await db
          .update(webhookDeliveries)
          .set({ status: "failed", lastStatus: result.status ?? null, lastError: error })
          .where(eq(webhookDeliveries.id, c.id));
        return;
      }
      counts.retried++;
      await db
        .update(webhookDeliveries)
        .set({ lastStatus: result.status ?? null, lastError: error, nextAttemptAt: new Date(now.getTime() + wait) })
        .where(and(eq(webhookDeliveries.id, c.id), eq(webhookDeliveries.status, "pending")));
    }),
  );
  return counts;
}
