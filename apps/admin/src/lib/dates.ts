// Dates and times for staff, in the practice's timezone (never the server's or the browser's):
// the one formatter in @tally/ui/format. Calendar arithmetic (local day, local midnight, adding
// days) lives in @tally/rules/time.
export { formatDate, formatDateTime, formatPhone, formatTime } from "@tally/ui/format";
