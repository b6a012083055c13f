# One image for every role: `cf-shares worker`, `cf-shares sim`, and one-off commands.
FROM node:20-bookworm-slim
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY bin ./bin
COPY src ./src
USER node
ENTRYPOINT ["node", "bin/cf-shares.js"]
CMD ["--help"]
