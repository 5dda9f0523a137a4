# krest as a container image: a Maven stage builds proxy/target/krest-proxy.jar and its libs/, a JRE stage runs it
# as a non-root user.
#
#   docker build -t krest .
#   docker run -p 8082:8082 -e KAFKA_REST_BOOTSTRAP_SERVERS=broker:9092 krest
#
# Base images are build arguments, the official ones by default; any image with a JDK 21+ and Maven 3.8+ (build)
# or a JRE 21+ and /bin/sh (run) will do, e.g. the stand-ins bin/krest-containers makes from Debian packages where
# no registry can be reached:
#
#   docker build --build-arg BUILD_IMAGE=... --build-arg RUNTIME_IMAGE=... -t krest .
#
# Configuration as in Confluent's images: KAFKA_REST_<KEY> environment variables (e.g. KAFKA_REST_REDIS_URL for
# redis.url) or a file (docker run ... krest --config FILE). JVM options: KAFKAREST_HEAP_OPTS (unset: the heap is
# sized from the container's memory limit), KAFKAREST_JVM_PERFORMANCE_OPTS and KAFKAREST_OPTS, as in bin/krest.
# docker-compose.yml runs three replicas behind nginx; docs/containers.md tells what was run and checked.

ARG BUILD_IMAGE=maven:3.9-eclipse-temurin-21
ARG RUNTIME_IMAGE=eclipse-temurin:21-jre

FROM ${BUILD_IMAGE} AS build
WORKDIR /src
# The poms first, so that the dependency download is a cached layer until a pom changes. Every module's pom is
# needed: the parent lists them all and Maven refuses a reactor with a missing module.
COPY pom.xml ./
# The compiler's JVM options (Error Prone needs javac's internals opened; see docs/architecture.md).
COPY .mvn .mvn
COPY state-store/pom.xml state-store/
COPY proxy/pom.xml proxy/
COPY perf/pom.xml perf/
# Fails the build when a dependency cannot be downloaded, rather than leaving an empty layer for the next step to
# find out about.
RUN mvn -B -q -pl proxy -am dependency:go-offline
COPY state-store/src/main state-store/src/main
COPY proxy/src/main proxy/src/main
# Only what the image runs: state-store and proxy, no tests (.dockerignore leaves them out of the context).
RUN mvn -B -q -Dmaven.test.skip=true -pl proxy -am package

FROM ${RUNTIME_IMAGE}
USER root
# curl for the health check; the official JRE image has it, a bare one gets it from its package manager.
RUN if ! command -v curl >/dev/null 2>&1; then \
        apt-get update \
        && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
        && rm -rf /var/lib/apt/lists/*; \
    fi \
    && groupadd --system --gid 10001 krest \
    && useradd --system --uid 10001 --gid krest --home-dir /opt/krest --no-create-home krest
WORKDIR /opt/krest
# the jar's manifest class path names libs/*.jar next to it
COPY --from=build /src/proxy/target/libs/ /opt/krest/libs/
COPY --from=build /src/proxy/target/krest-proxy.jar /opt/krest/krest-proxy.jar
USER 10001:10001
# No KAFKA_REST_* variables here: they would win over a --config file's settings. krest listens on 0.0.0.0:8082 by
# default.
EXPOSE 8082
HEALTHCHECK --interval=5s --timeout=3s --start-period=60s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8082/observe/health/ready || exit 1
# exec: java is PID 1 and gets the SIGTERM of `docker stop` (graceful shutdown, shutdown.graceful.ms).
# Heap: KAFKAREST_HEAP_OPTS when set, else a share of the container's memory limit (the JVM reads the cgroup limit;
# the rest is metaspace, thread stacks, direct buffers and the JIT). The GC default is bin/krest's; an empty
# KAFKAREST_JVM_PERFORMANCE_OPTS turns it off.
ENTRYPOINT ["/bin/sh", "-c", "exec java ${KAFKAREST_HEAP_OPTS:--XX:InitialRAMPercentage=25 -XX:MaxRAMPercentage=75} ${KAFKAREST_JVM_PERFORMANCE_OPTS--XX:+UseG1GC -XX:G1HeapRegionSize=4m} ${KAFKAREST_OPTS:-} -jar /opt/krest/krest-proxy.jar \"$@\"", "krest"]
