// The core verbs the routers call, from @tally/core, plus the kiosk check-in verb that its
// index does not export (reached by path, in this one place).
export * from "@tally/core";
export * from "../../../packages/core/src/checkin/kiosk-check-in.ts";
