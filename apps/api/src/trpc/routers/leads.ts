// Leads (self-registered from the contact form): list and convert (or merge into a member).
import { convertLead, convertLeadInput, listLeads, listLeadsInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const leadsRouter = router({
  list: staffProcedure
    .meta({ action: "members.listLeads" })
    .input(listLeadsInput.optional())
    .query(({ ctx, input }) => listLeads({ ctx: ctx.core, input })),
  convert: staffProcedure
    .meta({ action: "members.convertLead" })
    .input(convertLeadInput)
    .mutation(({ ctx, input }) => convertLead({ ctx: ctx.core, input })),
});
