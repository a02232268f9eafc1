// Webhook delivery (core's deliverDueWebhooks): every message is signed per the Standard Webhooks
// spec (`webhook-id`, `webhook-timestamp`, `webhook-signature`, with both secrets while a rotation
// overlaps) and POSTed with a timeout, without following redirects, and never to a private,
// loopback or link-local address unless WEBHOOK_ALLOW_PRIVATE allows it. Run every minute by the
// `webhooks.deliver` job (handlers.ts), rounds after rounds while deliveries are due; safe in
// several processes (the claim is a lease).
import { lookup } from "node:dns/promises";
import { BlockList, isIP } from "node:net";
import { deliverDueWebhooks, type WebhookSend, type WebhookSendResult } from "@tally/core";
import { Webhook } from "standardwebhooks";
import type { ApiConfig } from "../config.ts";
import type { AppDeps } from "../trpc/context.ts";

const privateRanges = new BlockList();
for (const [net, bits] of [
  ["0.0.0.0", 8],
  ["10.0.0.0", 8],
  ["100.64.0.0", 10],
  ["127.0.0.0", 8],
  ["169.254.0.0", 16],
  ["172.16.0.0", 12],
  ["192.168.0.0", 16],
  ["224.0.0.0", 4],
] as const)
  privateRanges.addSubnet(net, bits, "ipv4");
for (const [net, bits] of [
  ["::", 127],
  ["fc00::", 7],
  ["fe80::", 10],
  ["ff00::", 8],
] as const)
  privateRanges.addSubnet(net, bits, "ipv6");

/** True when the address is private, loopback, link-local or otherwise not on the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 0) return true;
  const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return privateRanges.check(mapped[1]!, "ipv4");
  return privateRanges.check(address, family === 6 ? "ipv6" : "ipv4");
}

/** The Standard Webhooks headers of one message (each secret's signature, space-separated). */
export function signedHeaders(s: Pick<WebhookSend, "messageId" | "timestamp" | "body" | "secrets">): Record<string, string> {
  const signature = s.secrets.map((secret) => new Webhook(secret).sign(s.messageId, s.timestamp, s.body)).join(" ");
  return {
    "content-type": "application/json",
    "user-agent": "Tally-Webhooks/1",
    "webhook-id": s.messageId,
    "webhook-timestamp": String(Math.floor(s.timestamp.getTime() / 1000)),
    "webhook-signature": signature,
  };
}

export function webhookSender(config: ApiConfig["webhooks"]) {
  return async (s: WebhookSend): Promise<WebhookSendResult> => {
    const url = new URL(s.url);
    if (!config.allowPrivate) {
      const host = url.hostname.replace(/^\[|\]$/g, "");
      const addresses = isIP(host) ? [host] : (await lookup(host, { all: true })).map((a) => a.address);
      if (addresses.length === 0 || addresses.some(isPrivateAddress))
        return { error: "The address is private; set WEBHOOK_ALLOW_PRIVATE=true to deliver there." };
    }
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: signedHeaders(s),
        body: s.body,
        redirect: "manual",
        signal: AbortSignal.timeout(config.timeoutMs),
      });
      await res.body?.cancel();
      // A redirect is not followed: it counts as a failed attempt (its status in the log).
      return { status: res.status };
    } catch (e) {
      const name = (e as Error).name;
      return {
        error: name === "TimeoutError" ? `No answer within ${config.timeoutMs / 1000} s` : `Could not connect: ${(e as Error).message}`,
      };
    }
  };
}

/** Delivers what is due, round after round, for at most `budgetMs`. */
export async function runWebhookDeliveries(
  deps: AppDeps,
  budgetMs = 50_000,
): Promise<{ delivered: number; retried: number; failed: number }> {
  const total = { delivered: 0, retried: 0, failed: 0 };
  const started = Date.now();
  const send = webhookSender(deps.config.webhooks);
  try {
    while (Date.now() - started < budgetMs) {
      const r = await deliverDueWebhooks(deps.database.db, send, { leaseMs: deps.config.webhooks.timeoutMs + 45_000 });
      total.delivered += r.delivered;
      total.retried += r.retried;
      total.failed += r.failed;
      if (r.delivered + r.retried + r.failed === 0) break;
    }
  } catch (err) {
    deps.log.error({ err }, "webhook delivery failed");
  }
  if (total.delivered) deps.metrics.inc("tally_webhooks_delivered_total", "Webhook messages delivered.", total.delivered);
  if (total.retried) deps.metrics.inc("tally_webhook_retries_total", "Webhook attempts that failed and will be retried.", total.retried);
  if (total.failed)
    deps.metrics.inc("tally_webhooks_failed_total", "Webhook deliveries given up (after a day of retries, or 410).", total.failed);
  return total;
}
