// Test harness: a migrated database with the demo seed, the app, and typed clients that go
// through the real HTTP surface (app.fetch) with a cookie jar per client, handed over in process
// as the SvelteKit apps' calls are (the client's address beside the request, not in a header).
import { demoLogins, seedDemo } from "@tally/core/seed";
import { createTestDatabase, type TestDatabase } from "@tally/db/testing";
import { type AppOptions, createApp, inProcessFetch } from "../app.ts";
import { createApiClient } from "../client.ts";
import { createLogger } from "../logger.ts";

export interface Harness {
  t: TestDatabase;
  app: ReturnType<typeof createApp>;
  practiceIds: Record<string, string>;
  /** A client with its own cookie jar (Set-Cookie from responses is kept), calling in process on
   *  behalf of a browser at `ip` (default 10.0.0.1). */
  client(options?: { headers?: Record<string, string>; ip?: string }): TestClient;
  /** A signed-in staff client (demo login by role and practice). */
  staff(role?: "admin" | "team_member", practice?: "bright-smiles" | "paws-claws"): Promise<TestClient>;
  /** Raw request through the app. */
  request(path: string, init?: RequestInit): Promise<Response>;
  dispose(): Promise<void>;
}

export type TestClient = ReturnType<typeof createApiClient> & { jar: Map<string, string>; cookieHeader(): string };

export async function createHarness(
  options: { members?: number; content?: "full" | "minimal"; config?: AppOptions["config"] } = {},
): Promise<Harness> {
  const t = await createTestDatabase();
  // As the server does: the one server of this database, so the read caches are on.
  await t.claimExclusive();
  const seed = await seedDemo(t.db, { members: options.members ?? 5, content: options.content });
  const app = createApp({ database: t, log: createLogger("silent"), config: options.config });
  const handOver = inProcessFetch(app);

  const client = (opts: { headers?: Record<string, string>; ip?: string } = {}): TestClient => {
    const jar = new Map<string, string>();
    const cookieHeader = () => [...jar].map(([k, v]) => `${k}=${v}`).join("; ");
    const api = createApiClient({
      url: "http://tally.test",
      headers: () => ({ ...(jar.size ? { cookie: cookieHeader() } : {}), ...opts.headers }),
      fetch: async (input, init) => {
        const res = await handOver(new Request(input as string, init as RequestInit), opts.ip ?? "10.0.0.1");
        for (const c of res.headers.getSetCookie()) {
          const [pair] = c.split(";");
          const [name, ...rest] = pair!.split("=");
          const value = rest.join("=");
          if (/max-age=0/i.test(c) || value === "") jar.delete(name!);
          else jar.set(name!, value);
        }
        return res;
      },
    });
    // The tRPC client is itself a proxy (every property is a path), so the extras sit in front of it.
    const extras: Record<string | symbol, unknown> = { jar, cookieHeader };
    return new Proxy(api, { get: (target, key) => (key in extras ? extras[key] : Reflect.get(target, key)) }) as TestClient;
  };

  return {
    t,
    app,
    practiceIds: seed.practiceIds,
    client,
    async staff(role = "admin", practice = "bright-smiles") {
      const login = demoLogins.find((l) => l.role === role && l.practice === practice)!;
      const c = client();
      await c.auth.signIn.mutate({ email: login.email, password: login.password });
      return c;
    },
    request: async (path, init) => app.fetch(new Request(`http://tally.test${path}`, init)),
    dispose: async () => {
      await app.deps.jobs.stop();
      await t.dispose();
    },
  };
}

export { demoLogins };
