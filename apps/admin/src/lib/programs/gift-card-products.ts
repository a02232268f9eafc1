// The gift card provider's products as the reward form shows them: the values each comes in, and
// whether a card value is one of them (the API checks the same; this says it under the field).

export interface GiftCardProductView {
  id: string;
  name: string;
  brand: string;
  currency: string;
  denominations: number[] | null;
  minCents: number | null;
  maxCents: number | null;
}

export interface GiftCardCatalogView {
  provider: string;
  products: GiftCardProductView[];
  /** The provider could not be read (the form falls back to typing the product code). */
  error: string | null;
}

export const providerLabels: Record<string, string> = { sandbox: "the sandbox", tremendous: "Tremendous", tango: "Tango Card" };

const dollars = (cents: number) => `$${(cents / 100).toFixed(cents % 100 === 0 ? 0 : 2)}`;

/** "$5, $10, $25" or "$5 to $200" (or "any value"). */
export function valuesText(p: GiftCardProductView): string {
  if (p.denominations?.length) return p.denominations.map(dollars).join(", ");
  if (p.minCents !== null && p.maxCents !== null) return `${dollars(p.minCents)} to ${dollars(p.maxCents)}`;
  if (p.minCents !== null) return `from ${dollars(p.minCents)}`;
  if (p.maxCents !== null) return `up to ${dollars(p.maxCents)}`;
  return "any value";
}

/** What to tell the admin when the value is not one the product comes in, or null. */
export function faceValueError(p: GiftCardProductView, valueCents: number): string | null {
  if (p.denominations?.length) {
    return p.denominations.includes(valueCents) ? null : `${p.brand} comes in ${valuesText(p)} only: pick one of those.`;
  }
  if (p.minCents !== null && valueCents < p.minCents) return `${p.brand} starts at ${dollars(p.minCents)}.`;
  if (p.maxCents !== null && valueCents > p.maxCents) return `${p.brand} goes up to ${dollars(p.maxCents)}.`;
  return null;
}

/** Products whose brand, name or code contain the search (the chosen one always stays). */
export function filterProducts(products: GiftCardProductView[], search: string, keep: string): GiftCardProductView[] {
  const q = search.trim().toLowerCase();
  if (!q) return products;
  return products.filter((p) => p.id === keep || `${p.brand} ${p.name} ${p.id}`.toLowerCase().includes(q));
}
