# illuminati: one image for the coordinator (`illuminati`) and the workers (`illuminati-worker`).
#   docker build -t illuminati .
# The build stage needs a Swift 6.1+ toolchain image; the runtime stage only the C libraries.
ARG SWIFT_IMAGE=swift:6.1-bookworm
FROM ${SWIFT_IMAGE} AS build
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends pkg-config libpq-dev libturbojpeg0-dev libtiff-dev libpng-dev zlib1g-dev libdeflate-dev \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
RUN swift build -c release --static-swift-stdlib --product illuminati \
 && swift build -c release --static-swift-stdlib --product illuminati-worker \
 && install -D "$(swift build -c release --show-bin-path)/illuminati" /out/illuminati \
 && install -D "$(swift build -c release --show-bin-path)/illuminati-worker" /out/illuminati-worker

FROM debian:bookworm-slim
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends libpq5 libturbojpeg0 libtiff6 libpng16-16 zlib1g libdeflate0 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data illuminati \
 && mkdir -p /data && chown illuminati /data
COPY --from=build /out/ /usr/local/bin/
USER illuminati
WORKDIR /data
ENV ILLUMINATI_STORAGE=/data/storage
ENTRYPOINT []
CMD ["illuminati", "--help"]
