// Tango Card RaaS v2 (https://developers.tangocard.com): `POST /raas/v2/orders` with the order id
// as `externalRefID` (Tango refuses a second order with the same externalRefID; the adapter then
// reads the order it already has with `GET /raas/v2/orders?externalRefID=`, so a retry after a
// timeout never issues a second card), the claim code and link from `reward.credentialList`, and
// the catalog (`GET /raas/v2/catalogs`) whose items are ordered by `utid` (a reward's SKU is a utid).
// Tango allows one order a second per platform: orders wait their turn in this process, and a
// 429 is waited out (Retry-After) once before the attempt is given back to the outbox.
import type { GiftCardProduct, GiftCardProvider, GiftCardResult } from "../gift-cards.ts";
import { callJson, type Fetch, ProviderError, sleep, splitName } from "./http.ts";

export interface TangoCredentials {
  platformName: string;
  platformKey: string;
  accountIdentifier: string;
  customerIdentifier: string;
  baseUrl?: string;
}

export const tangoProduction = "https://api.tangocard.com/raas/v2/";
export const tangoSandbox = "https://integration-api.tangocard.com/raas/v2/";

interface TangoOrder {
  referenceOrderID: string;
  externalRefID?: string;
  status: string;
  reward?: { credentials?: Record<string, string>; credentialList?: { label: string; value: string; type: string }[] };
}

const errorText = (_status: number, body: unknown) => {
  const b = body as { message?: string; errors?: { message?: string }[] } | null;
  return `Tango Card: ${b?.errors?.[0]?.message ?? b?.message ?? "the order was refused"}`;
};

interface TangoItem {
  utid: string;
  rewardName: string;
  currencyCode?: string;
  status?: string;
  /** FIXED_VALUE: `faceValue` only; VARIABLE_VALUE: any amount from `minValue` to `maxValue`. */
  valueType?: string;
  faceValue?: number;
  minValue?: number;
  maxValue?: number;
}

/** A Tango catalog item (one utid) as the reward form shows it. */
export function tangoProduct(brandName: string, i: TangoItem): GiftCardProduct {
  const cents = (d: number | undefined) => (d === undefined || d === null ? null : Math.round(d * 100));
  const fixed = i.valueType === "FIXED_VALUE" && i.faceValue !== undefined;
  return {
    id: i.utid,
    name: i.rewardName,
    brand: brandName,
    currency: i.currencyCode ?? "USD",
    denominations: fixed ? [cents(i.faceValue)!] : null,
    minCents: fixed ? null : cents(i.minValue),
    maxCents: fixed ? null : cents(i.maxValue),
  };
}

/** The claim code and link a reward's credentials hold. */
export function tangoCredentials(order: TangoOrder): { claimCode: string; claimUrl: string | null } {
  const list = order.reward?.credentialList ?? [];
  const url = list.find((c) => c.type === "url")?.value ?? null;
  const code = list.find((c) => c.type !== "url" && /code|number|pin/i.test(c.label))?.value ?? list.find((c) => c.type !== "url")?.value;
  return { claimCode: code ?? order.referenceOrderID, claimUrl: url };
}

export function tangoGiftCards(
  creds: TangoCredentials,
  options: { fetch?: Fetch; timeoutMs?: number; minIntervalMs?: number } = {},
): GiftCardProvider & { products(): Promise<GiftCardProduct[]> } {
  const http = {
    baseUrl: creds.baseUrl ?? tangoProduction,
    headers: { authorization: `Basic ${Buffer.from(`${creds.platformName}:${creds.platformKey}`).toString("base64")}` },
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  };
  const interval = options.minIntervalMs ?? 1_000;
  // One order a second: orders go one at a time, each sent `interval` after the previous one's
  // answer came back (the provider saw that one arrive before it answered, so its gap is at least
  // `interval` whatever the network's delays).
  let queue: Promise<unknown> = Promise.resolve();
  let lastAnswered = 0;
  const paced = <T>(send: () => Promise<T>): Promise<T> => {
    const run = queue.then(async () => {
      const wait = lastAnswered + interval - Date.now();
      if (wait > 0) await sleep(wait);
      try {
        return await send();
      } finally {
        lastAnswered = Date.now();
      }
    });
    queue = run.catch(() => {});
    return run;
  };
  const existing = async (externalRefID: string): Promise<TangoOrder | null> => {
    const { body } = await callJson<{ orders?: TangoOrder[] }>(
      http,
      "GET",
      `orders?externalRefID=${encodeURIComponent(externalRefID)}`,
      undefined,
      errorText,
    );
    return body.orders?.find((o) => o.externalRefID === externalRefID) ?? null;
  };
  const result = (o: TangoOrder): GiftCardResult => {
    if (o.status !== "COMPLETE")
      throw new ProviderError(`Tango Card: the order ${o.referenceOrderID} is ${o.status.toLowerCase()}`, 200, true);
    return { provider: "tango", reference: o.referenceOrderID, ...tangoCredentials(o) };
  };
  return {
    name: "tango",
    async issue(order) {
      const { firstName, lastName } = splitName(order.recipient.name);
      const place = () =>
        paced(() =>
          callJson<TangoOrder>(
            http,
            "POST",
            "orders",
            {
              accountIdentifier: creds.accountIdentifier,
              customerIdentifier: creds.customerIdentifier,
              amount: order.valueCents / 100,
              utid: order.sku,
              externalRefID: order.orderId,
              sendEmail: false,
              recipient: { firstName, lastName, email: order.recipient.email ?? "" },
            },
            errorText,
          ),
        );
      try {
        let answer: { body: TangoOrder };
        try {
          answer = await place();
        } catch (err) {
          if (!(err instanceof ProviderError) || err.status !== 429) throw err;
          await sleep(Math.min(10, err.retryAfterSeconds ?? 1) * 1_000);
          answer = await place();
        }
        return result(answer.body);
      } catch (err) {
        // An order with this externalRefID exists (an earlier attempt whose answer was lost): that is our card.
        if (err instanceof ProviderError && (err.status === 409 || /externalRefID/i.test(err.message))) {
          const found = await existing(order.orderId);
          if (found) return result(found);
        }
        throw err;
      }
    },
    async products() {
      const { body } = await callJson<{ brands?: { brandName: string; items?: TangoItem[] }[] }>(
        http,
        "GET",
        "catalogs",
        undefined,
        errorText,
      );
      return (body.brands ?? []).flatMap((b) =>
        (b.items ?? []).filter((i) => !i.status || i.status === "active").map((i) => tangoProduct(b.brandName, i)),
      );
    },
  };
}
