import { describe, expect, it } from "vitest";
import { ConfigError, loadConfig } from "../../src/config/load.js";
import { explainTags, parseWatchlist, tagCategories, tagTickers, WatchlistError } from "../../src/domain/news-tagging.js";

const watchlist = parseWatchlist(["NVDA:Nvidia|NVIDIA Corp", "ORCL:Oracle", "AAPL", "AI:C3.ai", "F:Ford Motor|Ford", "BRK.B:Berkshire Hathaway"]);

describe("tagTickers: cashtags", () => {
  it.each([
    ["$NVDA jumps after earnings", ["NVDA"]],
    ["Buffett adds to $BRK.B; $RDS-A slides", ["BRK.B", "RDS-A"]],
    ["lower-case cashtags count too: $tsla, $brk.b", ["BRK.B", "TSLA"]],
    ["Possessive and punctuation: ($MSFT), $AMZN's cloud, \"$GOOG\", $META.", ["AMZN", "GOOG", "META", "MSFT"]],
    ["A cashtag ends at a dash: $NVDA-related names", ["NVDA"]],
    ["Twice $AMD and $AMD again", ["AMD"]],
  ])("%s", (text, expected) => {
    expect(tagTickers(text, [])).toEqual(expected);
  });

  it.each([
    "Stock rose $5 to $100M in revenue and $2.5B next year",
    "A $5M round, a $1bn deal, US$300",
    "Mixed case is a word, not a ticker: $Million, $Dollar",
    "Glued to a word: abc$NVDA, $$NVDA",
    "Too long to be a ticker: $ABCDEFGH",
    "A lone $ sign, $ NVDA with a space",
  ])("no false positive: %s", (text) => {
    expect(tagTickers(text, [])).toEqual([]);
  });
});

describe("tagTickers: watchlist", () => {
  it("finds watchlist tickers as case-sensitive whole words", () => {
    expect(tagTickers("NVDA and AAPL lead the Nasdaq", watchlist)).toEqual(["AAPL", "NVDA"]);
    expect(tagTickers("nvda, Aapl and aapl are not tickers", watchlist)).toEqual([]);
    expect(tagTickers("NVDAX and XNVDA and AAPL2 are other words", watchlist)).toEqual([]);
    expect(tagTickers("Reuters writes NVDA.O; (AAPL) closed up", watchlist)).toEqual(["AAPL", "NVDA"]);
  });

  it("finds company names written as proper nouns, as whole words, longest name first", () => {
    expect(tagTickers("Nvidia beats estimates as Oracle cloud grows", watchlist)).toEqual(["NVDA", "ORCL"]);
    expect(tagTickers("NVIDIA CORP SAYS", watchlist)).toEqual(["NVDA"]);
    // Was tagged before: a name in lower case is the common word ("apple pie", "Delphi's oracle").
    expect(tagTickers("Nvidia’s guidance and Oracle's backlog; nvidia’s and oracle's are words", watchlist)).toEqual(["NVDA", "ORCL"]);
    expect(tagTickers("nvidia’s guidance and the oracle's backlog", watchlist)).toEqual([]);
    expect(tagTickers("Berkshire\n Hathaway buys more", watchlist)).toEqual(["BRK.B"]);
    expect(tagTickers("Oracles and NvidiaX and Fordham University are other words", watchlist)).toEqual([]);
  });

  it("finds a name in a script without spaces inside the running text", () => {
    const japanese = parseWatchlist(["TM:トヨタ自動車|トヨタ", "SONY:ソニー|Sony"]);
    expect(tagTickers("トヨタ自動車は増益、ソニーグループも上方修正", japanese)).toEqual(["SONY", "TM"]);
    expect(tagTickers("Sonyfication is a word; Sony is the company", japanese)).toEqual(["SONY"]);
    // Only a ticker that is one: a Tokyo code such as 7203 is not accepted as a ticker.
    expect(() => parseWatchlist(["7203:トヨタ"])).toThrow(WatchlistError);
  });

  it("does not read ordinary words as tickers", () => {
    // "AI" the ticker is upper-case only; "ai", "Ai" and words containing it are not it.
    expect(tagTickers("The ai boom: Ai chips, AIG and said", watchlist)).toEqual([]);
    expect(tagTickers("AI spending rises", watchlist)).toEqual(["AI"]);
    expect(tagTickers("C3.ai reports", watchlist)).toEqual(["AI"]);
    // A one-letter ticker is found by name or cashtag, never as the bare word.
    expect(tagTickers("A bank and F grades", watchlist)).toEqual([]);
    expect(tagTickers("Ford recalls trucks; $F falls", watchlist)).toEqual(["F"]);
  });

  it("merges cashtags and watchlist hits, upper-case, sorted, de-duplicated", () => {
    expect(tagTickers("$nvda: Nvidia (NVDA) vs $ORCL and Oracle", watchlist)).toEqual(["NVDA", "ORCL"]);
  });

  it("returns nothing for empty text or an empty watchlist", () => {
    expect(tagTickers("", watchlist)).toEqual([]);
    expect(tagTickers("Nvidia NVDA", [])).toEqual([]);
  });
});

