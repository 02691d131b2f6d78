import type { MigrationInterface, QueryRunner } from "typeorm";

/**
 * The whole data model of DESIGN.md section 6. Money and prices are NUMERIC (prices to 6
 * places as the data sources quote them, cash and P&L to 4); quantities are whole shares.
 * Fixed value sets are CHECK constraints so that a bad write fails in the database too.
 */
export class InitialSchema1763935200000 implements MigrationInterface {
  name = "InitialSchema1763935200000";

  async up(q: QueryRunner): Promise<void> {
    await q.query(`
      CREATE TABLE operators (
        telegram_user_id bigint PRIMARY KEY CHECK (telegram_user_id > 0),
        display_name text NOT NULL DEFAULT '',
        role text NOT NULL CHECK (role IN ('viewer', 'trader', 'admin')),
        active boolean NOT NULL DEFAULT true,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);

    await q.query(`
      CREATE TABLE accounts (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        name text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 64),
        mode text NOT NULL CHECK (mode IN ('shadow', 'live')),
        broker text NOT NULL CHECK (broker IN ('paper', 'kis')),
        phase text NOT NULL CHECK (phase IN ('shadow', 'live-prep', 'micro', 'small')),
        currency text NOT NULL DEFAULT 'USD' CHECK (currency ~ '^[A-Z]{3}$'),
        starting_capital numeric(20,4) NOT NULL CHECK (starting_capital >= 0),
        cash numeric(20,4) NOT NULL CHECK (cash >= 0),
        phase_started_at timestamptz NOT NULL DEFAULT now(),
        -- equity when the current phase began: the phase loss limit (micro: $10) counts from here
        phase_start_equity numeric(20,4) NOT NULL CHECK (phase_start_equity >= 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        -- paper money never reaches a real broker, and real money never goes through the paper one
        CONSTRAINT accounts_mode_broker CHECK ((mode = 'shadow' AND broker = 'paper') OR (mode = 'live' AND broker = 'kis'))
      )`);

    await q.query(`
      CREATE TABLE kill_switch_states (
        account_id uuid PRIMARY KEY REFERENCES accounts(id) ON DELETE CASCADE,
        -- a new account starts halted: trading is armed by a deliberate act, never by default
        state text NOT NULL DEFAULT 'HALTED' CHECK (state IN ('ACTIVE', 'HALTED')),
        trigger text CHECK (trigger IN ('daily_loss', 'max_drawdown', 'api_error', 'position_concentration', 'stale_data', 'manual', 'daily_trade_limit')),
        reason text NOT NULL DEFAULT 'new account: not yet armed',
        details jsonb NOT NULL DEFAULT '{}',
        actor text NOT NULL DEFAULT 'system',
        changed_at timestamptz NOT NULL DEFAULT now(),
        consecutive_api_errors integer NOT NULL DEFAULT 0 CHECK (consecutive_api_errors >= 0),
        failed_resume_attempts integer NOT NULL DEFAULT 0 CHECK (failed_resume_attempts >= 0),
        resume_locked_until timestamptz,
        suppressed_triggers jsonb NOT NULL DEFAULT '{}',
        last_readings jsonb NOT NULL DEFAULT '{}',
        last_checked_at timestamptz
      )`);

    await q.query(`
      CREATE TABLE kill_switch_events (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        event text NOT NULL CHECK (event IN ('halted', 'resumed', 'trigger_fired', 'trigger_acknowledged', 'resume_refused', 'resume_locked')),
        from_state text CHECK (from_state IN ('ACTIVE', 'HALTED')),
        to_state text CHECK (to_state IN ('ACTIVE', 'HALTED')),
        trigger text CHECK (trigger IN ('daily_loss', 'max_drawdown', 'api_error', 'position_concentration', 'stale_data', 'manual', 'daily_trade_limit')),
        reason text NOT NULL DEFAULT '',
        details jsonb NOT NULL DEFAULT '{}',
        actor text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX kill_switch_events_account_recent ON kill_switch_events (account_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE positions (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        quantity integer NOT NULL CHECK (quantity >= 0),
        -- total cost of the shares held, buy commissions included; the average price is derived
        -- from it, so partial sells never accumulate rounding in a stored average
        cost_basis numeric(20,4) NOT NULL DEFAULT 0 CHECK (cost_basis >= 0),
        realized_pnl numeric(20,4) NOT NULL DEFAULT 0,
        stop_price numeric(20,6) CHECK (stop_price > 0),
        opened_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, ticker)
      )`);

    await q.query(`
      CREATE TABLE warroom_sessions (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        requested_by text NOT NULL,
        decision text NOT NULL CHECK (decision IN ('BUY', 'SELL', 'HOLD')),
        confidence numeric(5,4) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        quantity integer CHECK (quantity > 0),
        stop_price numeric(20,6) CHECK (stop_price > 0),
        vetoed boolean NOT NULL DEFAULT false,
        rationale text NOT NULL DEFAULT '',
        duration_ms integer NOT NULL CHECK (duration_ms >= 0),
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX warroom_sessions_ticker_recent ON warroom_sessions (ticker, created_at DESC)`);

    await q.query(`
      CREATE TABLE agent_votes (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        session_id uuid NOT NULL REFERENCES warroom_sessions(id) ON DELETE CASCADE,
        agent text NOT NULL,
        vote text NOT NULL CHECK (vote IN ('BUY', 'SELL', 'HOLD', 'ABSTAIN')),
        confidence numeric(5,4) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        weight numeric(8,4) NOT NULL DEFAULT 1 CHECK (weight >= 0),
        veto boolean NOT NULL DEFAULT false,
        rationale text NOT NULL DEFAULT '',
        details jsonb NOT NULL DEFAULT '{}',
        latency_ms integer NOT NULL DEFAULT 0 CHECK (latency_ms >= 0),
        scored_at timestamptz,
        realized_move_pct numeric(12,6),
        correct boolean,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX agent_votes_session ON agent_votes (session_id)`);
    await q.query(`CREATE INDEX agent_votes_agent_recent ON agent_votes (agent, created_at DESC)`);
    await q.query(`CREATE INDEX agent_votes_unscored ON agent_votes (created_at) WHERE scored_at IS NULL`);

    await q.query(`
      CREATE TABLE proposals (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 128),
        source text NOT NULL CHECK (source IN ('operator', 'warroom', 'stop-loss', 'replay')),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        quantity integer NOT NULL CHECK (quantity > 0),
        order_type text NOT NULL CHECK (order_type IN ('market', 'limit')),
        limit_price numeric(20,6) CHECK (limit_price > 0),
        stop_price numeric(20,6) CHECK (stop_price > 0),
        rationale text NOT NULL DEFAULT '',
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'executed', 'failed', 'rejected_by_risk', 'denied', 'expired', 'cancelled')),
        requested_by text NOT NULL,
        decided_by text,
        decided_at timestamptz,
        decision_reason text,
        expires_at timestamptz NOT NULL,
        warroom_session_id uuid REFERENCES warroom_sessions(id) ON DELETE SET NULL,
        messages jsonb NOT NULL DEFAULT '[]',
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, idempotency_key),
        CONSTRAINT proposals_limit_price CHECK ((order_type = 'limit') = (limit_price IS NOT NULL))
      )`);
    await q.query(`CREATE INDEX proposals_pending_expiry ON proposals (expires_at) WHERE status = 'pending'`);
    await q.query(`CREATE INDEX proposals_account_recent ON proposals (account_id, created_at DESC)`);

    await q.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        proposal_id uuid UNIQUE REFERENCES proposals(id) ON DELETE SET NULL,
        idempotency_key text NOT NULL CHECK (length(idempotency_key) BETWEEN 1 AND 128),
        source text NOT NULL CHECK (source IN ('operator', 'warroom', 'stop-loss', 'replay')),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        quantity integer NOT NULL CHECK (quantity > 0),
        order_type text NOT NULL CHECK (order_type IN ('market', 'limit')),
        limit_price numeric(20,6) CHECK (limit_price > 0),
        stop_price numeric(20,6) CHECK (stop_price > 0),
        status text NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'submitted', 'partially_filled', 'filled', 'cancelled', 'rejected', 'failed', 'unknown')),
        status_reason text,
        broker_order_id text,
        filled_quantity integer NOT NULL DEFAULT 0,
        average_fill_price numeric(20,6) CHECK (average_fill_price > 0),
        requested_by text NOT NULL,
        trading_day date NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (account_id, idempotency_key),
        CONSTRAINT orders_limit_price CHECK ((order_type = 'limit') = (limit_price IS NOT NULL)),
        CONSTRAINT orders_filled_quantity CHECK (filled_quantity BETWEEN 0 AND quantity)
      )`);
    await q.query(`CREATE INDEX orders_account_day ON orders (account_id, trading_day)`);
    await q.query(`CREATE INDEX orders_open ON orders (account_id, status) WHERE status IN ('new', 'submitted', 'partially_filled', 'unknown')`);

