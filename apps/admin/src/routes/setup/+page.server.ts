import { fail, redirect } from "@sveltejs/kit";
import { sessionCookieOptions, staffCookie } from "@tally/api/client";
import { href } from "#lib/paths.js";
import { checkPractice, slugFrom, timezones } from "#lib/practice-form.js";
import { api, appCodeOf, messageOf } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

// First run: open only while the install has no practice, and only with the token the server printed.
export const load: PageServerLoad = async (event) => {
  const { needed } = await api(event).practice.setupStatus.query();
  if (!needed) redirect(303, href("/sign-in"));
  return { token: event.url.searchParams.get("token") ?? "", timezones };
};

export const actions: Actions = {
  default: async (event) => {
    const form = await event.request.formData();
    const text = (key: string) => String(form.get(key) ?? "").trim();
    const values = {
      name: text("name"),
      slug: text("slug").toLowerCase() || slugFrom(text("name")),
      timezone: text("timezone"),
      adminName: text("adminName"),
      adminEmail: text("adminEmail"),
    };
    const password = String(form.get("password") ?? "");
    const errors: Record<string, string> = { ...checkPractice(values) };
    if (!values.adminName) errors.adminName = "Enter your name.";
    if (!/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.adminEmail)) errors.adminEmail = "Enter your work email, like name@practice.com.";
    if (password.length < 10) errors.password = "Use at least 10 characters.";
    else if (password !== String(form.get("confirmPassword") ?? ""))
      errors.confirmPassword = "The two passwords differ. Type the same one twice.";
    if (Object.keys(errors).length > 0) return fail(400, { values, errors, message: null as string | null });

    let result: Awaited<ReturnType<ReturnType<typeof api>["practice"]["completeSetup"]["mutate"]>>;
    try {
      result = await api(event).practice.completeSetup.mutate({
        token: text("token"),
        practice: { name: values.name, slug: values.slug, timezone: values.timezone },
        admin: { name: values.adminName, email: values.adminEmail, password },
      });
    } catch (error) {
      const code = appCodeOf(error);
      if (code === "CONFLICT" && /already set up/.test(messageOf(error))) redirect(303, href("/sign-in"));
      const message =
        code === "FORBIDDEN" ? "This setup link is used, expired or mistyped. Restart the server: it prints a new link." : messageOf(error);
      return fail(code === "FORBIDDEN" ? 403 : 400, { values, errors, message });
    }
    event.cookies.set(staffCookie, result.token, {
      ...sessionCookieOptions(event.url.protocol === "https:"),
      expires: new Date(result.expiresAt),
    });
    redirect(303, `${href("/settings")}?tab=practice&welcome=1`);
  },
};
