import { AccountEntity } from "./account.entity.js";
import { AgentVoteEntity } from "./agent-vote.entity.js";
import { AuditLogEntity } from "./audit-log.entity.js";
import { DeskConditionEntity } from "./desk-condition.entity.js";
import { DeskProbeEntity } from "./desk-probe.entity.js";
import { EquitySnapshotEntity } from "./equity-snapshot.entity.js";
import { FillEntity } from "./fill.entity.js";
import { JobHeartbeatEntity } from "./job-heartbeat.entity.js";
import { KillSwitchEventEntity } from "./kill-switch-event.entity.js";
import { KillSwitchStateEntity } from "./kill-switch-state.entity.js";
import { LivePrepEvidenceEntity } from "./live-prep-evidence.entity.js";
import { MarketFeedEntity } from "./market-feed.entity.js";
import { MirrorLegEntity } from "./mirror-leg.entity.js";
import { MirroredDecisionEntity } from "./mirrored-decision.entity.js";
import { NewsArticleEntity } from "./news-article.entity.js";
import { NewsArticleTickerEntity } from "./news-article-ticker.entity.js";
import { OperatorEntity } from "./operator.entity.js";
import { OrderEntity } from "./order.entity.js";
import { OrderRefusalEntity } from "./order-refusal.entity.js";
import { OverrideCodeGuardEntity } from "./override-code-guard.entity.js";
import { PhasePromotionEntity } from "./phase-promotion.entity.js";
import { PositionEntity } from "./position.entity.js";
import { ProposalEntity } from "./proposal.entity.js";
import { StockPriceEntity } from "./stock-price.entity.js";
import { TradingSignalEntity } from "./trading-signal.entity.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

/** Every table the migrations create, one entity each (test/integration/schema-drift.test.ts holds them to it). */
export const entities = [
  AccountEntity,
  AgentVoteEntity,
  AuditLogEntity,
  DeskConditionEntity,
  DeskProbeEntity,
  EquitySnapshotEntity,
  FillEntity,
  JobHeartbeatEntity,
  KillSwitchEventEntity,
  KillSwitchStateEntity,
  LivePrepEvidenceEntity,
  MarketFeedEntity,
  MirrorLegEntity,
  MirroredDecisionEntity,
  NewsArticleEntity,
  NewsArticleTickerEntity,
  OperatorEntity,
  OrderEntity,
  OrderRefusalEntity,
  OverrideCodeGuardEntity,
  PhasePromotionEntity,
  PositionEntity,
  ProposalEntity,
  StockPriceEntity,
  TradingSignalEntity,
  WarroomSessionEntity,
];
