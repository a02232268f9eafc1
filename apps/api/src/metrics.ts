// Prometheus text metrics kept in memory: request counts and latency by route, plus domain
// counters (events processed, imports). Scraped from GET /metrics.
const buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class Metrics {
  private requests = new Map<string, number>();
  private durations = new Map<string, { counts: number[]; sum: number; count: number }>();
  private counters = new Map<string, { help: string; value: number }>();

  observeRequest(method: string, route: string, status: number, seconds: number) {
    const key = `method="${method}",route="${route}",status="${status}"`;
    this.requests.set(key, (this.requests.get(key) ?? 0) + 1);
    const dkey = `method="${method}",route="${route}"`;
    let d = this.durations.get(dkey);
    if (!d) {
      d = { counts: buckets.map(() => 0), sum: 0, count: 0 };
      this.durations.set(dkey, d);
    }
    for (let i = 0; i < buckets.length; i++) if (seconds <= buckets[i]!) d.counts[i]!++;
    d.sum += seconds;
    d.count++;
  }

  inc(name: string, help: string, by = 1) {
    const c = this.counters.get(name) ?? { help, value: 0 };
    c.value += by;
    this.counters.set(name, c);
  }

  render(): string {
    const out: string[] = [];
    out.push("# HELP tally_http_requests_total HTTP requests by method, route and status.", "# TYPE tally_http_requests_total counter");
    for (const [k, v] of this.requests) out.push(`tally_http_requests_total{${k}} ${v}`);
    out.push("# HELP tally_http_request_duration_seconds HTTP request latency.", "# TYPE tally_http_request_duration_seconds histogram");
    for (const [k, d] of this.durations) {
      for (const [i, b] of buckets.entries()) out.push(`tally_http_request_duration_seconds_bucket{${k},le="${b}"} ${d.counts[i]}`);
      out.push(`tally_http_request_duration_seconds_bucket{${k},le="+Inf"} ${d.count}`);
      out.push(`tally_http_request_duration_seconds_sum{${k}} ${d.sum}`);
      out.push(`tally_http_request_duration_seconds_count{${k}} ${d.count}`);
    }
    for (const [name, c] of this.counters) out.push(`# HELP ${name} ${c.help}`, `# TYPE ${name} counter`, `${name} ${c.value}`);
    return `${out.join("\n")}\n`;
  }
}

/** Collapses ids so routes stay few: /trpc/members.get,ledger.balance stays as is. */
export const routeOf = (path: string) => (path.startsWith("/trpc/") ? path : path.replace(/\/[0-9a-f-]{36}/g, "/:id"));
