// Sign-in answers: a browser gets its session only as the HttpOnly cookie. The token is in the
// JSON body only for server-side callers (the SvelteKit apps' form actions put it in the cookie of
// their own response), so script injected into a page can never read a session from a response.
import type { Context } from "./context.ts";

/** A browser's request: browsers send Origin with every POST and Sec-Fetch-Site with every
 *  request, and page script can remove neither; server-side fetch (Node, the apps) sends neither. */
export const fromBrowser = (req: Request) => req.headers.has("origin") || req.headers.has("sec-fetch-site");

/** The sign-in result as this caller may see it (typed with the token: only servers read it). */
export function sessionAnswer<T extends { token: string }>(ctx: Pick<Context, "req">, result: T): T {
  if (!fromBrowser(ctx.req)) return result;
  const { token: _token, ...rest } = result;
  return rest as T;
}
