import { describe, expect, test } from "vitest";
import { pageOf, withParams } from "./paging.ts";

const rows = Array.from({ length: 23 }, (_, i) => i + 1);

describe("pageOf", () => {
  test("ten rows by default, first page", () => {
    const p = pageOf(rows, new URLSearchParams());
    expect(p).toMatchObject({ page: 1, pageSize: 10, pages: 3, matching: 23 });
    expect(p.rows).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });
  test("last page and clamping", () => {
    expect(pageOf(rows, new URLSearchParams("page=3")).rows).toEqual([21, 22, 23]);
    expect(pageOf(rows, new URLSearchParams("page=99")).page).toBe(3);
    expect(pageOf(rows, new URLSearchParams("page=-2")).page).toBe(1);
  });
  test("only known page sizes", () => {
    expect(pageOf(rows, new URLSearchParams("size=25")).pageSize).toBe(25);
    expect(pageOf(rows, new URLSearchParams("size=7")).pageSize).toBe(10);
  });
  test("empty list has one empty page", () => {
    expect(pageOf([], new URLSearchParams())).toMatchObject({ rows: [], page: 1, pages: 1 });
  });
});

test("withParams keeps the rest of the query", () => {
  const url = new URL("http://x/admin/programs/eligible-items?q=x&page=2");
  expect(withParams(url, { page: 3 })).toBe("?q=x&page=3");
  expect(withParams(url, { q: null, page: null })).toBe("?");
});
