# syntax=docker/dockerfile:1
# The winback image: the worker (winback-worker) and the CLI (winback), static binaries on a
# distroless base, running as a non-root user. Built by docker-compose.yml.

FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download
COPY . .
ENV CGO_ENABLED=0
RUN --mount=type=cache,target=/go/pkg/mod --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags="-s -w" -o /out/winback-worker ./worker && \
    go build -trimpath -ldflags="-s -w" -o /out/winback ./starter && \
    go build -trimpath -ldflags="-s -w" -o /out/healthcheck ./deploy/healthcheck && \
    mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/winback-worker /out/winback /out/healthcheck /usr/local/bin/
# The data folder (generated secrets) belongs to the non-root user, so a fresh volume does too.
COPY --from=build --chown=nonroot:nonroot /out/data /data
COPY config/playbooks /etc/winback/playbooks
COPY config/team.example.yaml /etc/winback/team.example.yaml
USER nonroot:nonroot
ENV WINBACK_HTTP_ADDR=0.0.0.0:8080 \
    WINBACK_DATA_DIR=/data
EXPOSE 8080
VOLUME ["/data"]
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=5 \
    CMD ["healthcheck", "http://127.0.0.1:8080/healthz"]
CMD ["winback-worker"]
