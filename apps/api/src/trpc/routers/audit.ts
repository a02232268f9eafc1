// The audit log viewer (admins): who changed what, with filters.
import { auditActions, listAudit, listAuditInput } from "@tally/core";
import { router, staffProcedure } from "../init.ts";

export const auditRouter = router({
  list: staffProcedure
    .meta({ action: "audit.list" })
    .input(listAuditInput.optional())
    .query(({ ctx, input }) => listAudit({ ctx: ctx.core, input })),
  /** The actions the log can be filtered by, with their titles in words. */
  actions: staffProcedure.meta({ action: "audit.list" }).query(() => auditActions()),
});
