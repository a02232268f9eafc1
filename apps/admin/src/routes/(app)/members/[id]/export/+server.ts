// Patient data request: everything about one member, as one JSON document or as a zip of CSV
// files (one per table). Admins only; the API audits every export.
import { crc32 } from "node:zlib";
import { error } from "@sveltejs/kit";
import { api } from "#lib/server/api.js";
import type { RequestHandler } from "./$types";

export const GET: RequestHandler = async (event) => {
  if (!event.locals.staff) error(401, "Sign in to export a patient's data.");
  if (event.locals.staff.role !== "admin") error(403, "Only an admin can export a patient's data.");
  const format = event.url.searchParams.get("format") === "csv" ? "csv" : "json";
  const result = await api(event)
    .members.exportData.mutate({ memberId: event.params.id, format })
    .catch(() => error(404, "No such member in your practice."));
  const day = new Date().toISOString().slice(0, 10);
  const headers = (type: string, name: string) => ({
    "content-type": type,
    "content-disposition": `attachment; filename="${name}"`,
    "cache-control": "no-store",
  });
  if (result.format === "json")
    return new Response(JSON.stringify(result.data, null, 2), {
      headers: headers("application/json", `member-${event.params.id}-${day}.json`),
    });
  return new Response(zipStored(result.files), { headers: headers("application/zip", `member-${event.params.id}-${day}.zip`) });
};

/** A zip archive of text files, stored without compression (every unzip tool reads it). */
function zipStored(files: Record<string, string>): ArrayBuffer {
  const parts: Buffer[] = [];
  const central: Buffer[] = [];
  let offset = 0;
  for (const [name, text] of Object.entries(files)) {
    const data = Buffer.from(text, "utf8");
    const fileName = Buffer.from(name, "utf8");
    const crc = crc32(data);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(data.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(fileName.length, 26);
    const entry = Buffer.alloc(46);
    entry.writeUInt32LE(0x02014b50, 0);
    entry.writeUInt16LE(20, 4);
    entry.writeUInt16LE(20, 6);
    entry.writeUInt16LE(0x0800, 8);
    entry.writeUInt32LE(crc, 16);
    entry.writeUInt32LE(data.length, 20);
    entry.writeUInt32LE(data.length, 24);
    entry.writeUInt16LE(fileName.length, 28);
    entry.writeUInt32LE(offset, 42);
    parts.push(local, fileName, data);
    central.push(entry, fileName);
    offset += local.length + fileName.length + data.length;
  }
  const dir = Buffer.concat(central);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(Object.keys(files).length, 8);
  end.writeUInt16LE(Object.keys(files).length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  const zip = Buffer.concat([...parts, dir, end]);
  return zip.buffer.slice(zip.byteOffset, zip.byteOffset + zip.byteLength) as ArrayBuffer;
}