    await q.query(`
      CREATE TABLE fills (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        side text NOT NULL CHECK (side IN ('BUY', 'SELL')),
        quantity integer NOT NULL CHECK (quantity > 0),
        price numeric(20,6) NOT NULL CHECK (price > 0),
        commission numeric(20,4) NOT NULL DEFAULT 0 CHECK (commission >= 0),
        realized_pnl numeric(20,4),
        broker_fill_id text,
        filled_at timestamptz NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (order_id, broker_fill_id)
      )`);
    await q.query(`CREATE INDEX fills_order ON fills (order_id)`);
    await q.query(`CREATE INDEX fills_account_recent ON fills (account_id, filled_at DESC)`);

    await q.query(`
      CREATE TABLE equity_snapshots (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        account_id uuid NOT NULL REFERENCES accounts(id) ON DELETE CASCADE,
        kind text NOT NULL CHECK (kind IN ('start_of_day', 'end_of_day', 'intraday')),
        trading_day date NOT NULL,
        equity numeric(20,4) NOT NULL,
        cash numeric(20,4) NOT NULL,
        positions_value numeric(20,4) NOT NULL,
        taken_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX equity_snapshots_account_recent ON equity_snapshots (account_id, taken_at DESC)`);
    // one start-of-day and one end-of-day mark per account and trading day
    await q.query(`CREATE UNIQUE INDEX equity_snapshots_daily ON equity_snapshots (account_id, trading_day, kind) WHERE kind <> 'intraday'`);

