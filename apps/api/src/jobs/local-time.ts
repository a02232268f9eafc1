// Deprecated: local time has one home, @tally/rules (re-exported by @tally/core). Kept only until
// apps/api/src/http/integrations.ts imports from @tally/core; then delete this file.
export { addDays, localDate, startOfLocalDay } from "@tally/core";
