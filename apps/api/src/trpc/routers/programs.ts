// Program settings (status on/off/test, description, point cost) and locations.
import {
  createLocation,
  getPractice,
  listLocations,
  locationInput,
  updateLocation,
  updateLocationInput,
  updateSettings,
  updateSettingsInput,
} from "@tally/core";
import { router, staffProcedure } from "../init.ts";

const admin = staffProcedure.meta({ role: "admin" });

export const programsRouter = router({
  get: staffProcedure.query(({ ctx }) => getPractice({ ctx: ctx.core })),
  updateSettings: admin.input(updateSettingsInput).mutation(({ ctx, input }) => updateSettings({ ctx: ctx.core, input })),
  locations: staffProcedure.query(({ ctx }) => listLocations({ ctx: ctx.core })),
  createLocation: admin.input(locationInput).mutation(({ ctx, input }) => createLocation({ ctx: ctx.core, input })),
  updateLocation: admin.input(updateLocationInput).mutation(({ ctx, input }) => updateLocation({ ctx: ctx.core, input })),
});
