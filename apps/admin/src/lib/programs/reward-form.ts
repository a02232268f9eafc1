// The rewards catalog form: what the admin types, checked and turned into the API's input.
import { dollarsToCents } from "../rules/builder.ts";
import { faceValueError, type GiftCardProductView } from "./gift-card-products.ts";

export type RewardKind = "gift_card" | "in_house" | "coupon";

export const rewardKinds: { value: RewardKind; label: string; hint: string }[] = [
  { value: "gift_card", label: "Gift card", hint: "A national gift card, sent by the gift card provider." },
  { value: "in_house", label: "In-house prize", hint: "Something the practice hands over; it goes to the orders queue to fulfil." },
  { value: "coupon", label: "Coupon", hint: "A discount or freebie the patient shows at the desk; rules can also unlock it by name." },
];

export interface RewardValues {
  kind: RewardKind;
  name: string;
  pointsPrice: string;
  description: string;
  imageUrl: string;
  enabled: boolean;
  value: string;
  providerSku: string;
  couponCode: string;
  couponValidDays: string;
  /** The name and description in Spanish (optional: patients who read Spanish see them). */
  nameEs: string;
  descriptionEs: string;
}

export const emptyReward = (kind: RewardKind = "in_house"): RewardValues => ({
  kind,
  name: "",
  pointsPrice: "",
  description: "",
  imageUrl: "",
  enabled: true,
  value: "",
  providerSku: "",
  couponCode: "",
  couponValidDays: "",
  nameEs: "",
  descriptionEs: "",
});

export interface RewardInput {
  kind: RewardKind;
  name: string;
  pointsPrice: number;
  description: string;
  imageUrl: string | null;
  enabled: boolean;
  valueCents: number | null;
  providerSku: string | null;
  couponCode: string | null;
  couponValidDays: number | null;
  /** Empty fields remove the translation. */
  translations: { es: { name: string; description: string } };
}

export function rewardValuesFrom(form: FormData): RewardValues {
  const s = (k: string) => String(form.get(k) ?? "").trim();
  const kind = s("kind");
  return {
    kind: kind === "gift_card" || kind === "coupon" ? kind : "in_house",
    name: s("name"),
    pointsPrice: s("pointsPrice"),
    description: s("description"),
    imageUrl: s("imageUrl"),
    enabled: form.get("enabled") === "yes",
    value: s("value"),
    providerSku: s("providerSku"),
    couponCode: s("couponCode"),
    couponValidDays: s("couponValidDays"),
    nameEs: s("nameEs"),
    descriptionEs: s("descriptionEs"),
  };
}

/** Checks the form; errors are keyed by field name and say what to do. A gift card's value is
 *  checked against its product when the provider's products are given. */
export function parseReward(
  v: RewardValues,
  products: GiftCardProductView[] = [],
): { input: RewardInput | null; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  if (!v.name) errors.name = "Give the reward a name patients will recognise.";
  else if (v.name.length > 200) errors.name = "Keep the name under 200 characters.";
  if (v.nameEs.length > 200) errors.nameEs = "Keep the name under 200 characters.";
  const price = /^\d+$/.test(v.pointsPrice.replace(/,/g, "")) ? Number.parseInt(v.pointsPrice.replace(/,/g, ""), 10) : Number.NaN;
  if (!Number.isInteger(price) || price <= 0) errors.pointsPrice = "Enter the point price as a whole number above 0, like 500.";
  let imageUrl: string | null = null;
  if (v.imageUrl) {
    try {
      const u = new URL(v.imageUrl);
      if (u.protocol !== "https:" && u.protocol !== "http:") throw new Error("scheme");
      imageUrl = u.toString();
    } catch {
      errors.imageUrl = "Enter the full image address, starting with https://, or leave it empty.";
    }
  }
  let valueCents: number | null = null;
  let providerSku: string | null = null;
  if (v.kind === "gift_card") {
    valueCents = dollarsToCents(v.value);
    if (valueCents === null || valueCents <= 0) errors.value = "Enter the card's value in dollars, like 25.";
    providerSku = v.providerSku || null;
    if (!providerSku)
      errors.providerSku = products.length
        ? "Pick the product this card is."
        : "Enter the provider's product code for this card (see the provider's catalog).";
    const product = products.find((p) => p.id === providerSku);
    const problem = product && valueCents !== null && valueCents > 0 ? faceValueError(product, valueCents) : null;
    if (problem) errors.value = problem;
  }
  let couponCode: string | null = null;
  let couponValidDays: number | null = null;
  if (v.kind === "coupon") {
    couponCode = v.couponCode || null;
    if (!couponCode) errors.couponCode = "Give the coupon a short name, like free-whitening. Rules unlock coupons by this name.";
    else if (!/^[A-Za-z0-9][A-Za-z0-9_-]*$/.test(couponCode))
      errors.couponCode = "Use letters, digits, dashes and underscores only, like free-whitening.";
    // What the coupon costs the practice (backtests count it); empty or 0 is $0.
    if (v.value) {
      const cents = dollarsToCents(v.value);
      if (cents === null || cents < 0)
        errors.value = "Enter what the coupon costs the practice in dollars, like 15, or leave it empty for $0.";
      else valueCents = cents > 0 ? cents : null;
    }
    if (v.couponValidDays) {
      couponValidDays = /^\d+$/.test(v.couponValidDays) ? Number.parseInt(v.couponValidDays, 10) : Number.NaN;
      if (!Number.isInteger(couponValidDays) || couponValidDays <= 0 || couponValidDays > 3650)
        errors.couponValidDays = "Enter a number of days from 1 to 3650, or leave it empty.";
    }
  }
  if (Object.keys(errors).length > 0) return { input: null, errors };
  return {
    input: {
      kind: v.kind,
      name: v.name,
      pointsPrice: price,
      description: v.description,
      imageUrl,
      enabled: v.enabled,
      valueCents,
      providerSku,
      couponCode,
      couponValidDays,
      translations: { es: { name: v.nameEs, description: v.descriptionEs } },
    },
    errors,
  };
}

/** The form's values for an existing reward. */
export function rewardValuesOf(r: {
  kind: RewardKind;
  name: string;
  pointsPrice: number;
  description: string;
  imageUrl: string | null;
  enabled: boolean;
  valueCents: number | null;
  providerSku: string | null;
  couponCode: string | null;
  couponValidDays: number | null;
  translations?: { es?: Record<string, string> };
}): RewardValues {
  return {
    kind: r.kind,
    name: r.name,
    pointsPrice: String(r.pointsPrice),
    description: r.description,
    imageUrl: r.imageUrl ?? "",
    enabled: r.enabled,
    value: r.valueCents ? (r.valueCents % 100 ? (r.valueCents / 100).toFixed(2) : String(r.valueCents / 100)) : "",
    providerSku: r.providerSku ?? "",
    couponCode: r.couponCode ?? "",
    couponValidDays: r.couponValidDays ? String(r.couponValidDays) : "",
    nameEs: r.translations?.es?.name ?? "",
    descriptionEs: r.translations?.es?.description ?? "",
  };
}
