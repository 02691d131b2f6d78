import { describe, expect, it } from "vitest";
import { esc, splitMessage } from "../../src/adapters/telegram/render/html.js";

describe("esc", () => {
  it("escapes the four characters Telegram's HTML reads", () => {
    expect(esc(`a<b>&"c"`)).toBe("a&lt;b&gt;&amp;&quot;c&quot;");
  });
});

describe("splitMessage", () => {
  it("keeps a message within the limit whole", () => {
    expect(splitMessage("<b>short</b>", 20)).toEqual(["<b>short</b>"]);
  });

  it("cuts between lines when it can", () => {
    // "aaaa\nbbbb" is 9 > 8; each line alone is 4.
    expect(splitMessage("aaaa\nbbbb", 8)).toEqual(["aaaa", "bbbb"]);
  });

  it("cuts an over-long line as text: tags dropped, entities decoded and escaped again", () => {
    // The line's text is "x<y–z…w" (7 characters). Escaped again: x &lt; y – z … w = 1+4+1+1+1+1+1 = 10
    // units; with a limit of 6 the first part takes "x&lt;y" (6), the rest "–z…w" (4).
    const line = "<b>x&lt;y</b>&#8211;z&#x2026;w";
    expect(splitMessage(line, 6)).toEqual(["x&lt;y", "–z…w"]);
  });

  it("decodes named entities too, and only those closed by ';' as Telegram does", () => {
    // "&hellip;" is the ellipsis; "&amp;copy" is the text "&copy", which must stay that text.
    // Text "…&copy" is 6 characters, escaped again 1 + 5 + 4 = 10 units: with a limit of 5, "…" then
    // "&amp;" (5) then "copy" (4).
    expect(splitMessage("<i>&hellip;&amp;copy</i>", 5)).toEqual(["…", "&amp;", "copy"]);
  });
});
