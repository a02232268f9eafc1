// What the gift-card adapters share: a JSON call bounded by a timeout, and the provider's error
// answers turned into one error type (its status, the provider's own message, whether a retry may help).

export class ProviderError extends Error {
  override name = "ProviderError";
  readonly status: number;
  /** 429 and 5xx: a later attempt may succeed. 4xx: the order as sent will never succeed. */
  readonly retryable: boolean;
  /** Seconds the provider asked us to wait (Retry-After). */
  readonly retryAfterSeconds?: number;
  constructor(message: string, status: number, retryable: boolean, retryAfterSeconds?: number) {
    super(message);
    this.status = status;
    this.retryable = retryable;
    this.retryAfterSeconds = retryAfterSeconds;
  }
}

export type Fetch = typeof fetch;

export interface HttpOptions {
  baseUrl: string;
  headers: Record<string, string>;
  fetch?: Fetch;
  timeoutMs?: number;
}

export async function callJson<T>(
  o: HttpOptions,
  method: "GET" | "POST",
  path: string,
  body: unknown,
  describeError: (status: number, body: unknown) => string,
): Promise<{ status: number; body: T }> {
  const f = o.fetch ?? fetch;
  const res = await f(new URL(path, o.baseUrl.endsWith("/") ? o.baseUrl : `${o.baseUrl}/`), {
    method,
    headers: { accept: "application/json", ...(body === undefined ? {} : { "content-type": "application/json" }), ...o.headers },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(o.timeoutMs ?? 12_000),
  });
  const text = await res.text();
  let parsed: unknown = null;
  try {
    parsed = text ? JSON.parse(text) : null;
  } catch {
    parsed = text;
  }
  if (!res.ok) {
    const retryAfter = Number(res.headers.get("retry-after"));
    throw new ProviderError(
      `${describeError(res.status, parsed)} (HTTP ${res.status})`,
      res.status,
      res.status === 429 || res.status >= 500,
      Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : undefined,
    );
  }
  return { status: res.status, body: parsed as T };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Splits "Ana María López" into the first and last names the providers ask for. */
export function splitName(name: string): { firstName: string; lastName: string } {
  const parts = name.trim().split(/\s+/);
  if (parts.length < 2) return { firstName: parts[0] || "Patient", lastName: "-" };
  return { firstName: parts.slice(0, -1).join(" "), lastName: parts.at(-1)! };
}
