import { describe, expect, it } from "vitest";
import { htmlToText } from "../../src/adapters/news/html-text.js";

describe("htmlToText", () => {
  it("decodes every HTML entity: named (HTML5), decimal and hex", () => {
    expect(htmlToText("Q3 &#8211; beats&hellip; &rsquo;26 at 5&deg; &#x20AC;1 AT&amp;T")).toBe("Q3 \u2013 beats\u2026 \u201926 at 5\u00b0 \u20ac1 AT&T");
  });

  it("drops inline tags without a trace and turns block tags into a space", () => {
    expect(htmlToText("<p>Nvi<b>dia</b> up</p><p>Oracle<br/>down</p>")).toBe("Nvidia up Oracle down");
  });

  it("removes tags before decoding, so an escaped tag stays the text it was", () => {
    expect(htmlToText("&lt;b&gt;not bold&lt;/b&gt;")).toBe("<b>not bold</b>");
  });

  it("leaves a lone '<' that starts no tag and drops comments and scripts", () => {
    expect(htmlToText("S&P < 5000<!-- x --><script>alert(1)</script> today")).toBe("S&P < 5000 today");
  });

  it("makes any whitespace, no-break spaces included, one space", () => {
    expect(htmlToText("  a&nbsp;&nbsp;b\n\tc  ")).toBe("a b c");
  });
});