describe("tagTickers: names that are also words (issue 12)", () => {
  const desk = parseWatchlist(["AAPL:Apple|Apple Inc", "ORCL:Oracle", "AMZN:Amazon", "TGT:Target", "META:Meta|Meta Platforms", "SHEL:Shell", "APLE", "NVDA:Nvidia"]);
  const verdicts = (text: string) => explainTags(text, desk).names.map((n) => `${n.text}:${n.verdict}`);

  it.each([
    ["apple pie prices soar", "apple:lower-case"],
    ["Apple pie sales soar ahead of Thanksgiving", "Apple:idiom"],
    ["Hedge funds flee the Big Apple for Florida", "Apple:idiom"],
    ["Apple Hospitality REIT reports RevPAR growth", "Apple:other-issuer"],
    ["Apple Hospitality REIT (APLE) raises its dividend", "Apple:other-issuer"],
    ["Oracle of Omaha trims bank holdings", "Oracle:epithet"],
    ["Markets await the Fed like Delphi's oracle", "oracle:lower-case"],
    ["Traders treat Powell as Delphi's Oracle", "Oracle:idiom"],
    ["Amazon rainforest deforestation falls", "Amazon:idiom"],
    ["Target practice: bond vigilantes take aim", "Target:idiom"],
    ["Morgan Stanley Lifts Price Target On Chipmakers", "Target:idiom"],
    ["Meta-analysis finds GLP-1 drugs cut heart risk", "Meta:idiom"],
    ["Shell shock: investors reel from bond rout", "Shell:idiom"],
    ["Cambricon, the Nvidia of China, doubles revenue", "Nvidia:epithet"],
    ["The next Apple? Investors bet on a startup", "Apple:epithet"],
  ])("not the company: %s", (text, verdict) => {
    expect(verdicts(text)).toEqual([verdict]);
    expect(tagTickers(text, desk).filter((t) => t !== "APLE")).toEqual([]);
  });

  it.each([
    ["Apple shares fall as iPhone sales slow", ["AAPL"]],
    ["Oracle's cloud revenue jumps 50%", ["ORCL"]],
    ["APPLE SUPPLIER POSTS RECORD REVENUE", ["AAPL"]],
    ["Apple Inc. (AAPL) to report earnings", ["AAPL"]],
    ["Oracle Corp. (NYSE: ORCL) declares dividend", ["ORCL"]],
    ["Apple Teams With Broadcom (AVGO) On Modem Chip", ["AAPL"]],
    ["Oracle Buys Cerner Corp In $28 Billion Deal", ["ORCL"]],
    ["Meta Platforms Inc Sets Record Capex Plan", ["META"]],
    ["Apple Hospitality REIT (APLE) and Apple (AAPL) both rise", ["AAPL", "APLE"]],
    ["Oracle's Ellison passes Buffett, the Oracle of Omaha", ["ORCL"]],
    ["Target lowers prices as price target cuts pile up", ["TGT"]],
    ["$AAPL and AAPL stand whatever the words around them: apple pie", ["AAPL"]],
  ])("the company: %s", (text, expected) => {
    expect(tagTickers(text, desk)).toEqual(expected);
  });

  it("accepts a lower-case name when the watchlist spells it that way", () => {
    const list = parseWatchlist(["EBAY:eBay", "NVDA:nvidia"]);
    expect(tagTickers("eBay and nvidia report", list)).toEqual(["EBAY", "NVDA"]);
    expect(tagTickers("ebay reports", list)).toEqual([]);
  });
});

describe("tagCategories", () => {
  it("takes categories that unmistakably name a ticker, not topics", () => {
    expect(tagCategories(["NASDAQ:NVDA", "NYSE: orcl", "$TSLA", "AAPL", "Nvidia", "IPO", "AI", "Tech", "aapl"], watchlist)).toEqual([
      "AAPL",
      "AI",
      "NVDA",
      "ORCL",
      "TSLA",
    ]);
    expect(tagCategories(["IPO", "CEO", "Markets"], [])).toEqual([]);
  });
});

describe("parseWatchlist", () => {
  it("parses bare tickers and names after ':' or '=', merging repeated tickers", () => {
    expect(parseWatchlist(["aapl", " NVDA = Nvidia | NVIDIA  Corp ", "ORCL:Oracle", "NVDA:nvidia|Team Green", "", "MSFT:"])).toEqual([
      { ticker: "AAPL", names: [] },
      { ticker: "NVDA", names: ["Nvidia", "NVIDIA Corp", "Team Green"] },
      { ticker: "ORCL", names: ["Oracle"] },
      { ticker: "MSFT", names: [] },
    ]);
  });

  it("rejects what is not a ticker or a name", () => {
    expect(() => parseWatchlist(["NV DA:Nvidia"])).toThrow(WatchlistError);
    expect(() => parseWatchlist(["1BAD"])).toThrow(/"1BAD" is not a ticker/);
    expect(() => parseWatchlist(["NVDA:..."])).toThrow(/"..." is not a name/);
  });
});

describe("WATCHLIST_NAMES", () => {
  it("is read next to WATCHLIST, which stays a plain ticker list", () => {
    const config = loadConfig({ WATCHLIST: "nvda,AAPL", WATCHLIST_NAMES: "NVDA=Nvidia|NVIDIA Corp; orcl=Oracle" });
    expect(config.news.watchlist).toEqual(["NVDA", "AAPL"]);
    expect(config.news.watchlistNames).toEqual(["NVDA:Nvidia|NVIDIA Corp", "ORCL:Oracle"]);
    expect(parseWatchlist([...config.news.watchlist, ...config.news.watchlistNames])).toEqual([
      { ticker: "NVDA", names: ["Nvidia", "NVIDIA Corp"] },
      { ticker: "AAPL", names: [] },
      { ticker: "ORCL", names: ["Oracle"] },
    ]);
    expect(loadConfig({}).news.watchlistNames).toEqual([]);
  });

  it("names the variable when an entry is wrong", () => {
    let error: unknown;
    try {
      loadConfig({ WATCHLIST_NAMES: "NVDA=Nvidia;NV DA=Oops" });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as ConfigError).issues.map((i) => i.variable)).toEqual(["WATCHLIST_NAMES"]);
    expect((error as ConfigError).message).toMatch(/WATCHLIST_NAMES: expected TICKER=Name\|Alias entries.*"NV DA" is not a ticker/);
  });
});
