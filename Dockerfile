# tsflow: the API (`tsflow server`) and training workers (`tsflow worker`) from one image.
FROM node:20-bookworm-slim AS build
WORKDIR /app
# better-sqlite3 compiles from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY scripts ./scripts
COPY bench ./bench
COPY web ./web
# The web UI (web/ → dist/web-ui) is built here too: the server serves it at /.
RUN npx tsc -p tsconfig.build.json && npm run build:web && npm prune --omit=dev

FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    MLFLOW_BACKEND_STORE_URI=sqlite:////var/lib/tsflow/tsflow.db \
    MLFLOW_ARTIFACTS_DESTINATION=/var/lib/tsflow/artifacts
WORKDIR /app
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY data ./data
# Runs as the image's unprivileged `node` user; state lives in /var/lib/tsflow (a volume).
RUN mkdir -p /var/lib/tsflow/artifacts && chown -R node:node /var/lib/tsflow
USER node
VOLUME ["/var/lib/tsflow"]
EXPOSE 5000
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:5000/health').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
CMD ["node", "bin/tsflow.js", "server", "--host", "0.0.0.0"]
