# Build stage: compile TypeScript to dist/ (with declarations and source maps).
FROM node:24-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npx tsc -p tsconfig.build.json

# Runtime stage: production dependencies and the compiled package only; no TypeScript, no tsx; not root.
FROM node:24-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY bin ./bin
COPY --from=build /src/dist ./dist
COPY LICENSE ./
# /app stays root-owned and read-only for the process; reports are written under /work, the node user's own folder
# (and a volume in docker-compose.yml), so `report --out ...` works without running as root.
RUN mkdir -p /work && chown node:node /work
WORKDIR /work
USER node
ENTRYPOINT ["node", "/app/bin/cf-shares.js"]
CMD ["--help"]
