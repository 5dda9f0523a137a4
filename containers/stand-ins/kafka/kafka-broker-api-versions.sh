#!/usr/bin/env bash
# As Kafka's script of the same name: the API versions each broker supports (the compose file's health check).
exec java -Xmx128m -XX:TieredStopAtLevel=1 -Dlog4j2.configurationFile=/etc/kafka/docker/log4j2.properties \
  -Dlog4j2.level=WARN -cp '/opt/kafka/libs/*' org.apache.kafka.tools.BrokerApiVersionsCommand "$@"
