// The member list's count and pages: member search counts at most 1,000 matches, and a capped
// count reads "1,000+".

export interface SearchCount {
  total: number;
  totalCapped?: boolean;
  page: number;
  pageSize: number;
}

/** "1 member", "25 members", "1,000+ members". */
export function memberCountLabel({ total, totalCapped }: Pick<SearchCount, "total" | "totalCapped">): string {
  const n = `${total.toLocaleString("en-US")}${totalCapped ? "+" : ""}`;
  return `${n} member${total === 1 && !totalCapped ? "" : "s"}`;
}

/** The pager: how many pages are known ("40+" when capped) and whether there is a next one. */
export function searchPages({ total, totalCapped, page, pageSize }: SearchCount): {
  pages: number;
  label: string;
  next: boolean;
} {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return {
    pages,
    label: `${pages.toLocaleString("en-US")}${totalCapped ? "+" : ""}`,
    next: Boolean(totalCapped) || page < pages,
  };
}
