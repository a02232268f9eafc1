import { describe, expect, it } from "vitest";
import { factText } from "./audit.ts";

describe("audit facts as text", () => {
  it("formats dates in the practice's timezone, points, money and methods; text as given", () => {
    expect(factText({ label: "At", value: "2026-11-18T03:05:00Z", type: "date" }, "America/Chicago")).toBe("Nov 17, 2026, 9:05 PM");
    expect(factText({ label: "Points", value: -50, type: "points" }, "UTC")).toBe("-50 pts");
    expect(factText({ label: "Value", value: 1250, type: "cents" }, "UTC")).toBe("$12.50");
    expect(factText({ label: "Method", value: "qr", type: "method" }, "UTC")).toBe("QR code");
    expect(factText({ label: "Note", value: "goodwill" }, "UTC")).toBe("goodwill");
    expect(factText({ label: "Ends on", value: "2026-09-15", type: "date" }, "Pacific/Honolulu")).toBe("Sep 15, 2026");
  });
});
