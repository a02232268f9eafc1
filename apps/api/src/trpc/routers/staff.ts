// Staff accounts (admins only): list, create with a temporary password, reset, role, disable.

import { createStaffUser, listStaffUsers, resetStaffPassword, setStaffDisabled, setStaffRole } from "@tally/core";
import { z } from "zod";
import { router, staffProcedure } from "../init.ts";

const Role = z.enum(["admin", "team_member"]);
const StaffUserId = z.object({ staffUserId: z.uuid() });

export const staffRouter = router({
  list: staffProcedure.meta({ action: "staff.list" }).query(({ ctx }) => listStaffUsers(ctx.core)),
  create: staffProcedure
    .meta({ action: "staff.manage" })
    .input(z.object({ email: z.email().max(254), name: z.string().trim().min(1).max(120), role: Role }))
    .mutation(({ ctx, input }) => createStaffUser(ctx.core, input)),
  resetPassword: staffProcedure
    .meta({ action: "staff.manage" })
    .input(StaffUserId)
    .mutation(({ ctx, input }) => resetStaffPassword(ctx.core, input)),
  setDisabled: staffProcedure
    .meta({ action: "staff.manage" })
    .input(StaffUserId.extend({ disabled: z.boolean() }))
    .mutation(({ ctx, input }) => setStaffDisabled(ctx.core, input)),
  setRole: staffProcedure
    .meta({ action: "staff.manage" })
    .input(StaffUserId.extend({ role: Role }))
    .mutation(({ ctx, input }) => setStaffRole(ctx.core, input)),
});
