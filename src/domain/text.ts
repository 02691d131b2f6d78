/**
 * Text from outside (operators, feeds, brokers, HTTP bodies) passes through here before it
 * reaches the database or a reply. PostgreSQL refuses NUL in text columns, control characters
 * corrupt logs and chat messages, and a cut in the middle of a surrogate pair (or of an emoji
 * made of several code points) leaves text that a UTF-8 encoder rejects.
 */

/** C0/C1 controls and DEL; tab, newline and carriage return are handled by `keepNewlines`. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROLS = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F]/gu;
// eslint-disable-next-line no-control-regex -- as above
const CONTROLS_AND_NEWLINES = /[\u0000-\u001F\u007F-\u009F]/gu;
/** Lone surrogates (invalid UTF-16 that cannot be encoded as UTF-8). */
const LONE_SURROGATES = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

const segmenter = new Intl.Segmenter("en", { granularity: "grapheme" });

export interface CleanTextOptions {
  /** Most characters (grapheme clusters: what a reader counts) to keep; the cut never splits one. */
  maxChars?: number;
  /** Keep line breaks and tabs (a multi-line note); otherwise every control becomes a space. */
  keepNewlines?: boolean;
  /** Appended when the text was cut (counted in maxChars). Default "…". */
  ellipsis?: string;
}

/**
 * Removes NUL, lone surrogates and control characters (each other control becomes a space,
 * so words do not run together), trims, and cuts to `maxChars` on a grapheme boundary.
 */
export function cleanText(input: string, options: CleanTextOptions = {}): string {
  const controls = options.keepNewlines ? CONTROLS : CONTROLS_AND_NEWLINES;
  const cleaned = input
    .replace(LONE_SURROGATES, "")
    .replaceAll("\u0000", "")
    .replace(controls, " ")
    .replace(options.keepNewlines ? /[ \t]{2,}/g : /\s{2,}/g, " ")
    .trim();
  return options.maxChars === undefined ? cleaned : cutText(cleaned, options.maxChars, options.ellipsis ?? "…");
}

/** Cuts `text` to at most `maxChars` grapheme clusters, ending in `ellipsis` when it was cut. */
export function cutText(text: string, maxChars: number, ellipsis = "…"): string {
  // Fast path: a string with no more UTF-16 units than the limit has no more graphemes.
  if (text.length <= maxChars) return text;
  const graphemes: string[] = [];
  for (const { segment } of segmenter.segment(text)) {
    graphemes.push(segment);
    if (graphemes.length > maxChars) break;
  }
  if (graphemes.length <= maxChars) return text;
  const room = Math.max(0, maxChars - countGraphemes(ellipsis));
  return graphemes.slice(0, room).join("").trimEnd() + ellipsis;
}

/** Cuts so that the UTF-16 length (what Telegram's 4,096 limit counts) stays within `maxUnits`. */
export function cutToUnits(text: string, maxUnits: number, ellipsis = "…"): string {
  if (text.length <= maxUnits) return text;
  let out = "";
  const budget = maxUnits - ellipsis.length;
  for (const { segment } of segmenter.segment(text)) {
    if (out.length + segment.length > budget) break;
    out += segment;
  }
  return out.trimEnd() + ellipsis;
}

function countGraphemes(text: string): number {
  return [...segmenter.segment(text)].length;
}
