# kaudit as a container image: the CLI for CI jobs, and the collector that
# deploy/kaudit-collector.yaml runs on every node. From the repository's root:
#   docker build -t registry.example.internal/kaudit:0.1.0 .
# test/dockerfile.test.ts checks that the image holds everything the built CLI reads.

FROM node:24-trixie-slim AS build
WORKDIR /src
COPY package.json package-lock.json tsconfig.json tsconfig.build.json ./
COPY scripts/prepare.mjs ./scripts/
RUN npm ci --ignore-scripts --no-audit --no-fund
COPY src ./src
RUN node scripts/prepare.mjs && npm prune --omit=dev --no-audit --no-fund

FROM node:24-trixie-slim
WORKDIR /opt/kaudit
COPY --from=build /src/package.json ./
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
COPY rules-docs ./rules-docs
COPY schema ./schema
COPY LICENSE README.md ./
RUN ln -s /opt/kaudit/dist/cli/main.js /usr/local/bin/kaudit
# Not root by default; the collector DaemonSet runs it as root to read the node's keys.
USER node
ENTRYPOINT ["kaudit"]
CMD ["--help"]
