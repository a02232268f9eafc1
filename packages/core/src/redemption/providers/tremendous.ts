// Tremendous (REST v2, https://developers.tremendous.com): `POST /api/v2/orders` with the order id
// as `external_id` (Tremendous answers an order placed again with the same external_id with the
// order it already has, so a retry after a timeout never issues a second card), LINK delivery (the
// recipient's claim link comes back on the reward, Tally sends the email), and `GET /api/v2/products`
// for the catalog a practice picks its SKUs from (a reward's SKU is a Tremendous product id).
import type { GiftCardProduct, GiftCardProvider, GiftCardResult } from "../gift-cards.ts";
import { callJson, type Fetch, ProviderError } from "./http.ts";

export interface TremendousCredentials {
  apiKey: string;
  /** The funding source orders are paid from (`balance` is the account's prepaid balance). */
  fundingSourceId: string;
  /** Testflight (sandbox) or production; tests point it at a local fake. */
  baseUrl?: string;
}

export const tremendousProduction = "https://www.tremendous.com/api/v2/";
export const tremendousSandbox = "https://testflight.tremendous.com/api/v2/";

interface TremendousOrder {
  order: {
    id: string;
    external_id?: string | null;
    status: string;
    rewards?: { id: string; delivery?: { method?: string; status?: string; link?: string | null } }[];
  };
}

const errorText = (_status: number, body: unknown) => {
  const e = (body as { errors?: { message?: string; payload?: unknown } } | null)?.errors;
  return `Tremendous: ${e?.message ?? "the order was refused"}`;
};

interface TremendousProduct {
  id: string;
  name: string;
  category?: string;
  currency_codes?: string[];
  /** Each SKU is a value range; min = max is a fixed denomination. */
  skus?: { min: number; max: number }[];
}

/** A Tremendous product as the reward form shows it: fixed denominations when every SKU is one value, else the range. */
export function tremendousProduct(p: TremendousProduct): GiftCardProduct {
  const skus = p.skus ?? [];
  const cents = (d: number) => Math.round(d * 100);
  const fixed = skus.length > 0 && skus.every((s) => s.min === s.max);
  return {
    id: p.id,
    name: p.name,
    brand: p.name,
    currency: p.currency_codes?.[0] ?? "USD",
    denominations: fixed ? [...new Set(skus.map((s) => cents(s.min)))].sort((a, b) => a - b) : null,
    minCents: fixed || skus.length === 0 ? null : cents(Math.min(...skus.map((s) => s.min))),
    maxCents: fixed || skus.length === 0 ? null : cents(Math.max(...skus.map((s) => s.max))),
  };
}

export function tremendousGiftCards(
  creds: TremendousCredentials,
  options: { fetch?: Fetch; timeoutMs?: number } = {},
): GiftCardProvider & { products(): Promise<GiftCardProduct[]> } {
  const http = {
    baseUrl: creds.baseUrl ?? tremendousProduction,
    headers: { authorization: `Bearer ${creds.apiKey}` },
    fetch: options.fetch,
    timeoutMs: options.timeoutMs,
  };
  return {
    name: "tremendous",
    async issue(order): Promise<GiftCardResult> {
      const { body } = await callJson<TremendousOrder>(
        http,
        "POST",
        "orders",
        {
          external_id: order.orderId,
          payment: { funding_source_id: creds.fundingSourceId },
          reward: {
            value: { denomination: order.valueCents / 100, currency_code: "USD" },
            products: [order.sku],
            delivery: { method: "LINK" },
            recipient: { name: order.recipient.name, ...(order.recipient.email ? { email: order.recipient.email } : {}) },
          },
        },
        errorText,
      );
      const o = body.order;
      if (o.status === "FAILED" || o.status === "CANCELED")
        throw new ProviderError(`Tremendous: the order ${o.id} is ${o.status.toLowerCase()}`, 200, false);
      const reward = o.rewards?.[0];
      const link = reward?.delivery?.link ?? null;
      // PENDING_APPROVAL / PENDING_INTERNAL_PAYMENT_APPROVAL: no link yet; asking again later with the same external_id answers the same order.
      if (!reward || !link)
        throw new ProviderError(`Tremendous: the order ${o.id} is ${o.status.toLowerCase()}, no claim link yet`, 200, true);
      return { provider: "tremendous", reference: o.id, claimCode: reward.id, claimUrl: link };
    },
    async products() {
      const { body } = await callJson<{ products: TremendousProduct[] }>(http, "GET", "products", undefined, errorText);
      return body.products.map(tremendousProduct);
    },
  };
}
