import { randomBytes } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import { basename, extname, join } from "node:path";
import { applyText, formatCaption, replyTarget } from "./format.js";
import { parseReplyMarkup } from "./markup.js";
import { badRequest, type Params, type UploadedFile } from "./params.js";
import type { EmulatorStore, NewMessage, StoredFile } from "./store.js";

/** sendPhoto and sendDocument: uploads are written to photoDir so a human or a test can open them. */

const PHOTO_LIMIT = 10 * 1024 * 1024;
export const DOCUMENT_LIMIT = 50 * 1024 * 1024;

type MediaKind = "photo" | "document";

export async function sendMedia(kind: MediaKind, params: Params, store: EmulatorStore): Promise<Record<string, unknown>> {
  const chatId = params.chatId();
  const chat = store.chatObject(chatId);
  const input = params.file(kind);
  if (!input) throw badRequest(`there is no ${kind} in the request`);
  const caption = formatCaption(params);
  const markup = parseReplyMarkup(params);
  const reply = replyTarget(params, store, chatId);
  const file = "upload" in input ? await saveUpload(kind, input.upload, store) : referencedFile(input.reference, store);

  const stored = store.addMessage(chatId, (messageId, date) => {
    const telegram: Record<string, unknown> = { message_id: messageId, from: store.botUser(), chat, date };
    if (reply) telegram.reply_to_message = reply;
    telegram[kind] = kind === "photo" ? [photoSize(file)] : documentObject(file);
    applyText(telegram, "caption", caption);
    if (markup?.markup) telegram.reply_markup = markup.markup;
    const fields: NewMessage = { fromBot: true, telegram, buttons: markup?.buttons ?? [] };
    if (caption) {
      fields.caption = caption.source;
      fields.plainText = caption.plain;
      if (caption.parseMode !== undefined) fields.parseMode = caption.parseMode;
    }
    if (file.path !== undefined && kind === "photo") fields.photoPath = file.path;
    if (file.path !== undefined && kind === "document") fields.documentPath = file.path;
    return fields;
  });
  return stored.telegram;
}

async function saveUpload(kind: MediaKind, upload: UploadedFile, store: EmulatorStore): Promise<StoredFile> {
  if (upload.data.length === 0) throw badRequest("file must be non-empty");
  if (upload.data.length > (kind === "photo" ? PHOTO_LIMIT : DOCUMENT_LIMIT)) throw badRequest("file is too big");
  const extension = fileExtension(kind, upload);
  await mkdir(store.photoDir, { recursive: true });
  // Unique even when several emulators share one photoDir.
  const path = join(store.photoDir, `${kind}-${Date.now()}-${randomBytes(4).toString("hex")}${extension}`);
  await writeFile(path, upload.data);
  const size = kind === "photo" ? pngSize(upload.data) : { width: 0, height: 0 };
  const file: StoredFile = {
    fileId: `emu-${kind}-${randomBytes(12).toString("base64url")}`,
    fileUniqueId: randomBytes(6).toString("base64url"),
    path,
    size: upload.data.length,
    ...size,
    fileName: basename(upload.filename || `${kind}${extension}`),
    mimeType: mimeType(extension, upload.mimetype),
  };
  store.files.set(file.fileId, file);
  return file;
}

/** A file_id the emulator handed out earlier, or a URL Telegram would download (we do not). */
function referencedFile(reference: string, store: EmulatorStore): StoredFile {
  const known = store.files.get(reference);
  if (known) return known;
  if (!/^https?:\/\//i.test(reference)) throw badRequest("wrong file identifier/HTTP URL specified");
  const file: StoredFile = {
    fileId: `emu-url-${randomBytes(12).toString("base64url")}`,
    fileUniqueId: randomBytes(6).toString("base64url"),
    size: 0,
    width: 0,
    height: 0,
    fileName: basename(new URL(reference).pathname) || "file",
  };
  store.files.set(file.fileId, file);
  return file;
}

function photoSize(file: StoredFile): Record<string, unknown> {
  return {
    file_id: file.fileId,
    file_unique_id: file.fileUniqueId,
    width: file.width,
    height: file.height,
    file_size: file.size,
  };
}

function documentObject(file: StoredFile): Record<string, unknown> {
  const document: Record<string, unknown> = { file_id: file.fileId, file_unique_id: file.fileUniqueId };
  if (file.fileName !== undefined) document.file_name = file.fileName;
  if (file.mimeType !== undefined) document.mime_type = file.mimeType;
  document.file_size = file.size;
  return document;
}

const MAGIC: { extension: string; test: (data: Buffer) => boolean }[] = [
  { extension: ".png", test: (d) => d.subarray(0, 8).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) },
  { extension: ".jpg", test: (d) => d[0] === 0xff && d[1] === 0xd8 && d[2] === 0xff },
  { extension: ".gif", test: (d) => d.subarray(0, 4).toString("latin1") === "GIF8" },
  { extension: ".webp", test: (d) => d.subarray(0, 4).toString("latin1") === "RIFF" && d.subarray(8, 12).toString("latin1") === "WEBP" },
  { extension: ".pdf", test: (d) => d.subarray(0, 5).toString("latin1") === "%PDF-" },
];

/**
 * The content decides when it is recognizable: grammY names every unnamed upload "photo.jpg" or
 * "document.dat", so a PNG chart would otherwise be saved as .jpg. Else the uploaded name's extension.
 */
function fileExtension(kind: MediaKind, upload: UploadedFile): string {
  const sniffed = MAGIC.find((m) => m.test(upload.data))?.extension;
  if (sniffed) return sniffed;
  const fromName = extname(upload.filename).toLowerCase();
  if (/^\.[a-z0-9]{1,8}$/.test(fromName) && fromName !== ".dat") return fromName;
  return kind === "photo" ? ".png" : ".bin";
}

const MIME_TYPES: Record<string, string> = {
  ".png": "image/png",
  ".jpg": "image/jpeg",
  ".jpeg": "image/jpeg",
  ".gif": "image/gif",
  ".webp": "image/webp",
  ".pdf": "application/pdf",
  ".txt": "text/plain",
  ".csv": "text/csv",
  ".json": "application/json",
  ".html": "text/html",
  ".zip": "application/zip",
};

function mimeType(extension: string, uploaded: string): string {
  return MIME_TYPES[extension] ?? (uploaded && uploaded !== "application/octet-stream" ? uploaded : "application/octet-stream");
}

/** Width and height from a PNG's IHDR chunk; 0×0 for anything else. */
function pngSize(data: Buffer): { width: number; height: number } {
  const isPng = MAGIC[0]?.test(data) === true && data.length >= 24 && data.subarray(12, 16).toString("latin1") === "IHDR";
  return isPng ? { width: data.readUInt32BE(16), height: data.readUInt32BE(20) } : { width: 0, height: 0 };
}
