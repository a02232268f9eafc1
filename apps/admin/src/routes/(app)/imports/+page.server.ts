import { fail, redirect } from "@sveltejs/kit";
import { href } from "#lib/paths.js";
import { api } from "#lib/server/api.js";
import { importJob, startImport } from "#lib/server/imports.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Imports");
  const jobId = event.url.searchParams.get("job");
  const cookie = event.request.headers.get("cookie") ?? "";
  const [runs, job] = await Promise.all([
    api(event).imports.runs.query({ limit: 25 }),
    jobId ? importJob(cookie, jobId) : Promise.resolve(null),
  ]);
  return { runs, job, file: event.url.searchParams.get("file") ?? "" };
};

export const actions: Actions = {
  upload: async (event) => {
    const form = await event.request.formData();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { error: "Choose a CSV file to import." });
    if (!/\.(csv|txt)$/i.test(file.name))
      return fail(400, { error: `“${file.name}” is not a CSV file. Export the invoices as CSV and try again.` });
    const started = await startImport(event.request.headers.get("cookie") ?? "", file);
    if ("error" in started) return fail(started.status === 403 ? 403 : 400, { error: started.error });
    redirect(303, `${href("/imports")}?job=${started.jobId}&file=${encodeURIComponent(file.name)}`);
  },
};
