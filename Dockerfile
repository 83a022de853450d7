# The mailtrail API. docker-compose.yml runs it next to PostgreSQL 16.
# Node 20.19+ (engines in package.json: ^20.19.0 || ^22.13.0 || >=24.11.0); the node:20 tag is the latest 20.x.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build && npm prune --omit=dev
ENV HOST=0.0.0.0 PORT=4000 NODE_ENV=production
EXPOSE 4000
USER node
CMD ["node", "bin/mailtrail.js", "serve"]
