import { InitialSchema1763935200000 } from "./1763935200000-InitialSchema.js";
import { KillSwitchPeakEquity1763942400000 } from "./1763942400000-KillSwitchPeakEquity.js";
import { OrderRefusals1764000000000 } from "./1764000000000-OrderRefusals.js";
import { ExactFillAmounts1764100000000 } from "./1764100000000-ExactFillAmounts.js";
import { OverrideCodeGuard1764200000000 } from "./1764200000000-OverrideCodeGuard.js";
import { DeskHealth1764300000000 } from "./1764300000000-DeskHealth.js";
import { MarketFeeds1764400000000 } from "./1764400000000-MarketFeeds.js";
import { PathToLive1764600000000 } from "./1764600000000-PathToLive.js";
import { PhaseLossTrigger1764650000000 } from "./1764650000000-PhaseLossTrigger.js";

/** Every migration, in order. An explicit list rather than a glob: what runs is what is reviewed. */
export const migrations = [InitialSchema1763935200000, KillSwitchPeakEquity1763942400000, OrderRefusals1764000000000, ExactFillAmounts1764100000000, OverrideCodeGuard1764200000000, DeskHealth1764300000000, MarketFeeds1764400000000, PathToLive1764600000000, PhaseLossTrigger1764650000000];
