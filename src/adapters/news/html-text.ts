import { decodeHTML } from "entities";

/** Elements that end a line or block: their tags become a space, so "a<br>b" does not read "ab". */
const BLOCK_TAG = /^(?:address|article|aside|blockquote|br|dd|div|dl|dt|figcaption|figure|footer|h[1-6]|header|hr|img|li|main|nav|ol|p|pre|section|table|tbody|td|tfoot|th|thead|tr|ul)$/i;
/** A tag is "<" then a letter (or "/" and a letter): "S&P < 5000" and "a <3" stay text. */
const TAG = /<\/?([A-Za-z][A-Za-z0-9:-]*)\b[^>]*>/g;
const IGNORED_BLOCKS = /<!--[\s\S]*?(?:-->|$)|<!\[CDATA\[|\]\]>|<(script|style|template)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
/**
 * Whitespace that is not already a single space: a run of two or more, or one tab, newline,
 * no-break space... Replacing these with " " is `/\s+/g` -> " " without rewriting every
 * ordinary space between two words (which made that replace the costliest step here).
 */
const UNUSUAL_WHITESPACE = /\s{2,}|[^\S ]/g;

/**
 * The plain text of a feed's title or summary. Feeds put HTML in both, escaped once more than
 * XML needs (`&lt;b&gt;`, `&amp;#8211;`, CDATA): by the time the XML parser is done it reads
 * as markup. Comments, scripts and styles go; tags go (inline ones without a trace, block ones
 * as a space); then every HTML entity is decoded (named ones of HTML5 such as `&deg;` and
 * `&rsquo;`, decimal and hex); whitespace of any kind, no-break spaces included, becomes one
 * space. Tags are removed before entities are decoded, so an escaped tag (`&amp;lt;b&amp;gt;`)
 * comes out as the literal text it was meant to be.
 */
export function htmlToText(html: string): string {
  if (!html.includes("<") && !html.includes("&")) return singleSpaced(html);
  const withoutTags = html.replace(IGNORED_BLOCKS, " ").replace(TAG, (_tag, name: string) => (BLOCK_TAG.test(name) ? " " : ""));
  return singleSpaced(decodeHTML(withoutTags));
}

function singleSpaced(text: string): string {
  return text.replace(UNUSUAL_WHITESPACE, " ").trim();
}
