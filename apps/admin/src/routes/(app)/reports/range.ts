// The report's date range from the URL (?from=YYYY-MM-DD&to=YYYY-MM-DD, inclusive local days).
import { addDays, localDate, localDaysSpan } from "@tally/rules/time";

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export function rangeFrom(url: URL, timeZone: string) {
  const today = localDate(new Date(), timeZone);
  let to = url.searchParams.get("to") ?? "";
  let from = url.searchParams.get("from") ?? "";
  if (!DAY.test(to)) to = today;
  if (!DAY.test(from)) from = addDays(to, -29);
  if (from > to) [from, to] = [to, from];
  return { from, to, ...localDaysSpan(from, to, timeZone) };
}
