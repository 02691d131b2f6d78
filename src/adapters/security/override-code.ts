import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/**
 * The override code an admin types to resume trading after a halt. The code itself never
 * appears in code, logs or fixtures: the environment holds only a salted scrypt hash of it
 * (OVERRIDE_CODE_HASH, made by `npm run override:hash`), in the form
 *
 *     scrypt$<N>$<r>$<p>$<salt base64url>$<hash base64url>
 *
 * Error messages here never include the code nor the stored hash.
 */

export const OVERRIDE_CODE_MIN_LENGTH = 8;
export const OVERRIDE_CODE_MAX_LENGTH = 128;

const DEFAULT_N = 2 ** 15;
const DEFAULT_R = 8;
const DEFAULT_P = 1;
const SALT_BYTES = 16;
const KEY_BYTES = 32;
const MIN_MAXMEM = 64 * 1024 * 1024;
/** Refuse parameters whose scrypt work area exceeds this, so a typo cannot exhaust memory. */
const MAX_WORK_MEMORY = 2 ** 30;

/** The parsed form of an OVERRIDE_CODE_HASH value. */
export interface OverrideHashParams {
  readonly N: number;
  readonly r: number;
  readonly p: number;
  readonly salt: Buffer;
  readonly hash: Buffer;
}

/** OVERRIDE_CODE_HASH is not a hash `npm run override:hash` could have made. The message never quotes the value. */
export class OverrideHashFormatError extends Error {
  constructor(reason: string) {
    super(`OVERRIDE_CODE_HASH is not a valid override-code hash (${reason}); generate one with \`npm run override:hash\``);
    this.name = "OverrideHashFormatError";
  }
}

/** Length in characters (code points) of the code as it will be hashed. */
function codeLength(code: string): number {
  return Array.from(code).length;
}

function normalize(code: string): string {
  return code.normalize("NFC");
}

/** Throws a clear Error (never quoting the code) when `code` cannot be an override code. */
export function validateOverrideCode(code: string): void {
  if (typeof code !== "string") throw new Error("the override code must be a string");
  const length = codeLength(normalize(code));
  if (length < OVERRIDE_CODE_MIN_LENGTH) throw new Error(`the override code must be at least ${OVERRIDE_CODE_MIN_LENGTH} characters long`);
  if (length > OVERRIDE_CODE_MAX_LENGTH) throw new Error(`the override code must be at most ${OVERRIDE_CODE_MAX_LENGTH} characters long`);
  // Chat clients trim messages and cannot send control characters, so such a code could never be typed back.
  if (code.trim() !== code) throw new Error("the override code must not begin or end with whitespace");
  if (/\p{Cc}/u.test(code)) throw new Error("the override code must not contain control characters");
}

function isAcceptable(code: unknown): code is string {
  if (typeof code !== "string" || code.length > OVERRIDE_CODE_MAX_LENGTH * 4) return false;
  const length = codeLength(normalize(code));
  return length >= OVERRIDE_CODE_MIN_LENGTH && length <= OVERRIDE_CODE_MAX_LENGTH;
}

