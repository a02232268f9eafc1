// Public facts about a practice that the apps show before anyone signs in.

import { DomainError } from "@tally/core";
import { practices } from "@tally/db";
import { eq } from "drizzle-orm";
import { z } from "zod";
import { publicProcedure, router } from "../init.ts";

export const practiceRouter = router({
  public: publicProcedure.input(z.object({ slug: z.string().min(1).max(100) })).query(async ({ ctx, input }) => {
    const [p] = await ctx.database.db
      .select({
        name: practices.name,
        timezone: practices.timezone,
        status: practices.status,
        programDescription: practices.programDescription,
      })
      .from(practices)
      .where(eq(practices.slug, input.slug));
    if (!p) throw new DomainError("NOT_FOUND", "No practice with that address.");
    return p;
  }),
});
