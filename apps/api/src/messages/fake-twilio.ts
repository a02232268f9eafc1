// A local fake of Twilio's Messages resource over HTTP, for tests: POST
// /2010-04-01/Accounts/{AccountSid}/Messages.json (Basic auth with the account SID and auth
// token), error 21610 for numbers that replied STOP, 21211 for invalid numbers, and status
// callbacks signed with X-Twilio-Signature like Twilio's.
import { randomUUID } from "node:crypto";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { twilioSignature } from "./sms.ts";

export interface FakeTwilio {
  url: string;
  accountSid: string;
  authToken: string;
  sent: { sid: string; to: string; from: string; body: string; statusCallback?: string }[];
  /** Numbers (E.164) that replied STOP: sending to them answers error 21610. */
  stopped: Set<string>;
  /** Posts the delivery status of a message to its callback, signed. */
  deliver(
    sid: string,
    status: "delivered" | "undelivered" | "failed",
    options?: { errorCode?: number; fetch?: typeof fetch },
  ): Promise<number>;
  close(): Promise<void>;
}

export async function fakeTwilio(options: { accountSid?: string; authToken?: string } = {}): Promise<FakeTwilio> {
  const accountSid = options.accountSid ?? `AC${"0".repeat(31)}1`;
  const authToken = options.authToken ?? "fake-twilio-token";
  const sent: FakeTwilio["sent"] = [];
  const stopped = new Set<string>();
  const auth = `Basic ${Buffer.from(`${accountSid}:${authToken}`).toString("base64")}`;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c) => chunks.push(c));
    req.on("end", () => {
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { "content-type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (req.method !== "POST" || req.url !== `/2010-04-01/Accounts/${accountSid}/Messages.json`)
        return json(404, { code: 20404, message: "The requested resource was not found", status: 404 });
      if (req.headers.authorization !== auth) return json(401, { code: 20003, message: "Authenticate", status: 401 });
      const form = new URLSearchParams(Buffer.concat(chunks).toString("utf8"));
      const to = form.get("To") ?? "";
      if (!/^\+\d{8,15}$/.test(to))
        return json(400, { code: 21211, message: `The 'To' number ${to} is not a valid phone number.`, status: 400 });
      if (!form.get("Body")) return json(400, { code: 21602, message: "Message body is required.", status: 400 });
      if (stopped.has(to))
        return json(400, {
          code: 21610,
          message: "Attempt to send to unsubscribed recipient",
          status: 400,
          more_info: "https://www.twilio.com/docs/errors/21610",
        });
      const sid = `SM${randomUUID().replaceAll("-", "")}`;
      sent.push({
        sid,
        to,
        from: form.get("From") ?? form.get("MessagingServiceSid") ?? "",
        body: form.get("Body")!,
        statusCallback: form.get("StatusCallback") ?? undefined,
      });
      json(201, { sid, status: "queued", to, body: form.get("Body"), account_sid: accountSid });
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    accountSid,
    authToken,
    sent,
    stopped,
    async deliver(sid, status, { errorCode, fetch: post = fetch } = {}) {
      const m = sent.find((s) => s.sid === sid);
      if (!m?.statusCallback) throw new Error(`no status callback for ${sid}`);
      const params: Record<string, string> = { MessageSid: sid, MessageStatus: status, AccountSid: accountSid, To: m.to };
      if (errorCode) params.ErrorCode = String(errorCode);
      const res = await post(m.statusCallback, {
        method: "POST",
        headers: {
          "content-type": "application/x-www-form-urlencoded",
          "x-twilio-signature": twilioSignature(authToken, m.statusCallback, params),
        },
        body: new URLSearchParams(params),
      });
      return res.status;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
