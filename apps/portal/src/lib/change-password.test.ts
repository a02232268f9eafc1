import { describe, expect, it } from "vitest";
import { parseChangePassword } from "./change-password.js";

const form = (values: Record<string, string>) => {
  const f = new FormData();
  for (const [k, v] of Object.entries(values)) f.set(k, v);
  return f;
};

describe("parseChangePassword", () => {
  it.each([
    [{}, { currentPassword: "Enter the password you use now.", newPassword: "Choose a new password of at least 10 characters." }],
    [
      { currentPassword: "old-pass-2026", newPassword: "short", confirm: "short" },
      { newPassword: "Choose a password of at least 10 characters (yours has 5)." },
    ],
    [
      { currentPassword: "same-pass-2026", newPassword: "same-pass-2026", confirm: "same-pass-2026" },
      { newPassword: expect.stringContaining("the same as the current one") },
    ],
    [{ currentPassword: "old-pass-2026", newPassword: "new-pass-2026" }, { confirm: "Type the new password again." }],
    [
      { currentPassword: "old-pass-2026", newPassword: "new-pass-2026", confirm: "new-pass-2062" },
      { confirm: expect.stringContaining("different") },
    ],
    [{ currentPassword: "old-pass-2026", newPassword: "new-pass-2026", confirm: "new-pass-2026" }, {}],
  ])("%o gives %o", (values, errors) => {
    expect(parseChangePassword(form(values)).errors).toEqual(errors);
  });

  it("a patient without a password (card sign-in) sets one without a current password", () => {
    const first = parseChangePassword(form({ currentPassword: "ignored", newPassword: "new-pass-2026", confirm: "new-pass-2026" }), {
      hasPassword: false,
    });
    expect(first).toEqual({ errors: {}, currentPassword: undefined, newPassword: "new-pass-2026" });
    expect(parseChangePassword(form({}), { hasPassword: false }).errors).toEqual({
      newPassword: "Choose a new password of at least 10 characters.",
    });
  });
});
