import { describe, expect, it } from "vitest";
import { decodeFeed } from "../../src/adapters/news/fetch-feed.js";

const bytes = (...parts: (string | number[] | Uint8Array)[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === "string" ? Buffer.from(p, "latin1") : Buffer.from(p))));

// In windows-1252, 0x93 and 0x94 are the curly double quotes, 0x96 the en dash, 0x80 the euro sign;
// in ISO-8859-1 proper they are invisible C1 controls.
const WINDOWS_1252_TEXT = bytes("<t>", [0x93], "Q3", [0x94], " ", [0x96], " ", [0x80], "5</t>");

describe("decodeFeed", () => {
  it.each(["windows-1252", "iso-8859-1", "latin1", "us-ascii", "ISO_8859-1"])("reads charset=%s as windows-1252, as browsers do", (label) => {
    expect(decodeFeed(WINDOWS_1252_TEXT, `application/rss+xml; charset=${label}`)).toBe("<t>\u201cQ3\u201d \u2013 \u20ac5</t>");
  });

  it("takes the encoding from the XML declaration when the header names none", () => {
    const feed = bytes('<?xml version="1.0" encoding="ISO-8859-1"?>', WINDOWS_1252_TEXT);
    expect(decodeFeed(feed, "text/xml")).toBe('<?xml version="1.0" encoding="ISO-8859-1"?><t>\u201cQ3\u201d \u2013 \u20ac5</t>');
  });

  it("lets the declaration win over a header that says UTF-8 when the bytes are not UTF-8", () => {
    const feed = bytes('<?xml version="1.0" encoding="windows-1252"?>', WINDOWS_1252_TEXT);
    expect(decodeFeed(feed, "text/xml; charset=UTF-8")).toContain("\u201cQ3\u201d");
  });

  it("keeps the header's UTF-8 when the bytes are valid UTF-8, whatever the declaration says", () => {
    const feed = Buffer.from('<?xml version="1.0" encoding="windows-1252"?><t>\u201cQ3\u201d</t>', "utf8");
    expect(decodeFeed(feed, "text/xml; charset=utf-8")).toBe('<?xml version="1.0" encoding="windows-1252"?><t>\u201cQ3\u201d</t>');
  });

  it("obeys a byte-order mark over every label, and drops the mark", () => {
    expect(decodeFeed(bytes([0xef, 0xbb, 0xbf], Buffer.from("<t>é</t>", "utf8").toString("latin1")), "text/xml; charset=iso-8859-1")).toBe("<t>é</t>");
    expect(decodeFeed(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<t>é</t>", "utf16le")]), null)).toBe("<t>é</t>");
    const be = Buffer.from("<t>é</t>", "utf16le").swap16();
    expect(decodeFeed(Buffer.concat([Buffer.from([0xfe, 0xff]), be]), null)).toBe("<t>é</t>");
  });

  it("decodes a legacy charset iconv-lite knows (Shift_JIS)", () => {
    // 0x93 0xfa 0x96 0x7b is 日本 in Shift_JIS.
    expect(decodeFeed(bytes("<t>", [0x93, 0xfa, 0x96, 0x7b], "</t>"), "text/xml; charset=Shift_JIS")).toBe("<t>日本</t>");
  });

  it("reads an unknown label as UTF-8 and a stray invalid byte as U+FFFD rather than failing", () => {
    expect(decodeFeed(Buffer.from("<t>é</t>", "utf8"), "text/xml; charset=x-nobody-knows")).toBe("<t>é</t>");
    expect(decodeFeed(bytes("<t>a", [0xff], "b</t>"), null)).toBe("<t>a\ufffdb</t>");
  });
});
