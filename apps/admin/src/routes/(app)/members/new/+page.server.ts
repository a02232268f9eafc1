import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { api, messageOf } from "#lib/server/api.js";
import type { Actions } from "./$types";

const fields = ["firstName", "lastName", "email", "phone", "birthday", "cardNumber", "tags"] as const;
type Field = (typeof fields)[number];

export const actions: Actions = {
  create: async (event) => {
    const form = await event.request.formData();
    const values = Object.fromEntries(fields.map((f) => [f, String(form.get(f) ?? "").trim()])) as Record<Field, string>;
    const errors: Partial<Record<Field, string>> = {};
    if (!values.firstName) errors.firstName = "Enter the first name.";
    if (!values.lastName) errors.lastName = "Enter the last name.";
    if (values.email && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(values.email))
      errors.email = "Enter an email like name@example.com, or leave it empty.";
    if (values.birthday && !/^\d{4}-\d{2}-\d{2}$/.test(values.birthday)) errors.birthday = "Use the date picker, or YYYY-MM-DD.";
    if (Object.keys(errors).length) return fail(400, { values, errors, message: null });
    let id: string;
    try {
      const created = await api(event).members.create.mutate({
        firstName: values.firstName,
        lastName: values.lastName,
        email: values.email || null,
        phone: values.phone || null,
        birthday: values.birthday || null,
        cardNumber: values.cardNumber || null,
        tags: values.tags
          ? values.tags
              .split(",")
              .map((t) => t.trim())
              .filter(Boolean)
          : [],
      });
      id = created.id;
    } catch (error) {
      return fail(400, { values, errors, message: messageOf(error) });
    }
    redirect(303, href(`/members/${id}?added=1`));
  },
};
