import { describe, expect, it } from "vitest";
import { fieldOfError, readDetails } from "./desk.ts";

const form = (values: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
};

describe("readDetails", () => {
  it("keeps what was typed, trims it and clears empty optional fields", () => {
    const r = readDetails(form({ firstName: " Ana ", lastName: "Bell", email: "", phone: "(217) 555-0101", externalId: " PMS-1 " }));
    expect(r.errors).toEqual({});
    expect(r.values.firstName).toBe("Ana");
    expect(r.input).toMatchObject({
      firstName: "Ana",
      email: null,
      phone: "(217) 555-0101",
      externalId: "PMS-1",
      cardNumber: null,
      birthday: null,
    });
  });

  it("names each field that cannot be saved", () => {
    const r = readDetails(form({ firstName: "", lastName: "Bell", email: "ana@", phone: "12", birthday: "1990-02-31" }));
    expect(Object.keys(r.errors).sort()).toEqual(["birthday", "email", "firstName", "phone"]);
    expect(r.values.email).toBe("ana@");
    expect(readDetails(form({ firstName: "A", lastName: "B", birthday: "2999-01-01" })).errors.birthday).toMatch(/future/);
  });
});

describe("fieldOfError", () => {
  const fields = ["externalId", "cardNumber", "birthday"] as const;

  it("places a refusal on the field the server named", () => {
    const e = { data: { appCode: "CONFLICT", details: { field: "externalId" } } };
    expect(fieldOfError(e, fields, "PMS id X belongs to another member (Ben Cole).")).toEqual({
      field: "externalId",
      message: "PMS id X belongs to another member (Ben Cole).",
    });
    expect(fieldOfError({ data: { details: { card: "x" } } }, fields, "That does not look like a card")).toMatchObject({
      field: "cardNumber",
    });
  });

  it("places a validation issue on its field without the path", () => {
    const e = { data: { details: { issues: [{ path: "birthday", message: "not a date" }] } } };
    expect(fieldOfError(e, fields, "birthday: not a date")).toEqual({ field: "birthday", message: "not a date" });
    expect(fieldOfError({}, fields, "birthday: Use a date like 1990-04-30 (YYYY-MM-DD).")).toEqual({
      field: "birthday",
      message: "Use a date like 1990-04-30 (YYYY-MM-DD).",
    });
  });

  it("leaves anything else to the form as a whole", () => {
    expect(fieldOfError(new Error("boom"), fields, "Something went wrong")).toEqual({ field: null, message: "Something went wrong" });
  });
});
