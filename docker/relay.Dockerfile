# keyroom relay: the Socket.IO room relay, serving the built keypad on the same origin.
#   docker build -f docker/relay.Dockerfile -t keyroom-relay .
#   docker run -p 7300:7300 --ulimit nofile=65536:65536 --log-opt max-size=10m --log-opt max-file=3 keyroom-relay
# Settings are environment variables (docker run --rm keyroom-relay --help lists them):
#   PORT (7300), HOST (0.0.0.0 here), ALLOWED_ORIGINS, ALLOW_NO_ORIGIN, MAX_PAYLOAD_BYTES, MAX_ROOMS_PER_SOCKET,
#   EVENTS_PER_SECOND, EVENT_BURST, MAX_CONNECTIONS_PER_IP, MAX_SOCKETS_PER_IP, MAX_PENDING_HANDSHAKES_PER_IP,
#   HEADERS_TIMEOUT_MS, TRUST_PROXY, FLOOD_DISCONNECT_MS, MAX_SEND_BACKLOG_BYTES, KEYPAD_DIR, TLS_CERT, TLS_KEY,
#   REDIS_URL, LOG_LEVEL.
# On the open internet read apps/relay/README.md#hardening (descriptor limit, log rotation, proxy limits).

FROM node:24-alpine AS build
RUN npm install -g pnpm@10.34.9
WORKDIR /src
# Dependencies first, so a source change does not refetch them.
COPY package.json pnpm-lock.yaml pnpm-workspace.yaml .npmrc ./
COPY packages/key-events/package.json packages/key-events/
COPY packages/room-client/package.json packages/room-client/
# Test helpers and the device kit (the root's `pnpm start` uses it): only their manifests, so the workspace
# resolves (the image never runs tests or devices).
COPY packages/test-kit/package.json packages/test-kit/
COPY packages/device-kit/package.json packages/device-kit/
COPY apps/relay/package.json apps/relay/
COPY apps/keypad/package.json apps/keypad/
RUN pnpm install --frozen-lockfile --filter @keyroom/relay... --filter @keyroom/keypad...
COPY tsconfig.base.json ./
COPY packages/key-events packages/key-events
COPY packages/room-client packages/room-client
COPY apps/relay apps/relay
COPY apps/keypad apps/keypad
COPY docker/build-relay-tree.sh docker/
RUN sh docker/build-relay-tree.sh /out

FROM node:24-alpine
ENV NODE_ENV=production HOST=0.0.0.0 PORT=7300 KEYPAD_DIR=/app/keypad
WORKDIR /app
COPY --from=build --chown=node:node /out /app
USER node
EXPOSE 7300
HEALTHCHECK --interval=15s --timeout=3s --start-period=5s \
  CMD node -e "fetch('http://127.0.0.1:'+process.env.PORT+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"
ENTRYPOINT ["node", "dist/main.js"]
