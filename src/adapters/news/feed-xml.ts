/** The xml2js options used here (rss-parser passes them through; xml2js ships no types). */
export interface Xml2jsOptions {
  tagNameProcessors?: ((name: string) => string)[];
  validator?: (xpath: string, previous: unknown, value: unknown) => unknown;
}

/**
 * rss-parser (over xml2js) matches elements by their literal prefixed names ("atom:link",
 * "dc:date") and finds Atom only as an unprefixed `<feed>`. Real feeds bind the same
 * namespaces to other prefixes (.NET's SyndicationFeed writes `a10:link`; some Atom feeds are
 * `<a:feed xmlns:a="http://www.w3.org/2005/Atom">`). Element names are therefore rewritten
 * to one canonical prefix per namespace while the document is parsed; in an Atom document the
 * Atom prefix is dropped altogether.
 */
const CANONICAL_PREFIX = new Map<string, string>(Object.entries({
  "http://www.w3.org/2005/Atom": "atom",
  "http://purl.org/dc/elements/1.1/": "dc",
  "http://search.yahoo.com/mrss/": "media",
  "http://search.yahoo.com/mrss": "media",
  "http://www.itunes.com/dtds/podcast-1.0.dtd": "itunes",
  "http://purl.org/rss/1.0/modules/content/": "content",
  "http://www.w3.org/1999/02/22-rdf-syntax-ns#": "rdf",
}));

/**
 * Prefix declarations anywhere in the document. Scopes are not tracked: a prefix bound to two
 * namespaces in one feed is vanishingly rare, and the cost would be a namespace-aware parse.
 */
const PREFIX_DECLARATION = /\sxmlns:([A-Za-z_][\w.-]*)\s*=\s*(["'])(.*?)\2/g;
/** The first element's name: the document's root (the prolog, comments and a DOCTYPE start with "<?" or "<!"). */
const ROOT_ELEMENT = /<(?![?!])([^\s/>]+)/;
const CHANNEL = /<(?:[A-Za-z_][\w.-]*:)?channel[\s/>]/;
/**
 * An Atom text construct of type xhtml (`<title type="xhtml"><div>Slack <b>stock</b></div></title>`).
 * xml2js collects an element's text apart from its children's, so it would read "Slack " and
 * lose "stock" and the order of the rest; such content is handed over as escaped HTML instead
 * (type="html"), which is exactly what it is, and read like any other HTML title.
 */
const XHTML_CONSTRUCT = /<((?:[A-Za-z_][\w.-]*:)?(?:title|subtitle|summary|content|rights))(\s[^>]*?\btype\s*=\s*["'])xhtml(["'][^>]*?)(?<!\/)>([\s\S]*?)<\/\1\s*>/g;

export interface PreparedFeedXml {
  xml: string;
  xml2js: Xml2jsOptions;
}

/**
 * rss-parser turns an Atom `published` or `updated` into a date itself and throws ("Invalid
 * time value") on one that is not, losing the whole feed: both are renamed to names it does
 * not know (`atom-published`, `atom-updated`) and read by parseFeedDate instead.
 */
const DATE_ELEMENTS = new Map([
  ["published", "atom-published"],
  ["updated", "atom-updated"],
]);

/** The document (xhtml constructs escaped) and the xml2js options that read it into rss-parser's shape. */
export function prepareFeedXml(xml: string): PreparedFeedXml {
  const renames = prefixRenames(xml);
  const options: Xml2jsOptions = {
    tagNameProcessors: [
      (name: string) => {
        const colon = name.indexOf(":");
        const prefix = colon < 0 ? undefined : renames.get(name.slice(0, colon));
        const canonical = prefix === undefined ? name : prefix === "" ? name.slice(colon + 1) : `${prefix}${name.slice(colon)}`;
        return DATE_ELEMENTS.get(canonical) ?? canonical;
      },
    ],
  };
  // Only then: xml2js builds the element's path for every element while a validator is set.
  if (!CHANNEL.test(xml)) options.validator = addMissingChannel;
  const source = /type\s*=\s*["']xhtml["']/.test(xml) ? xml.replace(XHTML_CONSTRUCT, (_all, name: string, before: string, after: string, inner: string) => `<${name}${before}html${after}>${escapeXml(inner)}</${name}>`) : xml;
  return { xml: source, xml2js: options };
}

function prefixRenames(xml: string): Map<string, string> {
  const renames = new Map<string, string>();
  if (!xml.includes("xmlns:")) return renames;
  const root = ROOT_ELEMENT.exec(xml)?.[1] ?? "";
  const rootPrefix = root.includes(":") ? root.slice(0, root.indexOf(":")) : "";
  const bound = new Map<string, string>();
  for (const [, prefix = "", , uri = ""] of xml.matchAll(PREFIX_DECLARATION)) {
    const canonical = CANONICAL_PREFIX.get(uri.trim());
    if (canonical && !bound.has(prefix)) bound.set(prefix, canonical);
  }
  const atomDocument = rootPrefix !== "" && bound.get(rootPrefix) === "atom" && root.endsWith(":feed");
  for (const [prefix, canonical] of bound) {
    const target = atomDocument && canonical === "atom" ? "" : canonical;
    if (target !== prefix) renames.set(prefix, target);
  }
  return renames;
}

function escapeXml(markup: string): string {
  return markup.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

type Element = Record<string, unknown>;

/**
 * xml2js's validator hook, set for a document without a `<channel>`: an `<rss>` or RDF root
 * without one (what a feed with nothing published often is) made rss-parser read
 * `channel[0]` of undefined ("Cannot read properties of undefined (reading '0')"); it gets an
 * empty channel, and the feed reads as zero items.
 */
function addMissingChannel(xpath: string, _previous: unknown, value: unknown): unknown {
  if (xpath !== "/rss" && xpath !== "/rdf:RDF") return value;
  const element: Element = value && typeof value === "object" ? (value as Element) : {};
  if (!element.channel) element.channel = [""];
  return element;
}
