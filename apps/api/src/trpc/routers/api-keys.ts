// Integration API keys (admins only): scopes, a rate limit per minute, rotation with an overlap.
// The key itself is returned once, at creation or rotation.

import {
  apiKeyScopeLabels,
  apiKeyScopes,
  createApiKey,
  defaultRateLimitPerMinute,
  listApiKeys,
  revokeApiKey,
  rotateApiKey,
} from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

export const apiKeysRouter = router({
  list: staffProcedure.meta({ action: "apiKeys.manage" }).query(({ ctx }) => listApiKeys(ctx.core)),
  /** The scopes a key may have, with what each lets it do, and the default rate limit. */
  scopes: staffProcedure.meta({ action: "apiKeys.manage" }).query(() => ({
    scopes: apiKeyScopes.map((scope) => ({ scope, label: apiKeyScopeLabels[scope] })),
    defaultRateLimitPerMinute,
  })),
  create: staffProcedure
    .meta({ action: "apiKeys.manage" })
    .input(
      z.object({
        name: z.string().trim().min(1).max(80),
        scopes: z.array(z.enum(apiKeyScopes)).min(1).max(apiKeyScopes.length).optional(),
        rateLimitPerMinute: z.number().int().min(1).max(100_000).optional(),
      }),
    )
    .mutation(({ ctx, input }) => createApiKey(ctx.core, input)),
  rotate: staffProcedure
    .meta({ action: "apiKeys.manage" })
    .input(z.object({ keyId: z.uuid(), overlapHours: z.number().min(0).max(720).optional() }))
    .mutation(({ ctx, input }) => rotateApiKey(ctx.core, input)),
  revoke: staffProcedure
    .meta({ action: "apiKeys.manage" })
    .input(z.object({ keyId: z.uuid() }))
    .mutation(({ ctx, input }) => revokeApiKey(ctx.core, input)),
});
