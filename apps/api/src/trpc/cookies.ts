// Session cookies: HttpOnly, SameSite=Lax, path /, Secure over https; set and cleared by the
// auth procedures through the response headers.
import { serialize } from "hono/utils/cookie";
import type { Context } from "./context.ts";

export function setSessionCookie(ctx: Context, name: string, token: string, expires: Date) {
  ctx.resHeaders.append(
    "set-cookie",
    serialize(name, token, { path: "/", httpOnly: true, sameSite: "Lax", secure: ctx.secure(), expires }),
  );
}

export function clearSessionCookie(ctx: Context, name: string) {
  ctx.resHeaders.append("set-cookie", serialize(name, "", { path: "/", httpOnly: true, sameSite: "Lax", secure: ctx.secure(), maxAge: 0 }));
}
