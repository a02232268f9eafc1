// Local fakes of the gift-card providers over HTTP, for tests: the documented endpoints Tally
// calls, with their error answers, rate limits and idempotent replays. Each counts the cards it
// actually created, so a test can prove an order placed twice is issued once.
import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

export interface FakeServer {
  url: string;
  /** Cards created per external id. */
  issued: Map<string, number>;
  /** Requests received per path (POST orders included even when refused). */
  requests: { method: string; path: string; at: number }[];
  /** The next `n` order requests are answered with this status (and the provider's error body). */
  failNext(n: number, status: number): void;
  /** The next `n` orders are created, then answered only after `ms` (past the caller's timeout). */
  slowNext(n: number, ms: number): void;
  close(): Promise<void>;
}

type Handler = (req: IncomingMessage, body: unknown, url: URL, res: ServerResponse) => void;

const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
  res.writeHead(status, { "content-type": "application/json", ...headers });
  res.end(JSON.stringify(body));
};

async function serve(handler: Handler): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const text = Buffer.concat(chunks).toString("utf8");
      let body: unknown = null;
      try {
        body = text ? JSON.parse(text) : null;
      } catch {
        return send(res, 400, { errors: { message: "invalid JSON" } });
      }
      handler(req, body, new URL(req.url ?? "/", "http://localhost"), res);
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` };
}

const closer = (server: Server) => () =>
  new Promise<void>((r) => {
    server.closeAllConnections();
    server.close(() => r());
  });

function script() {
  let failing: { n: number; status: number } = { n: 0, status: 0 };
  let slow: { n: number; ms: number } = { n: 0, ms: 0 };
  return {
    failNext: (n: number, status: number) => {
      failing = { n, status };
    },
    slowNext: (n: number, ms: number) => {
      slow = { n, ms };
    },
    takeFailure: () => {
      if (failing.n <= 0) return 0;
      failing.n--;
      return failing.status;
    },
    takeDelay: () => {
      if (slow.n <= 0) return 0;
      slow.n--;
      return slow.ms;
    },
  };
}

/** Tremendous REST v2: POST /api/v2/orders (Bearer key; `external_id` idempotent: 201 new, 200 the same order again), GET /api/v2/products. */
export async function fakeTremendous(options: { apiKey?: string; products?: string[]; ratePerSecond?: number } = {}): Promise<FakeServer> {
  const apiKey = options.apiKey ?? "TEST_tremendous";
  const products = options.products ?? ["OKMHM2X2OHYV", "KV934TZ93NQM"];
  const orders = new Map<string, unknown>();
  const issued = new Map<string, number>();
  const requests: FakeServer["requests"] = [];
  const s = script();
  const { server, url } = await serve((req, body, u, res) => {
    requests.push({ method: req.method ?? "", path: u.pathname, at: Date.now() });
    if (req.headers.authorization !== `Bearer ${apiKey}`) return send(res, 401, { errors: { message: "Unauthorized: invalid API key" } });
    const windowStart = Date.now() - 1_000;
    if (options.ratePerSecond && requests.filter((r) => r.at > windowStart).length > options.ratePerSecond)
      return send(res, 429, { errors: { message: "Too many requests" } }, { "retry-after": "1" });
    if (req.method === "GET" && u.pathname === "/api/v2/products")
      return send(res, 200, {
        // The first product takes any value from $5 to $200; the others come in $25 and $50.
        products: products.map((id, n) => ({
          id,
          name: n === 0 ? "Amazon.com" : `Brand ${id}`,
          category: "merchant_card",
          currency_codes: ["USD"],
          skus:
            n === 0
              ? [{ min: 5, max: 200 }]
              : [
                  { min: 25, max: 25 },
                  { min: 50, max: 50 },
                ],
        })),
      });
    if (req.method !== "POST" || u.pathname !== "/api/v2/orders") return send(res, 404, { errors: { message: "Not found" } });
    const failure = s.takeFailure();
    if (failure) return send(res, failure, { errors: { message: failure >= 500 ? "Internal server error" : "Order refused" } });
    const b = body as {
      external_id?: string;
      payment?: { funding_source_id?: string };
      reward?: { value?: { denomination?: number }; products?: string[]; delivery?: { method?: string }; recipient?: { name?: string } };
    };
    const externalId = b.external_id ?? randomUUID();
    const prior = orders.get(externalId);
    if (prior) return send(res, 200, prior);
    const product = b.reward?.products?.[0];
    if (!b.payment?.funding_source_id) return send(res, 400, { errors: { message: "payment.funding_source_id is required", payload: {} } });
    if (!product || !products.includes(product))
      return send(res, 422, { errors: { message: `Product ${product ?? "(none)"} is not available`, payload: {} } });
    if (!(Number(b.reward?.value?.denomination) > 0))
      return send(res, 400, { errors: { message: "reward.value.denomination must be positive" } });
    const rewardId = `RW${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
    const order = {
      order: {
        id: `OR${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`,
        external_id: externalId,
        status: "EXECUTED",
        rewards: [{ id: rewardId, delivery: { method: "LINK", status: "SUCCEEDED", link: `${url}/rewards/${rewardId}` } }],
      },
    };
    orders.set(externalId, order);
    issued.set(externalId, (issued.get(externalId) ?? 0) + 1);
    const delay = s.takeDelay();
    setTimeout(() => send(res, 201, order), delay);
  });
  return { url: `${url}/api/v2/`, issued, requests, failNext: s.failNext, slowNext: s.slowNext, close: closer(server) };
}

