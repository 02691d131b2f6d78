/** Telegram HTML: what the bot sends is escaped here and nowhere else. */
import { decodeHTMLStrict } from "entities";

const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

/** Escapes text for parse_mode HTML (Telegram accepts &lt; &gt; &amp; &quot;). */
export function esc(value: unknown): string {
  return String(value).replace(/[&<>"]/g, (c) => ENTITIES[c]!);
}

export const bold = (value: unknown): string => `<b>${esc(value)}</b>`;
export const code = (value: unknown): string => `<code>${esc(value)}</code>`;
export const italic = (value: unknown): string => `<i>${esc(value)}</i>`;

/** Telegram's limit for one message's text, in UTF-16 code units as Telegram counts them. */
export const MESSAGE_LIMIT = 4096;

/**
 * Splits a rendered message into parts Telegram accepts. It cuts between lines, so a tag (the
 * renderers never open one across lines) is never cut in half; a single line longer than the
 * limit is cut at the limit after its tags are dropped and it is re-escaped, so no part is
 * ever refused for broken HTML.
 */
export function splitMessage(html: string, limit = MESSAGE_LIMIT): string[] {
  if (html.length <= limit) return [html];
  const parts: string[] = [];
  let current = "";
  const flush = () => {
    if (current.length > 0) parts.push(current);
    current = "";
  };
  for (const line of html.split("\n")) {
    const pieces = line.length <= limit ? [line] : hardSplit(line, limit);
    for (const piece of pieces) {
      const candidate = current.length === 0 ? piece : `${current}\n${piece}`;
      if (candidate.length <= limit) current = candidate;
      else {
        flush();
        current = piece;
      }
    }
  }
  flush();
  return parts.length > 0 ? parts : [""];
}

function hardSplit(line: string, limit: number): string[] {
  // Every entity comes back as its character (named, decimal or hex), so a "&#8211;" in the line
  // is re-escaped as the dash it showed, not as the text "&#8211;". Strict: only entities closed
  // by ";", the only ones Telegram reads.
  const plain = decodeHTMLStrict(line.replace(/<[^>]*>/g, ""));
  const out: string[] = [];
  let chunk = "";
  for (const char of plain) {
    const escaped = esc(char);
    if (chunk.length + escaped.length > limit) {
      out.push(chunk);
      chunk = "";
    }
    chunk += escaped;
  }
  if (chunk) out.push(chunk);
  return out;
}
