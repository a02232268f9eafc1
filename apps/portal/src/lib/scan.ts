// What the scan page says after a QR code printed in the office was scanned. Pure, so it is tested.

export type ScanOutcome =
  | { kind: "collected"; points: number | null; code: string }
  | { kind: "already"; code: string }
  | { kind: "unknown" }
  | { kind: "lead" }
  | { kind: "error"; message: string };

export function scanHeadline(outcome: ScanOutcome): { title: string; text: string; tone: "success" | "info" | "warning" | "error" } {
  switch (outcome.kind) {
    case "collected":
      if (outcome.points === null)
        return {
          title: "Code collected!",
          tone: "success",
          text: "Your points are saved and will show here when the rewards program opens.",
        };
      if (outcome.points > 0)
        return {
          title: `+${outcome.points.toLocaleString("en-US")} pts`,
          tone: "success",
          text: "Thanks for scanning! The points are in your balance.",
        };
      return { title: "Code collected!", tone: "success", text: "Thanks for scanning. This code has no points right now." };
    case "already":
      return {
        title: "You already collected this one",
        tone: "info",
        text: "Each code gives its points once, and these are already in your balance. Look out for other codes around the office!",
      };
    case "unknown":
      return {
        title: "This code is not active",
        tone: "warning",
        text: "We don't recognize this QR code, or the practice has switched it off. Ask at the front desk if you think it should work.",
      };
    case "lead":
      return {
        title: "Almost there",
        tone: "info",
        text: "QR codes give points once the practice confirms your account. Scan this code again after that.",
      };
    case "error":
      return { title: "We could not read this code", tone: "error", text: outcome.message };
  }
}
