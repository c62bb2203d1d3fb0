# Multi-stage build of the mijnrgs binary. The runtime image holds only the binary, the static
# files and CA certificates; configuration comes from the environment (see .env.example).
FROM rust:1.95-bookworm AS build
WORKDIR /src
COPY . .
RUN cargo build --release --locked --bin mijnrgs

FROM debian:bookworm-slim
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /app mijnrgs
WORKDIR /app
COPY --from=build /src/target/release/mijnrgs /usr/local/bin/mijnrgs
COPY static /app/static
ENV LISTEN_ADDR=0.0.0.0:8080 \
    STATIC_DIR=/app/static \
    LOG_FORMAT=json
USER mijnrgs
EXPOSE 8080
CMD ["mijnrgs", "serve"]