/** Tango Card RaaS v2: POST /raas/v2/orders (Basic auth; one order a second, else 429; a second
 *  order with the same externalRefID is refused with 409), GET /raas/v2/orders?externalRefID=, GET /raas/v2/catalogs. */
export async function fakeTango(
  options: { platformName?: string; platformKey?: string; utids?: string[]; minIntervalMs?: number } = {},
): Promise<FakeServer & { tooFast: number }> {
  const auth = `Basic ${Buffer.from(`${options.platformName ?? "tally"}:${options.platformKey ?? "key"}`).toString("base64")}`;
  const utids = options.utids ?? ["U561593", "U666425"];
  const interval = options.minIntervalMs ?? 1_000;
  const orders = new Map<string, Record<string, unknown>>();
  const issued = new Map<string, number>();
  const requests: FakeServer["requests"] = [];
  const s = script();
  let lastOrderAt = 0;
  const state = { tooFast: 0 };
  const { server, url } = await serve((req, body, u, res) => {
    requests.push({ method: req.method ?? "", path: u.pathname, at: Date.now() });
    if (req.headers.authorization !== auth) return send(res, 401, { errors: [{ code: "RAAS:AUTH", message: "Invalid credentials" }] });
    if (req.method === "GET" && u.pathname === "/raas/v2/catalogs")
      return send(res, 200, {
        catalogName: "Tally",
        // The first item takes any amount from $1 to $500; the others are $25 cards.
        brands: [
          {
            brandName: "Gift",
            items: utids.map((utid, n) => ({
              utid,
              rewardName: `Gift card ${utid}`,
              currencyCode: "USD",
              status: "active",
              ...(n === 0 ? { valueType: "VARIABLE_VALUE", minValue: 1, maxValue: 500 } : { valueType: "FIXED_VALUE", faceValue: 25 }),
            })),
          },
        ],
      });
    if (req.method === "GET" && u.pathname === "/raas/v2/orders") {
      const ref = u.searchParams.get("externalRefID");
      return send(res, 200, { orders: [...orders.values()].filter((o) => !ref || o.externalRefID === ref) });
    }
    if (req.method !== "POST" || u.pathname !== "/raas/v2/orders") return send(res, 404, { errors: [{ message: "Not found" }] });
    const now = Date.now();
    if (now - lastOrderAt < interval) {
      state.tooFast++;
      return send(
        res,
        429,
        { errors: [{ code: "RAAS:RATE", message: "Rate limit exceeded: one order per second" }] },
        { "retry-after": "1" },
      );
    }
    lastOrderAt = now;
    const failure = s.takeFailure();
    if (failure)
      return send(res, failure, { errors: [{ code: "RAAS:ERR", message: failure >= 500 ? "Service unavailable" : "Order refused" }] });
    const b = body as { externalRefID?: string; utid?: string; amount?: number; accountIdentifier?: string; customerIdentifier?: string };
    if (b.externalRefID && orders.has(b.externalRefID))
      return send(res, 409, {
        errors: [{ code: "RAAS:ORDER:DUPLICATE", message: `An order with externalRefID ${b.externalRefID} already exists` }],
      });
    if (!b.accountIdentifier || !b.customerIdentifier)
      return send(res, 400, { errors: [{ message: "accountIdentifier and customerIdentifier are required" }] });
    if (!b.utid || !utids.includes(b.utid))
      return send(res, 400, { errors: [{ message: `utid ${b.utid ?? "(none)"} is not in the catalog` }] });
    if (!(Number(b.amount) > 0)) return send(res, 400, { errors: [{ message: "amount must be positive" }] });
    const ref = `RA${randomUUID().replaceAll("-", "").slice(0, 10).toUpperCase()}`;
    const code = randomUUID().replaceAll("-", "").slice(0, 16).toUpperCase();
    const order = {
      referenceOrderID: ref,
      externalRefID: b.externalRefID,
      status: "COMPLETE",
      amountCharged: { value: b.amount, currencyCode: "USD" },
      reward: {
        credentials: { "Card Number": code, "Redemption Link": `${url}/redeem/${ref}` },
        credentialList: [
          { label: "Card Number", value: code, type: "text" },
          { label: "Redemption Link", value: `${url}/redeem/${ref}`, type: "url" },
        ],
      },
    };
    if (b.externalRefID) orders.set(b.externalRefID, order);
    const key = b.externalRefID ?? ref;
    issued.set(key, (issued.get(key) ?? 0) + 1);
    const delay = s.takeDelay();
    setTimeout(() => send(res, 201, order), delay);
  });
  return {
    url: `${url}/raas/v2/`,
    issued,
    requests,
    failNext: s.failNext,
    slowNext: s.slowNext,
    close: closer(server),
    get tooFast() {
      return state.tooFast;
    },
  };
}