    await q.query(`
      CREATE TABLE stock_prices (
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        time timestamptz NOT NULL,
        open numeric(20,6) NOT NULL CHECK (open > 0),
        high numeric(20,6) NOT NULL CHECK (high > 0),
        low numeric(20,6) NOT NULL CHECK (low > 0),
        close numeric(20,6) NOT NULL CHECK (close > 0),
        adj_close numeric(20,6),
        volume bigint NOT NULL DEFAULT 0 CHECK (volume >= 0),
        source text NOT NULL DEFAULT 'import',
        -- The primary key's B-tree is the "latest prices (ticker, time DESC)" index: PostgreSQL
        -- scans it backward for ORDER BY time DESC at the same cost, and a second, mirrored
        -- index would only double the write cost of every price batch.
        PRIMARY KEY (ticker, time),
        CONSTRAINT stock_prices_range CHECK (low <= high AND low <= open AND open <= high AND low <= close AND close <= high)
      )`);

    await q.query(`
      CREATE TABLE news_articles (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        -- "C" collation: a hex key needs byte order, not the locale's (much slower) rules
        content_hash text COLLATE "C" NOT NULL UNIQUE CHECK (content_hash ~ '^[0-9a-f]{64}$'),
        title text NOT NULL,
        url text NOT NULL,
        source text NOT NULL DEFAULT '',
        summary text,
        tickers text[] NOT NULL DEFAULT '{}',
        published_at timestamptz NOT NULL,
        fetched_at timestamptz NOT NULL DEFAULT now(),
        processed_at timestamptz,
        sentiment numeric(6,4) CHECK (sentiment BETWEEN -1 AND 1)
      )`);
    await q.query(`CREATE INDEX news_articles_processed ON news_articles (processed_at DESC) WHERE processed_at IS NOT NULL`);
    // Ticker join table instead of a GIN index on news_articles.tickers: a GIN index can find a
    // ticker's articles but not in date order, so "latest 20 for NVDA" would fetch and sort
    // every NVDA article; this B-tree returns the 20 newest directly.
    //
    // Its one index is also its key: (ticker, article_id) is unique within it, because
    // published_at is the article's own. There is no foreign key on purpose: tag rows are only
    // written by the statement that inserts their article (from its RETURNING), the read path
    // joins to news_articles (an orphan would simply not show), and the per-row FK check cost
    // about a third of ingest throughput (bench/db.ts). Whatever deletes articles must delete
    // their tags in the same statement.
    await q.query(`
      CREATE TABLE news_article_tickers (
        article_id bigint NOT NULL,
        ticker text COLLATE "C" NOT NULL,
        published_at timestamptz NOT NULL
      )`);
    await q.query(`CREATE UNIQUE INDEX news_article_tickers_recent ON news_article_tickers (ticker, published_at DESC, article_id DESC)`);

    await q.query(`
      CREATE TABLE trading_signals (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        ticker text NOT NULL CHECK (ticker ~ '^[A-Z][A-Z0-9.-]{0,9}$'),
        signal text NOT NULL CHECK (signal IN ('BUY', 'SELL', 'HOLD')),
        confidence numeric(5,4) NOT NULL CHECK (confidence BETWEEN 0 AND 1),
        source text NOT NULL,
        rationale text NOT NULL DEFAULT '',
        price numeric(20,6) CHECK (price > 0),
        alert_sent boolean NOT NULL DEFAULT false,
        warroom_session_id uuid REFERENCES warroom_sessions(id) ON DELETE SET NULL,
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX trading_signals_ticker_recent ON trading_signals (ticker, created_at DESC)`);
    await q.query(`CREATE INDEX trading_signals_pending_alerts ON trading_signals (ticker, confidence) WHERE alert_sent = false`);

    await q.query(`
      CREATE TABLE audit_log (
        id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        actor text NOT NULL,
        action text NOT NULL,
        account_id uuid REFERENCES accounts(id) ON DELETE SET NULL,
        subject text,
        details jsonb NOT NULL DEFAULT '{}',
        created_at timestamptz NOT NULL DEFAULT now()
      )`);
    await q.query(`CREATE INDEX audit_log_recent ON audit_log (created_at DESC)`);
    await q.query(`CREATE INDEX audit_log_actor_recent ON audit_log (actor, created_at DESC)`);
  }

  async down(q: QueryRunner): Promise<void> {
    for (const table of [
      "audit_log",
      "trading_signals",
      "news_article_tickers",
      "news_articles",
      "stock_prices",
      "equity_snapshots",
      "fills",
      "orders",
      "proposals",
      "agent_votes",
      "warroom_sessions",
      "positions",
      "kill_switch_events",
      "kill_switch_states",
      "accounts",
      "operators",
    ]) {
      await q.query(`DROP TABLE ${table}`);
    }
  }
}
