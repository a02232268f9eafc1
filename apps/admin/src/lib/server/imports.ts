// Invoice CSV imports go to the API's HTTP endpoint (uploads are not tRPC): the upload returns a
// job id at once, and the job reports processed / total until its summary is ready. Like the
// typed client, these calls are handed to the API in process when it serves this app.
import { apiFetch } from "@tally/api/client";
import { TALLY_API_URL } from "$app/env/private";

export interface ImportSummary {
  rows: number;
  invoices: number;
  imported: number;
  /** Of the imported: invoices paid again with other lines (revisions); absent in older results. */
  revised?: number;
  skipped: number;
  points: number;
  errorCount: number;
  errors: { row: number; message: string }[];
}

export interface ImportJob {
  id: string;
  status: "pending" | "running" | "done" | "failed";
  processed: number;
  total: number;
  result: ImportSummary | null;
  lastError: string | null;
}

const callApi: typeof fetch = (input, init) => apiFetch(TALLY_API_URL)(input, init);
const endpoint = (path: string) => `${TALLY_API_URL.replace(/\/$/, "")}/api/v1/imports${path}`;

export async function startImport(cookie: string, file: File): Promise<{ jobId: string } | { error: string; status: number }> {
  const body = new FormData();
  body.set("file", file, file.name);
  const response = await callApi(endpoint(""), { method: "POST", headers: { cookie }, body });
  const json = (await response.json().catch(() => null)) as { jobId?: string; error?: { message: string } } | null;
  if (!response.ok || !json?.jobId)
    return { error: json?.error?.message ?? "The import could not start. Try again in a moment.", status: response.status };
  return { jobId: json.jobId };
}

export async function importJob(cookie: string, id: string): Promise<ImportJob | null> {
  const response = await callApi(endpoint(`/${encodeURIComponent(id)}`), { headers: { cookie } });
  if (!response.ok) return null;
  return (await response.json()) as ImportJob;
}
