# syntax=docker/dockerfile:1
# Build a static binary (pure-Go SQLite, no cgo) and ship it alone.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 go build -trimpath \
    -ldflags "-s -w -X github.com/fingraph/fingraph/internal/cli.Version=${VERSION}" \
    -o /out/fingraph . \
 && mkdir -p /out/data && chmod 0700 /out/data

FROM scratch
# CA roots for the providers' HTTPS endpoints.
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/
COPY --from=build /out/fingraph /fingraph
# The cache of personal data: private to the server's user (COPY keeps the
# 0700 mode; the server also tightens it on start, for mounted volumes).
COPY --from=build --chown=65532:65532 /out/data /data
USER 65532:65532
ENV FINGRAPH_ADDR=0.0.0.0:8080 \
    FINGRAPH_DATA_DIR=/data
VOLUME /data
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=4s --start-period=10s --retries=3 \
  CMD ["/fingraph", "healthcheck"]
ENTRYPOINT ["/fingraph"]
CMD ["serve"]
