import { describe, expect, it } from "vitest";
import { contentHash, normaliseTitle, normaliseUrl } from "../../src/domain/news.js";

describe("news content hash", () => {
  it("ignores case, spacing and Unicode width in titles", () => {
    expect(normaliseTitle("  NVIDIA  Beats\tEstimates ")).toBe("nvidia beats estimates");
    expect(normaliseTitle("ＮＶＩＤＩＡ")).toBe("nvidia");
  });

  it("ignores fragments, tracking parameters, parameter order and a trailing slash in URLs", () => {
    expect(normaliseUrl("https://News.Example.com/a/b/?utm_source=x&b=2&a=1#top")).toBe("https://news.example.com/a/b?a=1&b=2");
    expect(normaliseUrl("not a url ")).toBe("not a url");
  });

  it("gives the same article reached two ways one hash, and different articles different ones", () => {
    const a = contentHash("Nvidia beats estimates", "https://news.example.com/nvda?utm_campaign=rss");
    const b = contentHash("NVIDIA  beats estimates", "https://NEWS.example.com/nvda/#comments");
    const c = contentHash("Nvidia misses estimates", "https://news.example.com/nvda");
    expect(a).toMatch(/^[0-9a-f]{64}$/);
    expect(a).toBe(b);
    expect(c).not.toBe(a);
  });
});
