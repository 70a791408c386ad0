# syntax=docker/dockerfile:1
# Runsense images: one build of the workspace, one target per app. The build context is the repository root:
#   docker build --target cms -t runsense-cms .   the CMS (Payload in Next.js); also the job worker's image
#   docker build --target web -t runsense-web .   the public site (Next.js)
# docker-compose.yml at the root builds and runs both with the environment they need.
# On boot (NODE_ENV=production) the CMS runs pending migrations itself; with SEED_DEMO_CONTENT=true
# it then seeds the demo content (idempotent). The site reads the CMS over REST at CMS_URL at request
# time; the CMS is not needed to build it.
ARG NODE_IMAGE=node:20-bookworm-slim

# ---- dependencies: the whole workspace tree, from the lockfile -------------------------------
FROM ${NODE_IMAGE} AS deps
WORKDIR /app
ENV NEXT_TELEMETRY_DISABLED=1 \
    TURBO_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# The npm that wrote package-lock.json (packageManager in package.json).
RUN npm install -g npm@11.19.1 --no-audit --no-fund
COPY package.json package-lock.json ./
COPY apps/cms/package.json apps/cms/
COPY apps/web/package.json apps/web/
COPY packages/domain/package.json packages/domain/
COPY packages/next-server/package.json packages/next-server/
COPY packages/types/package.json packages/types/
COPY packages/verify-review/package.json packages/verify-review/
# patch-package applies these in npm ci's postinstall (fixes to installed packages, see README).
COPY patches ./patches
RUN npm ci --no-audit --no-fund

# ---- build: both apps (one stage, so building both images builds once) --------------------
FROM deps AS build
COPY . .
# turbo's strict env mode does not pass NEXT_TELEMETRY_DISABLED through to next build.
RUN npx --no-install next telemetry disable >/dev/null \
 && npx --no-install turbo run build --filter=@runsense/cms --filter=@runsense/web \
 && npm prune --omit=dev --no-audit --no-fund

# ---- runtime: what both images share ------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production \
    NEXT_TELEMETRY_DISABLED=1 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/packages ./packages
USER node

# ---- the CMS (and the worker: `node dist/worker.mjs` in this image) -------------------------
FROM runtime AS cms
ENV NODE_OPTIONS=--no-deprecation
# The app directory (with .next) belongs to node: the server writes its cache under .next.
COPY --from=build --chown=node:node /app/apps/cms ./apps/cms
WORKDIR /app/apps/cms
EXPOSE 3001
CMD ["node","server.mjs","-p","3001"]

# ---- the site ---------------------------------------------------------------------------------
FROM runtime AS web
COPY --from=build --chown=node:node /app/apps/web ./apps/web
WORKDIR /app/apps/web
EXPOSE 3000
CMD ["node","server.mjs","-p","3000"]
