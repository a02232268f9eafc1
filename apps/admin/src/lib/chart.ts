// Per-day series grouped for a chart that stays readable: up to 45 days one bar a day, up to 190
// days one bar a week (weeks start on Monday), longer ranges one bar a month. Bars are sums.
import { weekStart } from "@tally/rules/time";

export type Bucket = "day" | "week" | "month";

export interface ChartBar {
  /** The first day the bar covers (YYYY-MM-DD; the first day of the week or month, or of the data). */
  start: string;
  /** The axis label: "3/2", "Week of 3/2" in the tooltip, or "Mar 2026". */
  label: string;
  /** What the bar covers, for its tooltip: "Mar 2", "week of Mar 2", "March 2026". */
  title: string;
  values: Record<string, number>;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const MONTHS_LONG = [
  "January",
  "February",
  "March",
  "April",
  "May",
  "June",
  "July",
  "August",
  "September",
  "October",
  "November",
  "December",
];

export function bucketFor(days: number): Bucket {
  return days <= 45 ? "day" : days <= 190 ? "week" : "month";
}

const monthOf = (d: string) => Number(d.slice(5, 7)) - 1;
const dayOf = (d: string) => Number(d.slice(8, 10));
const short = (d: string) => `${monthOf(d) + 1}/${dayOf(d)}`;

/** Groups day rows (`x` holds YYYY-MM-DD) into bars of the bucket the range's length calls for. */
export function chartBars(
  rows: Record<string, number | string>[],
  x: string,
  keys: string[],
  bucket: Bucket = bucketFor(rows.length),
): ChartBar[] {
  const bars: ChartBar[] = [];
  let current: ChartBar | null = null;
  let currentKey = "";
  for (const r of rows) {
    const day = String(r[x]);
    const key = bucket === "day" ? day : bucket === "week" ? weekStart(day) : day.slice(0, 7);
    if (!current || key !== currentKey) {
      currentKey = key;
      const label =
        bucket === "month"
          ? monthOf(day) === 0 || bars.length === 0
            ? `${MONTHS[monthOf(day)]} ${day.slice(0, 4)}`
            : MONTHS[monthOf(day)]!
          : short(bucket === "week" ? key : day);
      const title =
        bucket === "day"
          ? `${MONTHS[monthOf(day)]} ${dayOf(day)}`
          : bucket === "week"
            ? `week of ${MONTHS[monthOf(key)]} ${dayOf(key)}`
            : `${MONTHS_LONG[monthOf(day)]} ${day.slice(0, 4)}`;
      current = { start: day, label, title, values: Object.fromEntries(keys.map((k) => [k, 0])) };
      bars.push(current);
    }
    for (const k of keys) current.values[k] = (current.values[k] ?? 0) + (Number(r[k]) || 0);
  }
  return bars;
}

/** Which bars get an axis label: at most `most`, evenly spaced, always the first. */
export function labelEvery(bars: number, most = 7): number {
  return Math.max(1, Math.ceil(bars / most));
}
