// Reviews members left, for staff to publish (or hide).
import { listReviews, publishReview, publishReviewInput } from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

export const adminReviewsRouter = router({
  list: staffProcedure
    .input(z.object({ status: z.enum(["submitted", "published", "hidden"]).optional() }).default({}))
    .query(({ ctx, input }) => listReviews({ ctx: ctx.core, input })),
  publish: staffProcedure.input(publishReviewInput).mutation(({ ctx, input }) => publishReview({ ctx: ctx.core, input })),
});
