/**
 * Company names that are also English words meet their common meaning in headlines every day.
 * For such a name (as the watchlist spells it, case-insensitively), the words around it that
 * mean "not the company": an idiom or place before it ("Big Apple", "Delphi's Oracle"), a
 * noun or phrase after it ("apple pie", "Amazon rainforest", "Meta-analysis", "Target
 * practice"), and the longer names of other listed issuers that begin with it ("Apple
 * Hospitality REIT" is APLE, "Target Hospitality" is TH). Phrases match whole words, in any
 * case; "after" phrases may follow a space or a hyphen.
 *
 * Kept as data so that a desk adding a name with a common meaning adds its contexts here, and
 * measured on test/fixtures/headlines/labelled-headlines.csv (`npm run bench:tagging`).
 */
export interface NameContexts {
  /** Words right before the name that make it the common word or another thing. */
  before?: readonly string[];
  /** Words right after the name that make it the common word. */
  after?: readonly string[];
  /** Continuations that make it the name of another issuer. */
  otherIssuers?: readonly string[];
}

export const NAME_CONTEXTS: Readonly<Record<string, NameContexts>> = {
  apple: {
    before: ["big", "adam's", "candy", "caramel", "crab", "toffee", "bad", "rotten", "baked", "green", "red", "golden delicious", "honeycrisp"],
    after: ["pie", "pies", "cider", "juice", "orchard", "orchards", "tree", "trees", "picking", "pickers", "sauce", "crumble", "strudel", "growers", "grower", "harvest", "harvests", "crop", "crops", "variety", "varieties", "blossom", "farmers", "of my eye", "of discord", "a day"],
    otherIssuers: ["Hospitality"],
  },
  oracle: {
    before: ["delphi's", "delphic", "the delphic", "price", "blockchain", "chainlink", "crypto", "data", "test", "bond"],
    after: ["at delphi", "bones", "bone", "problem"],
    otherIssuers: ["Financial Services"],
  },
  amazon: {
    before: ["brazilian", "peruvian", "colombian", "bolivian", "ecuadorian", "venezuelan", "lower", "upper"],
    after: ["rainforest", "rain forest", "river", "basin", "jungle", "forest", "deforestation", "region", "tribe", "tribes", "delta", "fires", "wildfires", "drought", "biome", "warrior", "warriors"],
  },
  target: {
    before: ["price", "profit", "inflation", "earnings", "sales", "revenue", "growth", "return", "margin", "emissions", "deficit", "fed's", "easy", "soft", "moving", "primary"],
    after: ["practice", "date", "dates", "audience", "audiences", "rate", "rates", "range", "zone", "fixation", "shooting"],
    otherIssuers: ["Hospitality"],
  },
  meta: {
    after: ["analysis", "analyses", "data", "study", "studies", "review", "narrative", "game", "commentary", "learning", "description"],
    otherIssuers: ["Materials"],
  },
  shell: {
    before: ["egg", "oyster", "turtle", "tortoise", "artillery", "empty", "hollow", "nut", "clam", "mortar"],
    after: ["shock", "shocked", "company", "companies", "corporation", "corporations", "firm", "firms", "entity", "entities", "game", "games", "out", "casing", "casings", "of its former self", "script"],
    otherIssuers: ["Midstream"],
  },
  ford: {
    before: ["harrison", "gerald", "tom", "betty", "whitney", "rob", "doug", "president"],
    after: ["foundation", "madox", "prefect"],
  },
  visa: {
    before: ["h-1b", "student", "tourist", "travel", "work", "golden", "transit", "investor", "entry", "exit", "immigrant", "schengen", "business", "spouse"],
    after: ["applications", "application", "applicants", "rules", "requirements", "holders", "holder", "waiver", "waivers", "ban", "bans", "policy", "policies", "program", "programme", "overstays", "restrictions", "interview", "interviews", "lottery", "sponsorship", "free", "on arrival", "fees", "cap", "backlog"],
  },
  tesla: {
    before: ["nikola"],
    after: ["coil", "coils", "valve"],
  },
  alphabet: {
    after: ["soup", "soups", "letters", "song", "blocks"],
  },
  intel: {
    before: ["military", "army", "defense", "defence", "battlefield", "secret", "open-source", "threat", "market", "russian", "ukrainian", "iranian"],
    after: ["officials", "agencies", "agency", "sources", "report", "reports", "assessment", "assessments", "chief", "chiefs", "community", "sharing", "failure", "briefing", "briefings", "operatives"],
  },
};
