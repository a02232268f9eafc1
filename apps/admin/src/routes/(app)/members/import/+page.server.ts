import { error, fail, redirect } from "@sveltejs/kit";
import { mappingFrom as mappingOf } from "#lib/members/patient-fields.js";
import { href } from "#lib/paths.js";
import { api, messageOf } from "#lib/server/api.js";
import { stagePatients } from "#lib/server/patient-imports.js";
import { requireAdmin } from "#lib/server/roles.js";
import type { Actions, PageServerLoad } from "./$types";

export const load: PageServerLoad = async (event) => {
  requireAdmin(event, "Patient imports");
  const client = api(event);
  const id = event.url.searchParams.get("id");
  const [recent, current, suggestions] = await Promise.all([
    client.patientImports.list.query(),
    id ? client.patientImports.get.query({ id }).catch(() => null) : Promise.resolve(null),
    client.patientImports.suggestions.query({ limit: 1 }),
  ]);
  if (id && !current) error(404, "This import does not exist (or belongs to another practice). Upload the file again.");
  return { recent, current, openSuggestions: suggestions.total };
};

export const actions: Actions = {
  upload: async (event) => {
    const form = await event.request.formData();
    const file = form.get("file");
    if (!(file instanceof File) || file.size === 0) return fail(400, { step: "upload", error: "Choose a CSV file of patients." });
    if (!/\.(csv|txt)$/i.test(file.name))
      return fail(400, { step: "upload", error: `“${file.name}” is not a CSV file. Export the patients as CSV and try again.` });
    const staged = await stagePatients(event.request.headers.get("cookie") ?? "", file);
    if ("error" in staged) return fail(staged.status === 403 ? 403 : 400, { step: "upload", error: staged.error });
    redirect(303, `${href("/members/import")}?id=${staged.id}`);
  },
  dryRun: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const mapping = mappingOf(form);
    try {
      const summary = await api(event).patientImports.dryRun.mutate({ id, mapping });
      return { step: "dryRun", mapping, summary };
    } catch (e) {
      return fail(400, { step: "mapping", mapping, error: messageOf(e) });
    }
  },
  start: async (event) => {
    const form = await event.request.formData();
    const id = String(form.get("id") ?? "");
    const mapping = mappingOf(form);
    try {
      await api(event).patientImports.start.mutate({ id, mapping });
    } catch (e) {
      return fail(400, { step: "mapping", mapping, error: messageOf(e) });
    }
    redirect(303, `${href("/members/import")}?id=${id}`);
  },
};
