// A practice's logo: uploaded by an admin, resized here (sharp) to at most 512 px and stored as WebP
// in the database, served by the API itself (/media/logo/:practiceId): no external image host.
import { type Db, practiceLogos } from "@tally/db";
import { eq } from "drizzle-orm";
import sharp, { type OutputInfo } from "sharp";
import type { Ctx } from "../context.ts";
import { DomainError } from "../errors.ts";
import { authorize } from "../permissions.ts";
import { audit, inTx } from "../verb.ts";

export const maxLogoUploadBytes = 5 * 1024 * 1024;
const maxSide = 512;
const acceptedFormats = new Set(["png", "jpeg", "webp", "gif", "svg", "avif", "tiff"]);

/** Where the apps load a practice's logo; the version makes a new upload bypass caches. */
export const logoUrl = (practiceId: string, updatedAt: Date) => `/media/logo/${practiceId}?v=${updatedAt.getTime()}`;

export async function setLogo({ ctx, input }: { ctx: Ctx; input: { data: Uint8Array } }) {
  authorize(ctx, "practices.setLogo");
  const bytes = input.data;
  if (!(bytes instanceof Uint8Array) || bytes.byteLength === 0)
    throw new DomainError("INVALID_INPUT", "Choose an image file for the logo.");
  if (bytes.byteLength > maxLogoUploadBytes)
    throw new DomainError("INVALID_INPUT", "The logo file is larger than 5 MB. Choose a smaller image.");
  let resized: { data: Buffer; info: OutputInfo };
  try {
    const image = sharp(bytes, { limitInputPixels: 40_000_000, animated: false });
    const meta = await image.metadata();
    if (!meta.format || !acceptedFormats.has(meta.format)) throw new Error(`format ${meta.format}`);
    resized = await image
      .rotate()
      .resize(maxSide, maxSide, { fit: "inside", withoutEnlargement: true })
      .webp({ quality: 90 })
      .toBuffer({ resolveWithObject: true });
  } catch {
    throw new DomainError("INVALID_INPUT", "That file is not an image we can read. Use a PNG, JPEG, WebP, GIF or SVG.");
  }
  return inTx(ctx, async (tx) => {
    const now = new Date();
    const values = {
      contentType: "image/webp",
      data: resized.data,
      width: resized.info.width,
      height: resized.info.height,
      updatedAt: now,
    };
    await tx
      .insert(practiceLogos)
      .values({ practiceId: ctx.practiceId, ...values })
      .onConflictDoUpdate({ target: practiceLogos.practiceId, set: values });
    await audit(tx, ctx, {
      action: "practices.setLogo",
      targetType: "practice",
      targetId: ctx.practiceId,
      details: { uploadedBytes: bytes.byteLength, width: values.width, height: values.height, storedBytes: resized.data.byteLength },
    });
    return { url: logoUrl(ctx.practiceId, now), width: values.width, height: values.height };
  });
}

export async function removeLogo({ ctx }: { ctx: Ctx; input?: unknown }) {
  authorize(ctx, "practices.setLogo");
  return inTx(ctx, async (tx) => {
    const gone = await tx
      .delete(practiceLogos)
      .where(eq(practiceLogos.practiceId, ctx.practiceId))
      .returning({ id: practiceLogos.practiceId });
    if (gone.length > 0) await audit(tx, ctx, { action: "practices.removeLogo", targetType: "practice", targetId: ctx.practiceId });
    return { removed: gone.length > 0 };
  });
}

/** The stored image for /media/logo/:practiceId (public: a logo is shown before sign-in). */
export async function getLogo(db: Db, practiceId: string) {
  if (!/^[0-9a-f-]{36}$/i.test(practiceId)) return null;
  const [row] = await db
    .select({ contentType: practiceLogos.contentType, data: practiceLogos.data, updatedAt: practiceLogos.updatedAt })
    .from(practiceLogos)
    .where(eq(practiceLogos.practiceId, practiceId));
  return row ?? null;
}

/** The logo's URL, or null when the practice has none. */
export async function logoUrlOf(db: Db | Ctx["db"], practiceId: string): Promise<string | null> {
  const [row] = await db.select({ updatedAt: practiceLogos.updatedAt }).from(practiceLogos).where(eq(practiceLogos.practiceId, practiceId));
  return row ? logoUrl(practiceId, row.updatedAt) : null;
}
