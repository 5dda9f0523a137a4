# krest as a container image: bin/krest's build in a Maven stage, a slim JRE at run time, a non-root user.
#
#   docker build -t krest .
#   docker run -p 8082:8082 -e KAFKA_REST_BOOTSTRAP_SERVERS=broker:9092 krest
#
# Configuration as in Confluent's images: KAFKA_REST_<KEY> environment variables (e.g. KAFKA_REST_REDIS_URL for
# redis.url), KAFKAREST_HEAP_OPTS, KAFKAREST_JVM_PERFORMANCE_OPTS and KAFKAREST_OPTS for
# the JVM, or a file: docker run ... krest --config FILE.
# docker-compose.yml runs three replicas behind nginx. DockerfileComposeTest keeps the build command below equal
# to bin/krest's.

FROM maven:3.9-eclipse-temurin-21 AS build
WORKDIR /src
# poms first, so that the dependency download is a cached layer until a pom changes
COPY pom.xml ./
COPY state-store/pom.xml state-store/
COPY proxy/pom.xml proxy/
RUN mvn -q -B -pl state-store,proxy -am dependency:go-offline || true
COPY state-store/src state-store/src
COPY proxy/src proxy/src
RUN mvn -q -B -DskipTests package

FROM eclipse-temurin:21-jre
# curl for the health check (GET / answers 200 once krest serves)
RUN apt-get update \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends curl \
    && rm -rf /var/lib/apt/lists/* \
    && groupadd --system --gid 10001 krest \
    && useradd --system --uid 10001 --gid krest --home-dir /opt/krest --no-create-home krest
WORKDIR /opt/krest
# the jar's manifest class path names libs/*.jar next to it
COPY --from=build /src/proxy/target/libs/ /opt/krest/libs/
COPY --from=build /src/proxy/target/krest-proxy.jar /opt/krest/krest-proxy.jar
USER 10001:10001
ENV KAFKA_REST_LISTENERS=http://0.0.0.0:8082 \
    KAFKAREST_HEAP_OPTS="-Xms256m -Xmx1g" \
    KAFKAREST_JVM_PERFORMANCE_OPTS="-XX:+UseG1GC -XX:G1HeapRegionSize=4m" \
    KAFKAREST_OPTS=""
EXPOSE 8082
HEALTHCHECK --interval=5s --timeout=3s --start-period=30s --retries=3 \
    CMD curl -fsS -o /dev/null http://127.0.0.1:8082/ || exit 1
# exec: java is PID 1 and gets the SIGTERM of `docker stop` (graceful shutdown, shutdown.graceful.ms)
ENTRYPOINT ["/bin/sh", "-c", "exec java $KAFKAREST_HEAP_OPTS $KAFKAREST_JVM_PERFORMANCE_OPTS $KAFKAREST_OPTS -jar /opt/krest/krest-proxy.jar \"$@\"", "krest"]
