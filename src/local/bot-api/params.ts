/**
 * Request parameters as Telegram reads them: the same method may be called with a JSON body, a
 * urlencoded form, a query string or multipart/form-data. Only JSON keeps types, so every getter
 * also accepts the string form ("123", "true", '{"inline_keyboard":...}').
 */

/** An error answer: `{ ok: false, error_code, description, parameters? }` with that HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly errorCode: number,
    readonly description: string,
    readonly parameters?: { retry_after?: number },
  ) {
    super(description);
    this.name = "ApiError";
  }

  toJSON(): Record<string, unknown> {
    const body: Record<string, unknown> = { ok: false, error_code: this.errorCode, description: this.description };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

export function badRequest(detail: string): ApiError {
  return new ApiError(400, `Bad Request: ${detail}`);
}

/** A file part of a multipart request, kept in memory (limits are enforced while reading). */
export interface UploadedFile {
  filename: string;
  mimetype: string;
  data: Buffer;
}

export class Params {
  constructor(
    readonly values: Record<string, unknown>,
    /** Multipart file parts by field name; "attach://<name>" values refer to them. */
    readonly files: ReadonlyMap<string, UploadedFile> = new Map(),
  ) {}

  has(name: string): boolean {
    const value = this.values[name];
    return value !== undefined && value !== null && value !== "";
  }

  int(name: string): number | undefined {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && /^\s*[-+]?\d+\s*$/.test(value)) {
      const parsed = Number(value);
      if (Number.isSafeInteger(parsed)) return parsed;
    }
    throw badRequest(`field "${name}" must be of type Integer`);
  }

  requireInt(name: string, missing: string): number {
    const value = this.int(name);
    if (value === undefined) throw badRequest(missing);
    return value;
  }

  string(name: string): string | undefined {
    const value = this.values[name];
    if (value === undefined || value === null) return undefined;
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "boolean") return String(value);
    throw badRequest(`field "${name}" must be of type String`);
  }

  bool(name: string): boolean {
    const value = this.values[name];
    return value === true || value === "true" || value === "1" || value === 1;
  }

  /** An object or array parameter; form-style requests send it as a JSON string. */
  json(name: string, what = `${name} JSON object`): unknown {
    const value = this.values[name];
    if (value === undefined || value === null || value === "") return undefined;
    if (typeof value !== "string") return value;
    try {
      return JSON.parse(value) as unknown;
    } catch {
      throw badRequest(`can't parse ${what}`);
    }
  }

  /**
   * The chat of a method call. Private chats are the only ones the emulator has, and Telegram
   * cannot resolve "@username" for them either, so anything but a known numeric id is "not found".
   */
  chatId(): number {
    const value = this.values.chat_id;
    if (value === undefined || value === null || value === "") throw badRequest("chat_id is empty");
    if (typeof value === "number" && Number.isSafeInteger(value)) return value;
    if (typeof value === "string" && /^-?\d+$/.test(value.trim())) return Number(value.trim());
    throw badRequest("chat not found");
  }

  /** A file parameter: an upload ("attach://x" or the file under the parameter's own name) or a string. */
  file(name: string): { upload: UploadedFile } | { reference: string } | undefined {
    const direct = this.files.get(name);
    if (direct) return { upload: direct };
    const value = this.values[name];
    if (typeof value !== "string" || value === "") return undefined;
    if (value.startsWith("attach://")) {
      const upload = this.files.get(value.slice("attach://".length));
      if (!upload) throw badRequest(`wrong remote file identifier specified: can't find attached file "${value}"`);
      return { upload };
    }
    return { reference: value };
  }

  /** What the call log shows: parsed values, with uploads summarized instead of their bytes. */
  forLog(): Record<string, unknown> {
    const logged: Record<string, unknown> = { ...this.values };
    for (const [field, file] of this.files) {
      logged[field] = { filename: file.filename, size: file.data.length };
    }
    return logged;
  }
}
