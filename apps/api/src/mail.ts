// Outgoing email: SMTP through nodemailer when SMTP_URL is set, otherwise the dev mailbox table
// (the admin app lists it), so a fresh install can show the daily digest without a mail server.
import { type Db, devMailbox } from "@tally/db";
import nodemailer from "nodemailer";

export interface Mail {
  practiceId?: string | null;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Extra headers (List-Unsubscribe, List-Unsubscribe-Post). */
  headers?: Record<string, string>;
}

/** What the server accepted the mail as (the SMTP message id, the dev mailbox row). */
export interface SentMail {
  id: string | null;
}

export interface Mailer {
  kind: "smtp" | "dev-mailbox";
  send(mail: Mail): Promise<SentMail>;
  close(): void;
}

export function createMailer(db: Db, options: { smtpUrl?: string; from: string }): Mailer {
  if (options.smtpUrl) {
    // Pooled connections (a handshake per message costs more than the message): up to 8 at once
    // unless the URL says otherwise (?pool=false, ?maxConnections=N).
    const url = new URL(options.smtpUrl);
    if (!url.searchParams.has("pool")) url.searchParams.set("pool", "true");
    if (!url.searchParams.has("maxConnections")) url.searchParams.set("maxConnections", "8");
    const transport = nodemailer.createTransport(url.toString());
    return {
      kind: "smtp",
      send: async (m) => {
        const info = await transport.sendMail({
          from: options.from,
          to: m.to,
          subject: m.subject,
          text: m.text,
          html: m.html,
          headers: m.headers,
        });
        return { id: info.messageId ?? null };
      },
      close: () => transport.close(),
    };
  }
  return {
    kind: "dev-mailbox",
    send: async (m) => {
      const [row] = await db
        .insert(devMailbox)
        .values({ practiceId: m.practiceId ?? null, to: m.to, subject: m.subject, text: m.text, html: m.html ?? null })
        .returning({ id: devMailbox.id });
      return { id: row ? `dev_${row.id}` : null };
    },
    close: () => {},
  };
}

/** How an SMTP failure is treated: a 5xx refusal of the recipient is a hard bounce (the address
 *  is marked undeliverable); a 4xx or a connection that never delivered may be tried again; a
 *  connection lost after the message was handed over is not retried (at most once). */
export function classifySmtpError(err: unknown): { error: string; retryable: boolean; hardBounce: boolean } {
  const e = err as { responseCode?: number; command?: string; code?: string; response?: string; message?: string };
  const code = e.responseCode ?? 0;
  const message = (e.response ?? e.message ?? String(err)).slice(0, 500);
  if (code >= 500 && /RCPT/i.test(e.command ?? ""))
    return { error: `The address was refused: ${message}`, retryable: false, hardBounce: true };
  if (code >= 500) return { error: `The mail server refused the message: ${message}`, retryable: false, hardBounce: false };
  if (code >= 400) return { error: `The mail server deferred the message: ${message}`, retryable: true, hardBounce: false };
  if (["ECONNECTION", "ECONNREFUSED", "EDNS", "ETLS", "EAUTH"].includes(e.code ?? "") && !/DATA/i.test(e.command ?? ""))
    return { error: `The mail server could not be reached: ${message}`, retryable: true, hardBounce: false };
  return { error: `Sending failed: ${message}`, retryable: false, hardBounce: false };
}
