import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { deliverDueWebhooks, type WebhookSend } from "@tally/core";
import { members, webhookDeliveries } from "@tally/db";
import { eq } from "drizzle-orm";
import { Webhook } from "standardwebhooks";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { createHarness, type Harness, type TestClient } from "../testing/harness.ts";
import { isPrivateAddress, runWebhookDeliveries, webhookSender } from "./webhooks.ts";

interface Received {
  headers: IncomingMessage["headers"];
  body: string;
  status: number;
}

describe("webhooks (Standard Webhooks, from the outbox)", () => {
  let h: Harness;
  let admin: TestClient;
  let key: string;
  let server: Server;
  let url: string;
  let received: Received[];
  /** What the receiver answers next (then 200 for ever). */
  let answers: number[];
  let ana: typeof members.$inferSelect;
  let invoiceNo = 0;

  const send = webhookSender({ allowPrivate: true, timeoutMs: 5_000 });
  const fast = { schedule: [1, 1, 1, 1, 1, 1, 1], leaseMs: 60_000 };
  const postInvoice = async (member = "PMS-10000", amount = "100.00") => {
    invoiceNo++;
    const res = await h.request("/api/v1/invoices", {
      method: "POST",
      headers: { authorization: `Bearer ${key}`, "content-type": "application/json" },
      body: JSON.stringify({
        invoices: [
          { externalMemberId: member, invoiceId: `W-${invoiceNo}`, date: "2026-03-01", status: "paid", lines: [{ code: "CLEAN", amount }] },
        ],
      }),
    });
    expect(res.status).toBe(200);
  };
  /** Runs delivery rounds with the clock moving on until nothing is due. */
  const drain = async (options: Partial<Parameters<typeof deliverDueWebhooks>[2]> = {}) => {
    let clock = Date.now();
    for (let round = 0; round < 30; round++) {
      clock += 10;
      const r = await deliverDueWebhooks(h.t.db, send, { ...fast, ...options, now: () => new Date(clock) });
      if (r.delivered + r.retried + r.failed === 0) return;
    }
  };
  const successes = () => received.filter((r) => r.status === 200);

  beforeAll(async () => {
    h = await createHarness({ config: { webhooks: { allowPrivate: true, timeoutMs: 5_000 } } });
    admin = await h.staff("admin");
    await admin.rules.save.mutate({ source: 'earn "Spend" on invoice.paid {\n  rate 1 point per $10\n  items all\n}', publish: true });
    key = (await admin.apiKeys.create.mutate({ name: "PMS" })).key;
    ana = (await h.t.db.select().from(members).where(eq(members.externalId, "PMS-10000")))[0]!;
    server = createServer((req, res) => {
      let body = "";
      req.on("data", (c) => (body += c));
      req.on("end", () => {
        const status = answers.shift() ?? 200;
        received.push({ headers: req.headers, body, status });
        res.writeHead(status).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  });
  afterAll(async () => {
    server?.close();
    await h?.dispose();
  });
  beforeEach(async () => {
    received = [];
    answers = [];
    for (const e of await admin.webhooks.list.query()) await admin.webhooks.remove.mutate({ endpointId: e.id });
  });

  it("signs each message so the standardwebhooks verifier accepts it, with line items only when asked", async () => {
    const plain = await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    const withLines = await admin.webhooks.create.mutate({ url: `${url}?lines`, eventTypes: ["points.awarded"], lineItems: true });
    expect(plain.secret).toMatch(/^whsec_/);
    await postInvoice();
    await runWebhookDeliveries(h.app.deps);
    expect(successes()).toHaveLength(2);
    for (const r of received) {
      const verified = (() => {
        for (const s of [plain.secret, withLines.secret]) {
          try {
            return {
              secret: s,
              payload: new Webhook(s).verify(r.body, r.headers as Record<string, string>) as {
                type: string;
                data: Record<string, unknown>;
              },
            };
          } catch {}
        }
        throw new Error("no secret verifies this message");
      })();
      expect(verified.payload.type).toBe("points.awarded");
      expect(verified.payload.data).toMatchObject({ memberId: ana.id, points: 10, invoiceId: `W-${invoiceNo}` });
      expect(r.headers["webhook-id"]).toMatch(/^msg_/);
      if (verified.secret === withLines.secret) expect(verified.payload.data.lineItems).toEqual([{ code: "CLEAN", amount: "100.00" }]);
      else expect(verified.payload.data.lineItems).toBeUndefined();
    }
    // A tampered body is refused by the verifier.
    expect(() => new Webhook(plain.secret).verify(`${received[0]!.body} `, received[0]!.headers as Record<string, string>)).toThrow();
  });

  it("retries a receiver that fails 3 times: exactly one successful delivery per event, with the same webhook-id", async () => {
    await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    answers = [500, 503, 502];
    await postInvoice();
    await drain();
    expect(received.map((r) => r.status)).toEqual([500, 503, 502, 200]);
    expect(new Set(received.map((r) => r.headers["webhook-id"])).size).toBe(1);
    const [log] = await admin.webhooks.deliveries.query();
    expect(log).toMatchObject({ status: "delivered", attempts: 4, lastStatus: 200 });
  });

  it("keeps each member's order: a later message waits while an earlier one is retried", async () => {
    await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    answers = [500, 500];
    await postInvoice("PMS-10000", "10.00");
    await postInvoice("PMS-10000", "20.00");
    await postInvoice("PMS-10000", "30.00");
    await drain();
    const delivered = successes().map((r) => (JSON.parse(r.body) as { data: { points: number } }).data.points);
    expect(delivered).toEqual([1, 2, 3]);
    expect(received.slice(0, 2).every((r) => r.status === 500)).toBe(true);
    expect((JSON.parse(received[1]!.body) as { data: { points: number } }).data.points).toBe(1);
  });

  it("sends each message once when several workers deliver at the same time, each member's in order", async () => {
    await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    const pms = ["PMS-10000", "PMS-10001", "PMS-10002"];
    for (let round = 1; round <= 3; round++) for (const id of pms) await postInvoice(id, `${round * 10}.00`);
    let clock = Date.now();
    for (let i = 0; i < 10; i++) {
      clock += 10;
      const results = await Promise.all([1, 2, 3, 4].map(() => deliverDueWebhooks(h.t.db, send, { ...fast, now: () => new Date(clock) })));
      if (results.every((r) => r.delivered + r.retried + r.failed === 0)) break;
    }
    const ids = successes().map((r) => r.headers["webhook-id"]);
    expect(ids).toHaveLength(9);
    expect(new Set(ids).size).toBe(9);
    const byMember = new Map<string, number[]>();
    for (const r of successes()) {
      const data = (JSON.parse(r.body) as { data: { memberId: string; points: number } }).data;
      byMember.set(data.memberId, [...(byMember.get(data.memberId) ?? []), data.points]);
    }
    expect([...byMember.values()]).toEqual([
      [1, 2, 3],
      [1, 2, 3],
      [1, 2, 3],
    ]);
  });

  it("disables an endpoint that answers 410 Gone", async () => {
    const ep = await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    answers = [410];
    await postInvoice();
    await drain();
    await postInvoice();
    await drain();
    expect(received).toHaveLength(1);
    const [listed] = await admin.webhooks.list.query();
    expect(listed).toMatchObject({ id: ep.id, status: "disabled", failed: 1 });
  });

  it("loses nothing when a worker dies mid-delivery: the lease runs out and another worker sends it", async () => {
    await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    await postInvoice();
    const start = Date.now();
    // This worker claims the delivery and never comes back.
    void deliverDueWebhooks(h.t.db, () => new Promise<never>(() => {}), { leaseMs: 60_000, now: () => new Date(start) });
    await new Promise((r) => setTimeout(r, 200));
    const before = await deliverDueWebhooks(h.t.db, send, { now: () => new Date(start + 1_000) });
    expect(before.delivered).toBe(0);
    const after = await deliverDueWebhooks(h.t.db, send, { now: () => new Date(start + 61_000) });
    expect(after.delivered).toBe(1);
    expect(successes()).toHaveLength(1);
  });

  it("sends again from the log, and signs with both secrets while a rotation overlaps", async () => {
    const ep = await admin.webhooks.create.mutate({ url, eventTypes: ["points.awarded"] });
    await postInvoice();
    await drain();
    const rotated = await admin.webhooks.rotateSecret.mutate({ endpointId: ep.id });
    const [log] = await admin.webhooks.deliveries.query({ endpointId: ep.id });
    await admin.webhooks.redeliver.mutate({ deliveryId: log!.id });
    await drain();
    expect(successes()).toHaveLength(2);
    const again = received[1]!;
    expect(again.headers["webhook-id"]).toBe(received[0]!.headers["webhook-id"]);
    expect(String(again.headers["webhook-signature"]).split(" ")).toHaveLength(2);
    for (const secret of [ep.secret, rotated.secret])
      expect(() => new Webhook(secret).verify(again.body, again.headers as Record<string, string>)).not.toThrow();
    const rows = await h.t.db.select().from(webhookDeliveries).where(eq(webhookDeliveries.endpointId, ep.id));
    expect(rows).toHaveLength(1);
  });

  it("tells about members, redemptions, fulfilled orders and used coupons, each type only to its subscribers", async () => {
    await admin.webhooks.create.mutate({ url });
    const onlyCoupons = await admin.webhooks.create.mutate({ url: `${url}?coupons`, eventTypes: ["coupon.used"] });
    const rest = (path: string, init: RequestInit & { json?: unknown } = {}) =>
      h.request(`/api/v1${path}`, {
        ...init,
        headers: { authorization: `Bearer ${key}`, "content-type": "application/json", ...(init.headers as Record<string, string>) },
        body: init.json === undefined ? undefined : JSON.stringify(init.json),
      });
    const created = await rest("/members/HOOK-1", { method: "PUT", json: { firstName: "Hook", lastName: "Member" } });
    expect(created.status).toBe(201);
    await postInvoice("PMS-10000", "500.00");
    const gift = await admin.catalog.createReward.mutate({ name: "Tote bag", pointsPrice: 5, kind: "in_house" });
    const coupon = await admin.catalog.createReward.mutate({ name: "Floss", pointsPrice: 5, kind: "coupon", couponCode: "FLOSS" });
    const order = (await (await rest("/redemptions", { method: "POST", json: { memberId: ana.id, rewardId: gift.id } })).json()) as {
      orderId: string;
    };
    await admin.redemption.fulfilOrder.mutate({ orderId: order.orderId });
    await rest("/redemptions", { method: "POST", json: { memberId: ana.id, rewardId: coupon.id } });
    const coupons = (await (await rest(`/members/${ana.id}/coupons`)).json()) as { items: { id: string; coupon: string }[] };
    await rest(`/coupons/${coupons.items.find((c) => c.coupon === "FLOSS")!.id}/use`, { method: "POST" });
    await drain();
    const all = successes().map((r) => JSON.parse(r.body) as { type: string; data: Record<string, unknown> });
    const types = all.map((x) => x.type);
    expect(types).toEqual(
      expect.arrayContaining(["member.created", "points.awarded", "reward.redeemed", "order.fulfilled", "coupon.used"]),
    );
    expect(all.find((x) => x.type === "reward.redeemed")!.data).toMatchObject({ memberId: ana.id, points: -5, reward: "Tote bag" });
    expect(all.find((x) => x.type === "order.fulfilled")!.data).toMatchObject({ orderId: order.orderId, reward: "Tote bag" });
    expect(all.find((x) => x.type === "member.created")!.data).toMatchObject({ member: { externalId: "HOOK-1" } });
    // The coupon-only endpoint got the coupon.used message and nothing else.
    const couponOnly = (await admin.webhooks.deliveries.query({ endpointId: onlyCoupons.id })).map((d) => d.type);
    expect(couponOnly).toEqual(["coupon.used"]);
  });

  it("refuses private addresses unless allowed, and answers another practice's endpoint as not found", async () => {
    expect(isPrivateAddress("127.0.0.1")).toBe(true);
    expect(isPrivateAddress("10.2.3.4")).toBe(true);
    expect(isPrivateAddress("::1")).toBe(true);
    expect(isPrivateAddress("::ffff:192.168.1.2")).toBe(true);
    expect(isPrivateAddress("93.184.216.34")).toBe(false);
    const strict = webhookSender({ allowPrivate: false, timeoutMs: 1_000 });
    const result = await strict({
      url,
      secrets: ["whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"],
      messageId: "msg_1",
      timestamp: new Date(),
      body: "{}",
    } as WebhookSend);
    expect(result.error).toMatch(/private/);
    expect(received).toHaveLength(0);

    const ep = await admin.webhooks.create.mutate({ url });
    const vet = await h.staff("admin", "paws-claws");
    await expect(vet.webhooks.remove.mutate({ endpointId: ep.id })).rejects.toMatchObject({ data: { code: "NOT_FOUND" } });
    await expect((await h.staff("team_member")).webhooks.list.query()).rejects.toMatchObject({ data: { code: "FORBIDDEN" } });
  });
});
