// Integration API keys (admins only). The key itself is returned once, at creation.

import { createApiKey, listApiKeys, revokeApiKey } from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const apiKeysRouter = router({
  list: admin.query(({ ctx }) => listApiKeys(ctx.core)),
  create: admin.input(z.object({ name: z.string().trim().min(1).max(80) })).mutation(({ ctx, input }) => createApiKey(ctx.core, input)),
  revoke: admin.input(z.object({ keyId: z.uuid() })).mutation(({ ctx, input }) => revokeApiKey(ctx.core, input)),
});
