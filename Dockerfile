# syntax=docker/dockerfile:1
#
# portgate container image: a static Go binary on distroless (nonroot).
#
#   docker build -t portgate .
#   docker run --rm -p 9090:9090 -p 8080:8080 portgate          # sandbox providers
#   docker run --rm -p 9090:9090 -p 8080:8080 \
#     -e FLOWROUTE_ACCESS_KEY=… -e FLOWROUTE_SECRET_KEY=… -e TELNYX_API_KEY=… portgate
#
# Verification: no Docker engine was available where this file was written, so
# the image itself has not been built. The build stage's commands were run
# as-is outside Docker on a checkout filtered by .dockerignore (Go 1.26,
# linux/amd64): `go mod download` with an empty module cache, then
#   CGO_ENABLED=0 go build -trimpath -ldflags="-s -w" -o /tmp/…/portgate ./cmd/portgate
# The result is a statically linked ELF with no dynamic section (`file` and
# `ldd` show that), so it runs on distroless/static, which has no libc. Started
# with no credentials, the binary served /healthz, /openapi.json and REST calls
# against its sandboxes.
#
# Ports: 9090 gRPC (PORTGATE_GRPC_ADDR, default :9090), 8080 REST gateway,
# /openapi.json and /metrics (PORTGATE_HTTP_ADDR, default :8080). Both listen on all
# interfaces by default. Without provider credentials the in-process sandboxes
# start on loopback inside the container. Every setting is an environment
# variable or a flag (README.md, "Configuration").

ARG GO_VERSION=1.26

FROM golang:${GO_VERSION}-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0 GOFLAGS=-mod=readonly
# Dependencies first, so a source-only change reuses this layer.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/portgate ./cmd/portgate

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/portgate /portgate
USER nonroot:nonroot
# The embedded SQLite store (README "Store"); mount a volume here to keep
# request_id outcomes across container restarts, or set PORTGATE_DATABASE_URL.
ENV PORTGATE_DATA_DIR=/home/nonroot/data
VOLUME /home/nonroot/data
EXPOSE 9090 8080
ENTRYPOINT ["/portgate"]
