// The practice's gift card provider's products for the reward form (the API keeps them a few
// minutes); an unreachable provider is said on the form, which then takes a typed product code.
import type { GiftCardCatalogView } from "#lib/programs/gift-card-products.js";
import { api, messageOf } from "./api.js";

export async function giftCardCatalog(event: Parameters<typeof api>[0]): Promise<GiftCardCatalogView> {
  try {
    const { provider, products } = await api(event).catalog.giftCardProducts.query();
    return { provider, products, error: null };
  } catch (e) {
    return { provider: "", products: [], error: messageOf(e) };
  }
}
