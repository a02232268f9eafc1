// The products a gift-card reward is chosen from: each provider's catalog (Tremendous products,
// Tango Card catalog items by utid, the sandbox's own list) in one shape, read through the
// practice's provider and kept a few minutes per practice, and the face values each product
// allows (fixed denominations or a range), which a reward's value is checked against.
import { createHash } from "node:crypto";
import { rewards } from "@tally/db";
import { and, eq } from "drizzle-orm";
import { z } from "zod";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { giftCardProviderFor, messagingRow } from "../messages/settings.ts";
import { authorize } from "../permissions.ts";
import { type Input, parseInput } from "../verb.ts";
import type { GiftCardProduct, GiftCardProvider } from "./gift-cards.ts";

/** Why a face value is not one the product allows, or null. */
export function faceValueProblem(p: GiftCardProduct, valueCents: number): string | null {
  const dollars = (c: number) => `$${(c / 100).toFixed(c % 100 === 0 ? 0 : 2)}`;
  if (p.denominations?.length) {
    if (p.denominations.includes(valueCents)) return null;
    return `${p.brand} comes in ${p.denominations.map(dollars).join(", ")} only`;
  }
  if (p.minCents !== null && valueCents < p.minCents) return `${p.brand} starts at ${dollars(p.minCents)}`;
  if (p.maxCents !== null && valueCents > p.maxCents) return `${p.brand} goes up to ${dollars(p.maxCents)}`;
  return null;
}

export interface GiftCardCatalog {
  provider: string;
  products: GiftCardProduct[];
  fetchedAt: Date;
}

/** How long a practice's catalog is kept before the provider is asked again. */
export const catalogTtlMs = 5 * 60_000;
const cache = new Map<string, { key: string; catalog: GiftCardCatalog }>();

/** The practice's provider's products (cached a few minutes per practice and provider settings);
 *  null when the provider lists none (a provider built in for tests). */
export async function giftCardCatalogOf(
  db: Ctx["db"],
  practiceId: string,
  options: { refresh?: boolean; now?: Date; provider?: GiftCardProvider } = {},
): Promise<GiftCardCatalog | null> {
  const now = options.now ?? new Date();
  const row = await messagingRow(db, practiceId);
  const provider = options.provider ?? (await giftCardProviderFor(db, practiceId));
  if (!provider.products) return null;
  const key = createHash("sha256")
    .update(`${provider.name}|${row.giftCardProvider}|${row.giftCardCredentials ?? ""}`)
    .digest("base64url");
  const hit = cache.get(practiceId);
  if (!options.refresh && hit?.key === key && now.getTime() - hit.catalog.fetchedAt.getTime() < catalogTtlMs) return hit.catalog;
  const catalog = { provider: provider.name, products: await provider.products(), fetchedAt: now };
  cache.set(practiceId, { key, catalog });
  return catalog;
}

export const listGiftCardProductsInput = z.object({ refresh: z.boolean().default(false) }).default({ refresh: false });

/** The reward form's picker: the practice's provider's products. */
export async function listGiftCardProducts({ ctx, input }: { ctx: Ctx; input?: Input<typeof listGiftCardProductsInput> }) {
  authorize(ctx, "catalog.createReward");
  const { refresh } = parseInput(listGiftCardProductsInput, input ?? {});
  try {
    const catalog = await giftCardCatalogOf(ctx.db, ctx.practiceId, { refresh });
    return catalog ?? { provider: "none", products: [], fetchedAt: new Date() };
  } catch (err) {
    throw new DomainError(
      "CONFLICT",
      `The gift card provider's catalog could not be read: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
}

/** A gift-card reward's product and face value, checked against the provider's catalog: a value
 *  the product does not come in is refused; a product a real provider does not list is refused
 *  (the sandbox issues any id). Nothing is checked when the provider lists no products. */
export async function assertGiftCardProduct(ctx: Ctx, sku: string, valueCents: number): Promise<void> {
  let catalog: GiftCardCatalog | null;
  try {
    catalog = await giftCardCatalogOf(ctx.db, ctx.practiceId);
  } catch (err) {
    throw new DomainError(
      "CONFLICT",
      `The gift card could not be checked against the provider's catalog: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  if (!catalog) return;
  const product = catalog.products.find((p) => p.id === sku);
  if (!product) {
    if (catalog.provider === "sandbox") return;
    throw new DomainError("INVALID_INPUT", `${sku} is not in the ${catalog.provider} catalog.`, {
      issues: [{ path: "providerSku", message: "Pick a product from the provider's catalog" }],
    });
  }
  const problem = faceValueProblem(product, valueCents);
  if (problem) throw new DomainError("INVALID_INPUT", `${problem}.`, { issues: [{ path: "valueCents", message: problem }] });
}

/** The gift-card reward an update would leave (its product and value), for the check above. */
export async function giftCardAfterUpdate(
  ctx: Ctx,
  id: string,
  change: { providerSku?: string | null; valueCents?: number | null },
): Promise<{ sku: string; valueCents: number } | null> {
  const [r] = await ctx.db
    .select({ kind: rewards.kind, providerSku: rewards.providerSku, valueCents: rewards.valueCents })
    .from(rewards)
    .where(and(eq(rewards.id, id), eq(rewards.practiceId, ctx.practiceId)));
  if (r?.kind !== "gift_card") return null;
  const sku = change.providerSku === undefined ? r.providerSku : change.providerSku;
  const valueCents = change.valueCents === undefined ? r.valueCents : change.valueCents;
  return sku && valueCents ? { sku, valueCents } : null;
}
