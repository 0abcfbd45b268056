# One image for the API and the worker (docker-compose.yml picks the command). TypeScript runs through tsx.
FROM node:20-bookworm-slim

ENV NODE_ENV=production
WORKDIR /app
# The worker installs the build network's firewall on its Docker host (activities/build-firewall.ts).
RUN apt-get update && apt-get install -y --no-install-recommends iptables && rm -rf /var/lib/apt/lists/*

COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force

COPY . .
# Workers load this bundle instead of bundling the workflow code at every start (temporal-notes §7).
RUN node --import tsx deploy/bundle-workflows.ts /app/.bundle/workflows.js
ENV WORKFLOW_BUNDLE=/app/.bundle/workflows.js

# The worker overrides this to reach the host's Docker socket (docker-compose.yml).
USER node
EXPOSE 8080
CMD ["node", "--import", "tsx", "api/main.ts"]
