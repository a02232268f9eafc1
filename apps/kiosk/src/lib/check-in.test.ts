import { describe, expect, it } from "vitest";
import {
  checkEntry,
  checkInCode,
  createBurstDetector,
  isMethod,
  isPairingCode,
  maskBirthDate,
  maskCheckInCode,
  maskPhone,
  methodsFor,
  parseBirthDate,
} from "./check-in.ts";

describe("checkEntry", () => {
  it.each([
    ["card", "1234 5678", null],
    ["card", "12", "enterCard"],
    ["card", "abc123456", "enterCard"],
    ["phone", "(312) 555-0142", null],
    ["phone", "+1 312 555 0142", null],
    ["phone", "555-0142", "enterPhone"],
    ["qr", "q1.abc.def", null],
    ["qr", "", "enterQr"],
    ["code", "1234 5678", null],
    ["code", "1234567", "enterCode"],
    ["code", "q1.abc.def", "enterCode"],
  ] as const)("%s %j -> %s", (method, raw, expected) => {
    expect(checkEntry(method, raw)).toBe(expected);
  });

  it("knows its methods only", () => {
    expect(isMethod("card")).toBe(true);
    expect(isMethod("code")).toBe(true);
    expect(isMethod("email")).toBe(false);
  });

  it("offers the QR screen only with a camera or scanner, else the typed check-in code", () => {
    expect(methodsFor(null)).toEqual(["card", "code", "phone"]);
    expect(methodsFor("camera")).toEqual(["card", "qr", "phone"]);
    expect(methodsFor("scanner")).toEqual(["card", "qr", "phone"]);
  });

  it("reads and shows the 8-digit check-in code", () => {
    expect(checkInCode(" 1234-5678 ")).toBe("12345678");
    expect(checkInCode("123456789")).toBeNull();
    expect(maskCheckInCode("123456")).toBe("1234 56");
    expect(maskCheckInCode("1234567890")).toBe("1234 5678");
  });
});

describe("parseBirthDate", () => {
  const today = new Date("2026-11-23T12:00:00Z");
  it.each([
    ["04/12/1990", "en", "1990-04-12"],
    ["04121990", "en", "1990-04-12"],
    ["4/2/1990", "en", "1990-04-02"],
    ["12/04/1990", "es", "1990-04-12"],
    ["12041990", "es", "1990-04-12"],
    ["1990-04-12", "es", "1990-04-12"],
    ["02/30/1990", "en", null],
    ["13/01/1990", "en", null],
    ["01/01/90", "en", null],
    ["01/01/2030", "en", null],
    ["01/01/1850", "en", null],
    ["", "en", null],
  ] as const)("%j (%s) -> %s", (raw, lang, expected) => {
    expect(parseBirthDate(raw, lang, today)).toBe(expected);
  });
});

describe("masks", () => {
  it("formats as the patient types", () => {
    expect(maskBirthDate("0")).toBe("0");
    expect(maskBirthDate("0412")).toBe("04/12");
    expect(maskBirthDate("041219901")).toBe("04/12/1990");
    expect(maskPhone("217")).toBe("217");
    expect(maskPhone("21755")).toBe("(217) 55");
    expect(maskPhone("2175551000")).toBe("(217) 555-1000");
  });
  it("pairing codes are 8 digits", () => {
    expect(isPairingCode("1234 5678")).toBe(true);
    expect(isPairingCode("1234567")).toBe(false);
  });
});

describe("createBurstDetector", () => {
  it("answers a fast burst ending in Enter", () => {
    const d = createBurstDetector();
    const keys = [..."40000000"].map((k, i) => d.key(k, 1000 + i * 10));
    expect(keys.every((k) => k === null)).toBe(true);
    expect(d.key("Enter", 1090)).toBe("40000000");
  });
  it("ignores a person typing slowly, and short bursts", () => {
    const d = createBurstDetector();
    for (const [i, k] of [..."40000000"].entries()) d.key(k, 1000 + i * 180);
    expect(d.key("Enter", 4000)).toBeNull();
    for (const [i, k] of [..."123"].entries()) d.key(k, 5000 + i * 5);
    expect(d.key("Enter", 5020)).toBeNull();
  });
  it("starts over after a pause", () => {
    const d = createBurstDetector();
    for (const [i, k] of [..."999"].entries()) d.key(k, 1000 + i * 5);
    for (const [i, k] of [..."40000007"].entries()) d.key(k, 3000 + i * 5);
    expect(d.key("Enter", 3050)).toBe("40000007");
  });
});
