# The Lockstep controller image: `lockstep controllers` (the Deployments of `lockstep install` /
# `bootstrap` run it with --only=source or --only=kustomize). Build from the repository root:
#   docker build -t ghcr.io/lockstep/lockstep:v0.1.0 .
# The image carries git (GitRepository fetches use the git CLI) and runs as a non-root user.

FROM node:20-bookworm-slim AS build
WORKDIR /src
COPY package.json package-lock.json ./
# setup-tools.mjs (postinstall) only unpacks test oracles: not needed in the image.
RUN npm ci --no-audit --no-fund --ignore-scripts && npm rebuild better-sqlite3
COPY tsconfig.json ./
COPY src ./src
COPY scripts ./scripts
COPY bin ./bin
COPY examples ./examples
COPY test ./test
COPY bench ./bench
RUN npx tsc -p tsconfig.json && npm prune --omit=dev

FROM node:20-bookworm-slim
RUN apt-get update \
  && apt-get install -y --no-install-recommends git openssh-client ca-certificates tini \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY --from=build /src/bin ./bin
COPY --from=build /src/examples ./examples
USER 65534:65534
ENV HOME=/tmp NODE_ENV=production
EXPOSE 8080 9090
ENTRYPOINT ["/usr/bin/tini", "--", "node", "/app/bin/lockstep.js"]
CMD ["controllers"]
