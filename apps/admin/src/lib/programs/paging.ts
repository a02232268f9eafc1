// Paging for the tables whose rows the API returns whole (eligible billing codes, ...): the page
// and page size come from the URL so a view can be linked and works without JavaScript.

export const pageSizes = [10, 25, 50, 100] as const;

export interface Paged<T> {
  rows: T[];
  page: number;
  pageSize: number;
  pages: number;
  matching: number;
}

export function pageOf<T>(all: readonly T[], params: URLSearchParams): Paged<T> {
  const size = Number(params.get("size"));
  const pageSize = (pageSizes as readonly number[]).includes(size) ? size : 10;
  const pages = Math.max(1, Math.ceil(all.length / pageSize));
  const page = Math.min(pages, Math.max(1, Math.trunc(Number(params.get("page"))) || 1));
  return { rows: all.slice((page - 1) * pageSize, page * pageSize), page, pageSize, pages, matching: all.length };
}

/** The same URL with some query parameters changed (null removes one). */
export function withParams(
  url: { searchParams: URLSearchParams | { toString(): string } },
  changes: Record<string, string | number | null>,
): string {
  const next = new URLSearchParams(url.searchParams.toString());
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === "") next.delete(k);
    else next.set(k, String(v));
  }
  const qs = next.toString();
  return qs ? `?${qs}` : "?";
}
