// Size limits on the plain HTTP endpoints' request bodies. Uploads stay streamed: the body is
// counted as the handler reads it, and reading fails as soon as it is too large, holds a byte no
// text file has (NUL), or a line longer than any CSV record this product reads. The handler's
// error then becomes a 413 or 400 that says which.
import { DomainError } from "@tally/core";
import type { Context, MiddlewareHandler } from "hono";
import { maxCsvRecordBytes } from "./import-csv.ts";

interface Rejection {
  status: 400 | 413;
  code: string;
  message: string;
}

const megabytes = (bytes: number) => `${Math.round((bytes / 1024 / 1024) * 10) / 10} MB`;

export const tooLargeRejection = (maxBytes: number): Rejection => ({
  status: 413,
  code: "PAYLOAD_TOO_LARGE",
  message: `The request is too large: at most ${megabytes(maxBytes)} is accepted.`,
});

export const rejectionResponse = (c: Context, r: Rejection) => c.json({ error: { code: r.code, message: r.message } }, r.status);

/** What reading a rejected body throws: a domain error, so the endpoint's error handling answers
 *  it as a client's mistake (not logged as a failure); limitBody then sets the exact answer. */
class Rejected extends DomainError {
  readonly rejection: Rejection;
  constructor(rejection: Rejection) {
    super("INVALID_INPUT", rejection.message);
    this.rejection = rejection;
  }
}

/** Counts (and for CSV checks) the bytes of a body as they pass. */
function guard(maxBytes: number, csv: boolean, onReject: (r: Rejection) => void): TransformStream<Uint8Array, Uint8Array> {
  let size = 0;
  let line = 0;
  const reject = (controller: TransformStreamDefaultController<Uint8Array>, r: Rejection) => {
    onReject(r);
    controller.error(new Rejected(r));
  };
  return new TransformStream({
    transform(chunk, controller) {
      size += chunk.length;
      if (size > maxBytes) return reject(controller, tooLargeRejection(maxBytes));
      if (csv) {
        if (chunk.indexOf(0) !== -1)
          return reject(controller, {
            status: 400,
            code: "INVALID_CSV",
            message: "The file is not a CSV text file (it holds binary data).",
          });
        const overlong: Rejection = {
          status: 400,
          code: "INVALID_CSV",
          message: `A line of the file is longer than ${maxCsvRecordBytes / 1024} KB: it is not an invoice CSV.`,
        };
        let from = 0;
        for (let nl = chunk.indexOf(10); nl !== -1; nl = chunk.indexOf(10, from)) {
          if (line + nl - from > maxCsvRecordBytes) return reject(controller, overlong);
          line = 0;
          from = nl + 1;
        }
        line += chunk.length - from;
        if (line > maxCsvRecordBytes) return reject(controller, overlong);
      }
      controller.enqueue(chunk);
    },
  });
}

/**
 * Limits a route's body to `maxBytes` (413), and for CSV uploads (`csv`) refuses binary data and
 * overlong lines (400). A declared Content-Length over the limit is refused before reading.
 */
export function limitBody(options: { maxBytes: number; csv?: boolean }): MiddlewareHandler {
  return async (c, next) => {
    const raw = c.req.raw;
    if (!raw.body) return next();
    const declared = Number(raw.headers.get("content-length") ?? Number.NaN);
    if (declared > options.maxBytes) return rejectionResponse(c, tooLargeRejection(options.maxBytes));
    let rejection: Rejection | undefined;
    const body = raw.body.pipeThrough(guard(options.maxBytes, options.csv ?? false, (r) => (rejection ??= r)));
    c.req.raw = new Request(raw, { body, duplex: "half" } as RequestInit);
    try {
      await next();
    } catch (e) {
      if (!rejection) throw e;
    }
    if (rejection) {
      c.res = undefined;
      c.res = rejectionResponse(c, rejection);
    }
  };
}