function scryptAsync(password: Buffer, salt: Buffer, keylen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password, salt, keylen, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

function derive(password: Buffer, params: Pick<OverrideHashParams, "N" | "r" | "p" | "salt">, keylen: number): Promise<Buffer> {
  const { N, r, p, salt } = params;
  // OpenSSL needs 128·r·(N + 2) bytes for V plus 128·r·p for B; leave some slack.
  const maxmem = Math.max(MIN_MAXMEM, 128 * r * (N + 2 + p) + 1024 * 1024);
  return scryptAsync(password, salt, keylen, { N, r, p, maxmem });
}

function encodeCode(code: string): Buffer {
  return Buffer.from(normalize(code), "utf8");
}

/** Hashes a new override code with a fresh random salt. Rejects codes outside 8..128 characters. */
export async function hashOverrideCode(code: string): Promise<string> {
  validateOverrideCode(code);
  const salt = randomBytes(SALT_BYTES);
  const hash = await derive(encodeCode(code), { N: DEFAULT_N, r: DEFAULT_R, p: DEFAULT_P, salt }, KEY_BYTES);
  return ["scrypt", DEFAULT_N, DEFAULT_R, DEFAULT_P, salt.toString("base64url"), hash.toString("base64url")].join("$");
}

const DECIMAL = /^[1-9][0-9]{0,9}$/;
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function parseInteger(text: string, name: string, min: number, max: number): number {
  const value = DECIMAL.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new OverrideHashFormatError(`${name} must be a whole number from ${min} to ${max}`);
  return value;
}

function parseBase64url(text: string, name: string): Buffer {
  const bytes = BASE64URL.test(text) ? Buffer.from(text, "base64url") : undefined;
  // The round trip rejects non-canonical encodings (stray trailing bits, impossible lengths).
  if (!bytes || bytes.toString("base64url") !== text) throw new OverrideHashFormatError(`${name} must be unpadded base64url`);
  return bytes;
}

/**
 * Validates a stored OVERRIDE_CODE_HASH value: `scrypt$N$r$p$salt$hash` with N a power of two
 * from 2^14 to 2^20, r 1..32, p 1..16, a salt of at least 16 bytes and a 32-byte hash.
 * Throws OverrideHashFormatError, whose message never includes the value.
 */
export function parseOverrideHash(stored: string): OverrideHashParams {
  if (typeof stored !== "string") throw new OverrideHashFormatError("not a string");
  const parts = stored.trim().split("$");
  if (parts.length !== 6 || parts[0] !== "scrypt") throw new OverrideHashFormatError("expected the word scrypt and five more fields, separated by dollar signs");
  const [, nText, rText, pText, saltText, hashText] = parts as [string, string, string, string, string, string];
  const N = parseInteger(nText, "N", 2 ** 14, 2 ** 20);
  if ((N & (N - 1)) !== 0) throw new OverrideHashFormatError("N must be a power of two");
  const r = parseInteger(rText, "r", 1, 32);
  const p = parseInteger(pText, "p", 1, 16);
  if (128 * N * r > MAX_WORK_MEMORY) throw new OverrideHashFormatError("N and r together need more than 1 GiB of memory");
  const salt = parseBase64url(saltText, "the salt");
  if (salt.length < SALT_BYTES || salt.length > 64) throw new OverrideHashFormatError(`the salt must be ${SALT_BYTES} to 64 bytes`);
  const hash = parseBase64url(hashText, "the hash");
  if (hash.length !== KEY_BYTES) throw new OverrideHashFormatError(`the hash must be ${KEY_BYTES} bytes`);
  return { N, r, p, salt, hash };
}

/** A fixed-length stand-in hashed when the offered code is unacceptable, so timing does not reveal the length checks. */
const PLACEHOLDER = Buffer.alloc(OVERRIDE_CODE_MAX_LENGTH, 0x61);

async function verifyParsed(code: unknown, params: OverrideHashParams): Promise<boolean> {
  const acceptable = isAcceptable(code);
  const password = acceptable ? encodeCode(code) : PLACEHOLDER;
  let candidate: Buffer;
  try {
    candidate = await derive(password, params, params.hash.length);
  } catch {
    return false;
  }
  const same = candidate.length === params.hash.length && timingSafeEqual(candidate, params.hash);
  return same && acceptable;
}

/**
 * Checks an offered code against a stored hash. Never throws: a malformed stored value, or a
 * code that is empty, too short or too long, yields false (after the same scrypt work).
 */
export async function verifyOverrideCode(code: string, stored: string): Promise<boolean> {
  let params: OverrideHashParams;
  try {
    params = parseOverrideHash(stored);
  } catch {
    return false;
  }
  return verifyParsed(code, params);
}

/** Holds a validated OVERRIDE_CODE_HASH (the constructor throws OverrideHashFormatError) and checks offered codes against it. */
export class OverrideCodeVerifier {
  readonly #params: OverrideHashParams;

  constructor(stored: string) {
    this.#params = parseOverrideHash(stored);
  }

  /** True only for the right code; false for anything else, never throws. */
  verify(code: string): Promise<boolean> {
    return verifyParsed(code, this.#params);
  }

  /** Keeps the salt and hash out of logs and inspection. */
  toJSON(): string {
    return `OverrideCodeVerifier(scrypt N=${this.#params.N} r=${this.#params.r} p=${this.#params.p})`;
  }

  [Symbol.for("nodejs.util.inspect.custom")](): string {
    return this.toJSON();
  }
}
