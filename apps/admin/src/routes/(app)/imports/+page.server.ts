import { fail } from "@sveltejs/kit";
import { TALLY_API_URL } from "$app/env/private";
import { api } from "#lib/server/api.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => ({
  runs: await api(event).adminImports.runs.query({ limit: 25 }),
});

interface Summary {
  rows: number;
  invoices: number;
  imported: number;
  skipped: number;
  points: number;
  errorCount: number;
  errors: { row: number; message: string }[];
}

export const actions: Actions = {
  upload: async (event) => {
    const form = await event.request.formData();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: "Choose a CSV file to import." });
    if (!/\.(csv|txt)$/i.test(file.name)) return fail(400, { error: `“${file.name}” is not a CSV file. Export the invoices as CSV and try again.` });
    // The API streams and imports the file; the practice comes from the staff session cookie.
    const body = new FormData();
    body.set("file", file, file.name);
    const response = await fetch(`${TALLY_API_URL.replace(/\/$/, "")}/api/v1/imports`, {
      method: "POST",
      headers: { cookie: event.request.headers.get("cookie") ?? "" },
      body,
    });
    const json = (await response.json().catch(() => null)) as (Summary & { error?: { message: string } }) | null;
    if (!response.ok || !json) {
      return fail(response.status === 403 ? 403 : 400, { error: json?.error?.message ?? "The import could not run. Try again in a moment." });
    }
    return {
      result: {
        file: file.name,
        rows: json.rows,
        invoices: json.invoices,
        imported: json.imported,
        skipped: json.skipped,
        points: json.points,
        errorCount: json.errorCount,
        errors: json.errors,
      },
    };
  },
};
