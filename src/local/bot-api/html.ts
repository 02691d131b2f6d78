/**
 * Telegram's parse_mode "HTML", strictly: the point of validating it locally is to catch text
 * that was not HTML-escaped before it reaches real Telegram, so a bare "<" or a bare "&" fails
 * here (Telegram's documentation requires both to be escaped). Offsets are UTF-16 code units,
 * which is what JavaScript string lengths count and what the Bot API uses.
 */

export interface MessageEntity {
  type: string;
  offset: number;
  length: number;
  url?: string;
  language?: string;
  custom_emoji_id?: string;
}

export class HtmlParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "HtmlParseError";
  }
}

const TAG_ENTITY: Record<string, string> = {
  b: "bold",
  strong: "bold",
  i: "italic",
  em: "italic",
  u: "underline",
  ins: "underline",
  s: "strikethrough",
  strike: "strikethrough",
  del: "strikethrough",
  code: "code",
  pre: "pre",
  a: "text_link",
  "tg-spoiler": "spoiler",
  span: "spoiler",
  blockquote: "blockquote",
  "tg-emoji": "custom_emoji",
};

const NAMED_ENTITIES: Record<string, string> = { lt: "<", gt: ">", amp: "&", quot: '"' };

interface OpenTag {
  name: string;
  offset: number;
  attributes: Map<string, string>;
  entity?: Omit<MessageEntity, "offset" | "length">;
}

export function parseTelegramHtml(source: string): { text: string; entities: MessageEntity[] } {
  const byteOffset = (index: number): number => Buffer.byteLength(source.slice(0, index));
  const entities: MessageEntity[] = [];
  const stack: OpenTag[] = [];
  let text = "";
  let i = 0;

  const decodeEntityAt = (at: number): { char: string; end: number } => {
    const match = /^&(#[0-9]{1,7}|#x[0-9a-fA-F]{1,6}|[a-zA-Z]+);/.exec(source.slice(at, at + 12));
    if (!match?.[1]) throw new HtmlParseError(`Character "&" must be escaped as "&amp;" at byte offset ${byteOffset(at)}`);
    const name = match[1];
    let char: string | undefined;
    if (name.startsWith("#")) {
      const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
      if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) char = String.fromCodePoint(code);
    } else {
      char = NAMED_ENTITIES[name.toLowerCase()];
    }
    if (char === undefined) throw new HtmlParseError(`Unsupported HTML entity "&${name};" at byte offset ${byteOffset(at)}`);
    return { char, end: at + match[0].length };
  };

  while (i < source.length) {
    const ch = source[i];
    if (ch === "&") {
      const decoded = decodeEntityAt(i);
      text += decoded.char;
      i = decoded.end;
      continue;
    }
    if (ch !== "<") {
      text += ch;
      i += 1;
      continue;
    }
    const tagStart = i;
    if (source[i + 1] === "/") {
      const close = source.indexOf(">", i);
      if (close < 0) throw new HtmlParseError(`Unclosed end tag at byte offset ${byteOffset(tagStart)}`);
      const name = source.slice(i + 2, close).trim().toLowerCase();
      const open = stack.pop();
      if (!open) throw new HtmlParseError(`Unexpected end tag at byte offset ${byteOffset(tagStart)}`);
      if (open.name !== name) {
        throw new HtmlParseError(
          `Unmatched end tag at byte offset ${byteOffset(tagStart)}, expected "</${open.name}>", found "</${name}>"`,
        );
      }
      // Telegram drops entities that cover no text.
      if (open.entity && text.length > open.offset) {
        entities.push({ ...open.entity, offset: open.offset, length: text.length - open.offset });
      }
      i = close + 1;
      continue;
    }
    const nameMatch = /^[a-zA-Z][a-zA-Z0-9-]*/.exec(source.slice(i + 1));
    const name = (nameMatch?.[0] ?? "").toLowerCase();
    if (!(name in TAG_ENTITY)) {
      throw new HtmlParseError(`Unsupported start tag "${name}" at byte offset ${byteOffset(tagStart)}`);
    }
    i += 1 + name.length;
    const attributes = new Map<string, string>();
    for (;;) {
      while (i < source.length && /\s/.test(source[i] ?? "")) i += 1;
      if (i >= source.length) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
      if (source[i] === ">") break;
      const attrMatch = /^[a-zA-Z0-9_-]+/.exec(source.slice(i));
      if (!attrMatch) {
        throw new HtmlParseError(`Empty attribute name in the tag "${name}" at byte offset ${byteOffset(tagStart)}`);
      }
      const attrName = attrMatch[0].toLowerCase();
      i += attrMatch[0].length;
      let value = "";
      if (source[i] === "=") {
        i += 1;
        const quote = source[i];
        let end: number;
        if (quote === '"' || quote === "'") {
          end = source.indexOf(quote, i + 1);
          if (end < 0) throw new HtmlParseError(`Unclosed start tag at byte offset ${byteOffset(tagStart)}`);
          value = decodeAttribute(source.slice(i + 1, end), i + 1, decodeEntityAt);
          i = end + 1;
        } else {
          end = i;
          while (end < source.length && !/[\s>]/.test(source[end] ?? "")) end += 1;
          value = decodeAttribute(source.slice(i, end), i, decodeEntityAt);
          i = end;
        }
      }
      attributes.set(attrName, value);
    }
    i += 1; // past ">"
    stack.push(openTag(name, attributes, text.length, stack, byteOffset(tagStart)));
  }
  const unclosed = stack.pop();
  if (unclosed) throw new HtmlParseError(`Can't find end tag corresponding to start tag "${unclosed.name}"`);
  entities.sort((a, b) => a.offset - b.offset || b.length - a.length);
  return { text, entities };
}

function decodeAttribute(raw: string, at: number, decodeEntityAt: (at: number) => { char: string; end: number }): string {
  let value = "";
  for (let j = 0; j < raw.length; ) {
    if (raw[j] === "&") {
      const decoded = decodeEntityAt(at + j);
      value += decoded.char;
      j = decoded.end - at;
    } else {
      value += raw[j];
      j += 1;
    }
  }
  return value;
}

function openTag(name: string, attributes: Map<string, string>, offset: number, stack: OpenTag[], at: number): OpenTag {
  const type = TAG_ENTITY[name] ?? "";
  const tag: OpenTag = { name, offset, attributes };
  switch (name) {
    case "span":
      if (attributes.get("class") !== "tg-spoiler") {
        throw new HtmlParseError(`Tag "span" must have class "tg-spoiler" at byte offset ${at}`);
      }
      tag.entity = { type };
      break;
    case "a": {
      // Without href Telegram keeps the text and makes no link.
      const href = attributes.get("href");
      if (href) tag.entity = { type, url: href };
      break;
    }
    case "tg-emoji": {
      const id = attributes.get("emoji-id");
      if (!id) throw new HtmlParseError(`Custom emoji entity must contain a tg://emoji URL at byte offset ${at}`);
      tag.entity = { type, custom_emoji_id: id };
      break;
    }
    case "blockquote":
      tag.entity = { type: attributes.has("expandable") ? "expandable_blockquote" : type };
      break;
    case "code": {
      // <pre><code class="language-x"> is one pre entity with a language, as Telegram returns it.
      const parent = stack[stack.length - 1];
      const language = /^language-(.+)$/.exec(attributes.get("class") ?? "")?.[1];
      if (parent?.name === "pre" && parent.entity && parent.offset === offset && language) {
        parent.entity.language = language;
      } else {
        tag.entity = { type };
      }
      break;
    }
    default:
      tag.entity = { type };
  }
  return tag;
}
