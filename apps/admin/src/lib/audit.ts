// An audit row's facts as text, through the one formatter (@tally/ui/format): dates in the
// practice's timezone, points and money as people write them, check-in methods in words.
import { formatDate, formatDateTime, formatMethod, formatMoney, formatPoints } from "@tally/ui/format";

export interface AuditFact {
  label: string;
  value: string | number | boolean;
  type?: "date" | "points" | "cents" | "method" | "text";
}

export function factText(f: AuditFact, timeZone: string, locale?: string): string {
  const options = locale ? { locale } : {};
  switch (f.type) {
    case "date":
      // A calendar day ("2026-09-15") is a date; anything else a moment.
      return /^\d{4}-\d{2}-\d{2}$/.test(String(f.value))
        ? formatDate(String(f.value), timeZone, options)
        : formatDateTime(String(f.value), timeZone, options);
    case "points":
      return typeof f.value === "number" ? formatPoints(f.value, options) : String(f.value);
    case "cents":
      return typeof f.value === "number" ? formatMoney(f.value, options) : String(f.value);
    case "method":
      return formatMethod(String(f.value));
    default:
      return String(f.value);
  }
}
