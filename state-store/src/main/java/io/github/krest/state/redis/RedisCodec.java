package io.github.krest.state.redis;

import io.github.krest.state.ConsumerInstance;
import io.github.krest.state.InstanceConfig;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.Subscription;
import io.github.krest.state.SubscriptionMode;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Translates between the API's records and the strings the scripts store. A partition is {@code topic:partition}
 * (Kafka topic names cannot contain {@code :} or {@code ,}), a partition list is comma-separated.
 */
final class RedisCodec {

    private RedisCodec() {
    }

    /** @return the instance hash fields written at creation (scripts add expires.ms and last.commit.ms) */
    static List<String> instanceFields(ConsumerInstance instance) {
        InstanceConfig config = instance.config();
        Subscription subscription = instance.subscription();
        return List.of(
                "group", instance.group(),
                "name", instance.name(),
                "format", config.format(),
                "auto.offset.reset", config.autoOffsetReset(),
                "auto.commit.enable", Boolean.toString(config.autoCommitEnable()),
                "fetch.min.bytes", Long.toString(config.fetchMinBytes()),
                "request.timeout.ms", Long.toString(config.requestTimeoutMs()),
                "principal", instance.principal(),
                "created.ms", Long.toString(instance.createdMs()),
                "mode", subscription.mode().name(),
                "topics", String.join(",", subscription.topics()),
                "pattern", subscription.pattern().orElse(""),
                "partitions", csv(subscription.partitions()));
    }

    static ConsumerInstance instance(Map<String, String> fields) {
        try {
            InstanceConfig config = new InstanceConfig(fields.get("format"), fields.get("auto.offset.reset"),
                    Boolean.parseBoolean(fields.get("auto.commit.enable")),
                    Long.parseLong(fields.get("fetch.min.bytes")), Long.parseLong(fields.get("request.timeout.ms")));
            Subscription subscription = switch (SubscriptionMode.valueOf(fields.get("mode"))) {
                case NONE -> Subscription.none();
                case SUBSCRIBE -> fields.get("pattern").isEmpty()
                        ? Subscription.topics(split(fields.get("topics"))) : Subscription.pattern(fields.get("pattern"));
                case ASSIGN -> Subscription.partitions(partitions(fields.get("partitions")));
            };
            return new ConsumerInstance(fields.get("group"), fields.get("name"), config, fields.get("principal"),
                    Long.parseLong(fields.get("created.ms")), subscription);
        } catch (RuntimeException e) {
            throw new StateStoreException("corrupt instance hash in Redis: " + fields.keySet(), e);
        }
    }

    /** Parses a subscription descriptor of the subs hash: {@code topics:a,b} or {@code pattern:regex}. */
    static Subscription descriptor(String descriptor) {
        if (descriptor.startsWith("pattern:")) {
            return Subscription.pattern(descriptor.substring("pattern:".length()));
        }
        if (descriptor.startsWith("topics:")) {
            return Subscription.topics(split(descriptor.substring("topics:".length())));
        }
        throw new StateStoreException("corrupt subscription descriptor in Redis: " + descriptor);
    }

    static String key(PartitionRef partition) {
        return partition.topic() + ":" + partition.partition();
    }

    static PartitionRef partition(String key) {
        int colon = key.lastIndexOf(':');
        if (colon <= 0) {
            throw new StateStoreException("corrupt partition in Redis: " + key);
        }
        return new PartitionRef(key.substring(0, colon), Integer.parseInt(key.substring(colon + 1)));
    }

    static String csv(List<PartitionRef> partitions) {
        return String.join(",", partitions.stream().map(RedisCodec::key).toList());
    }

    static List<PartitionRef> partitions(String csv) {
        return split(csv).stream().map(RedisCodec::partition).sorted().toList();
    }

    static List<String> split(String csv) {
        return csv == null || csv.isEmpty() ? List.of() : Arrays.asList(csv.split(","));
    }

    /** @return {@code partition, offset, ...} arguments */
    static List<String> positionArgs(Map<PartitionRef, Long> positions) {
        List<String> args = new ArrayList<>(positions.size() * 2);
        positions.forEach((partition, offset) -> {
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("position of " + partition + " must be >= 0: " + offset);
            }
            args.add(key(partition));
            args.add(Long.toString(offset));
        });
        return args;
    }

    static Map<PartitionRef, Long> positions(Object flat) {
        Map<PartitionRef, Long> positions = new HashMap<>();
        toMap(flat).forEach((k, v) -> positions.put(partition(k), Long.parseLong(v)));
        return positions;
    }

    static Map<String, String> toMap(Object flat) {
        List<?> list = list(flat);
        Map<String, String> map = new HashMap<>();
        for (int i = 0; i + 1 < list.size(); i += 2) {
            map.put(string(list.get(i)), string(list.get(i + 1)));
        }
        return map;
    }

    static List<?> list(Object reply) {
        if (reply instanceof List<?> list) {
            return list;
        }
        throw new StateStoreException("unexpected Redis reply, expected an array: " + reply);
    }

    static String string(Object reply) {
        if (reply instanceof String s) {
            return s;
        }
        if (reply instanceof byte[] bytes) {
            return new String(bytes, StandardCharsets.UTF_8);
        }
        if (reply instanceof Long l) {
            return l.toString();
        }
        throw new StateStoreException("unexpected Redis reply, expected a string: " + reply);
    }

    static long number(Object reply) {
        return reply instanceof Long l ? l : Long.parseLong(string(reply));
    }
}
