import { describe, expect, it } from "vitest";
import { cleanText, cutText, cutToUnits } from "../../src/domain/text.js";

describe("cleanText", () => {
  it("removes NUL and lone surrogates, turns other controls into spaces, and trims", () => {
    expect(cleanText("feed\u0000glitch")).toBe("feedglitch");
    expect(cleanText(" a\u0007b\u001bc\u009f ")).toBe("a b c");
    expect(cleanText("x\uD83Dy")).toBe("xy");
    expect(cleanText("line one\nline two")).toBe("line one line two");
    expect(cleanText("line one\nline two", { keepNewlines: true })).toBe("line one\nline two");
  });

  it("cuts on grapheme boundaries and never splits an emoji", () => {
    const family = "👨‍👩‍👧";
    const text = "a".repeat(9) + family + "tail";
    const cut = cleanText(text, { maxChars: 10 });
    expect(cut).toBe("a".repeat(9) + "…");
    expect(cleanText("a".repeat(8) + family, { maxChars: 9 })).toBe("a".repeat(8) + family);
    expect(Buffer.from(cutText("🚀".repeat(600), 500), "utf8").toString("utf8")).toBe("🚀".repeat(499) + "…");
  });

  it("cuts to a UTF-16 budget for Telegram without splitting a pair", () => {
    const cut = cutToUnits("🚀".repeat(3000), 4096);
    expect(cut.length).toBeLessThanOrEqual(4096);
    expect(cut.endsWith("🚀…")).toBe(true);
    expect(cutToUnits("short", 4096)).toBe("short");
  });
});
