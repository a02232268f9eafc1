// Patient CSV files go to the API's HTTP endpoint (uploads are not tRPC; in process when the API
// serves this app); the steps after it (dry run, import, progress) are tRPC calls.
import { apiFetch } from "@tally/api/client";
import { TALLY_API_URL } from "$app/env/private";

const callApi: typeof fetch = (input, init) => apiFetch(TALLY_API_URL)(input, init);

export async function stagePatients(cookie: string, file: File): Promise<{ id: string } | { error: string; status: number }> {
  const body = new FormData();
  body.set("file", file, file.name);
  const response = await callApi(`${TALLY_API_URL.replace(/\/$/, "")}/api/v1/patient-imports`, {
    method: "POST",
    headers: { cookie },
    body,
  });
  const json = (await response.json().catch(() => null)) as { id?: string; error?: { message: string } } | null;
  if (!response.ok || !json?.id)
    return { error: json?.error?.message ?? "The file could not be read. Try again in a moment.", status: response.status };
  return { id: json.id };
}
