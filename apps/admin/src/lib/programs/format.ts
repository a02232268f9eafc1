// Program numbers for people: the cost of one point (stored in hundredths of a cent) and the
// exchange rate read from the active rule set.
import { check, type EarnRule } from "@tally/rules";

/** 1000 -> "$0.10", 125 -> "$0.0125": exact, from integer hundredths of a cent. */
export function formatPointCost(centiCents: number): string {
  const dollars = Math.trunc(centiCents / 10_000);
  const frac = String(centiCents % 10_000)
    .padStart(4, "0")
    .replace(/0{1,2}$/, "");
  return `$${dollars.toLocaleString("en-US")}.${frac.length < 2 ? frac.padEnd(2, "0") : frac}`;
}

/** "0.10" / "$0.0125" -> hundredths of a cent; null when it is not an amount with at most 4 decimals. */
export function parsePointCost(input: string): number | null {
  const m = /^\s*\$?\s*(\d+)(?:\.(\d{1,4}))?\s*$/.exec(input);
  if (!m) return null;
  return Number.parseInt(m[1] as string, 10) * 10_000 + Number.parseInt((m[2] ?? "").padEnd(4, "0"), 10);
}

export interface ExchangeRate {
  rule: string;
  points: number;
  perCents: number;
  mode: "per_transaction" | "total_spend";
  minimumCents: number | null;
  items: "eligible" | "all" | string[];
}

/** The earn rules of a rule set's source, as exchange rates to display. */
export function exchangeRates(source: string): ExchangeRate[] {
  const { ast } = check(source);
  return ast.rules
    .filter((r): r is EarnRule => r.kind === "earn")
    .flatMap((r) => {
      const rate = r.clauses.find((c) => c.kind === "rate");
      if (rate?.kind !== "rate") return [];
      const mode = r.clauses.find((c) => c.kind === "mode");
      const min = r.clauses.find((c) => c.kind === "minimum");
      const items = r.clauses.find((c) => c.kind === "items");
      return [
        {
          rule: r.name,
          points: rate.points,
          perCents: rate.perCents,
          mode: mode?.kind === "mode" ? mode.mode : "per_transaction",
          minimumCents: min?.kind === "minimum" ? min.cents : null,
          items: items?.kind === "items" ? items.items : "eligible",
        },
      ];
    });
}
