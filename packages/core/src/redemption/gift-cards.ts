// National gift cards are fulfilled through a provider. The sandbox provider ships so the whole
// flow works without an account; a real provider implements the same interface.
import { createHash } from "node:crypto";

export interface GiftCardOrder {
  orderId: string;
  sku: string;
  valueCents: number;
  recipient: { name: string; email: string | null };
}

export interface GiftCardResult {
  provider: string;
  /** The provider's reference, for support. */
  reference: string;
  /** What the member uses: a claim code and/or a claim link. */
  claimCode: string;
  claimUrl: string | null;
}

export interface GiftCardProduct {
  /** What a reward's providerSku holds: a Tremendous product id, a Tango utid. */
  id: string;
  name: string;
  brand: string;
  currency: string;
  /** Fixed face values in cents, when the product only comes in those. */
  denominations: number[] | null;
  /** Otherwise any value in this range (cents). */
  minCents: number | null;
  maxCents: number | null;
}

/** The sandbox's catalog (the demo's rewards use these ids). */
export const sandboxProducts: GiftCardProduct[] = [
  { id: "AMZN-10", name: "Amazon.com Gift Card", brand: "Amazon", currency: "USD", denominations: null, minCents: 100, maxCents: 50_000 },
  {
    id: "SBUX-5",
    name: "Starbucks eGift",
    brand: "Starbucks",
    currency: "USD",
    denominations: [500, 1000, 2500],
    minCents: null,
    maxCents: null,
  },
  {
    id: "TGT-25",
    name: "Target GiftCard",
    brand: "Target",
    currency: "USD",
    denominations: [1000, 2500, 5000],
    minCents: null,
    maxCents: null,
  },
  {
    id: "VISA-VIRTUAL",
    name: "Visa Virtual Prepaid Card",
    brand: "Visa",
    currency: "USD",
    denominations: null,
    minCents: 500,
    maxCents: 20_000,
  },
];

export interface GiftCardProvider {
  readonly name: string;
  /** Must be idempotent on orderId: asking twice returns the same card. */
  issue(order: GiftCardOrder): Promise<GiftCardResult>;
  /** The products a reward is chosen from (the reward form's picker). */
  products?(): Promise<GiftCardProduct[]>;
}

/** Deterministic fake cards: the same order always gets the same code. */
export const sandboxGiftCards: GiftCardProvider = {
  name: "sandbox",
  async issue(order) {
    const digest = createHash("sha256").update(`${order.orderId}:${order.sku}:${order.valueCents}`).digest("hex").toUpperCase();
    const claimCode = `SBX-${digest.slice(0, 4)}-${digest.slice(4, 8)}-${digest.slice(8, 12)}`;
    return {
      provider: "sandbox",
      reference: `sandbox_${digest.slice(12, 24).toLowerCase()}`,
      claimCode,
      // The sandbox has no claim site: a link to a host that does not exist would only confuse.
      claimUrl: null,
    };
  },
  products: async () => sandboxProducts,
};

/** The claim code and link an order's fulfilment holds once its gift card is issued (else null):
 *  what the patient sees under Your orders, staff see in Orders, and the email says. */
export function giftCardOf(fulfilment: Record<string, unknown> | null | undefined): { claimCode: string; claimUrl: string | null } | null {
  const code = fulfilment?.claimCode;
  if (typeof code !== "string" || code === "") return null;
  const url = fulfilment?.claimUrl;
  return { claimCode: code, claimUrl: typeof url === "string" && /^https?:\/\//.test(url) ? url : null };
}

let current: GiftCardProvider = sandboxGiftCards;
/** The API chooses the provider at start-up (from its env); tests keep the sandbox. */
export const setGiftCardProvider = (p: GiftCardProvider) => {
  current = p;
};
export const giftCardProvider = () => current;
