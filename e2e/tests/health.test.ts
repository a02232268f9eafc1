import { expect, test } from "vitest";
import { baseURL } from "../src/harness.ts";

test("GET /health reports ok with a reachable database", async () => {
  const response = await fetch(`${baseURL}/health`);
  expect(response.status).toBe(200);
  expect(response.headers.get("content-type")).toMatch(/application\/json/);
  const body = (await response.json()) as { status: string };
  expect(body.status).toBe("ok");
});
