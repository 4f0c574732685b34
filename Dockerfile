# MqttBridge container image: a NativeAOT build (no .NET runtime needed, ~20 MiB RSS) on a small Debian/Ubuntu
# base, running as a non-root user. Build from the repository root:
#   docker build -t mqttbridge .
# Multi-arch (amd64, arm64): docker buildx build --platform linux/amd64,linux/arm64 -t ghcr.io/mqttbridge/mqttbridge:0.1.0 .
# NativeAOT compiles for the machine it runs on, so each platform's build stage runs on that platform.

FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
# NativeAOT links with clang; zlib1g-dev for System.IO.Compression's native part.
RUN apt-get update \
    && apt-get install -y --no-install-recommends clang zlib1g-dev \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
# The build settings (analyzers, banned APIs, package versions), the sources, and config/ (the default
# configuration and the add-on's tariff presets are built into the binary).
COPY Directory.Build.props Directory.Packages.props .editorconfig ./
COPY eng/ eng/
COPY config/ config/
COPY src/ src/
# One step that restores too: with PublishAot the SDK picks this platform's runtime (linux-x64 or linux-arm64).
RUN dotnet publish src/MqttBridge/MqttBridge.csproj -c Release -o /app -p:PublishAot=true -p:DebugType=none

# runtime-deps: glibc, OpenSSL and CA certificates, no .NET runtime (NativeAOT does not need one).
FROM mcr.microsoft.com/dotnet/runtime-deps:10.0 AS runtime
# Time zones cut the tariff's days (Europe/Oslo, ...): make sure the IANA database is there.
RUN apt-get update \
    && apt-get install -y --no-install-recommends tzdata \
    && rm -rf /var/lib/apt/lists/* \
    && mkdir -p /config /data \
    && chown "$APP_UID" /data
WORKDIR /app
COPY --from=build /app/mqttbridge /app/mqttbridge
COPY --from=build /app/config/mqttbridge.yaml /config/mqttbridge.yaml
ENV MQTTBRIDGE__DATA_DIR=/data
# The GC settings chosen for a long-running service (workstation GC, System.GC.ConserveMemory=5; see MqttBridge.csproj
# and README, Performance) are built into the binary. On a device short of memory, cap the heap at run time with
# `-e DOTNET_GCHeapHardLimit=0x4000000` (64 MiB; one home needs a few MiB of heap, 1,000 sites about 15 MiB).
# The embedded broker listens here when mqtt.host is empty (set embedded_broker.bind to 0.0.0.0 to reach it from outside).
EXPOSE 1883
VOLUME ["/config", "/data"]
# The .NET images' unprivileged "app" user.
USER $APP_UID
# Healthy = running and connected to its broker (the bridge refreshes /data/.health while connected).
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["/app/mqttbridge", "health", "--config", "/config/mqttbridge.yaml"]
ENTRYPOINT ["/app/mqttbridge"]
CMD ["--config", "/config/mqttbridge.yaml"]
