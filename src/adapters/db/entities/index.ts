import { AccountEntity } from "./account.entity.js";
import { AgentVoteEntity } from "./agent-vote.entity.js";
import { AuditLogEntity } from "./audit-log.entity.js";
import { EquitySnapshotEntity } from "./equity-snapshot.entity.js";
import { FillEntity } from "./fill.entity.js";
import { KillSwitchEventEntity } from "./kill-switch-event.entity.js";
import { KillSwitchStateEntity } from "./kill-switch-state.entity.js";
import { NewsArticleTickerEntity } from "./news-article-ticker.entity.js";
import { NewsArticleEntity } from "./news-article.entity.js";
import { OperatorEntity } from "./operator.entity.js";
import { OrderEntity } from "./order.entity.js";
import { PositionEntity } from "./position.entity.js";
import { ProposalEntity } from "./proposal.entity.js";
import { StockPriceEntity } from "./stock-price.entity.js";
import { TradingSignalEntity } from "./trading-signal.entity.js";
import { WarroomSessionEntity } from "./warroom-session.entity.js";

/** Every entity the DataSource maps (the schema itself comes from migrations/). */
export const entities = [
  AccountEntity,
  AgentVoteEntity,
  AuditLogEntity,
  EquitySnapshotEntity,
  FillEntity,
  KillSwitchEventEntity,
  KillSwitchStateEntity,
  NewsArticleEntity,
  NewsArticleTickerEntity,
  OperatorEntity,
  OrderEntity,
  PositionEntity,
  ProposalEntity,
  StockPriceEntity,
  TradingSignalEntity,
  WarroomSessionEntity,
];
