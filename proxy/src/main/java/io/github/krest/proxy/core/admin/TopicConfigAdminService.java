package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.github.krest.proxy.core.TopicNames;
import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.AlterConfigsOptions;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.DescribeConfigsOptions;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

/**
 * Topic configs through the shared {@link Admin} client: describe one topic's configs (with synonyms) or every
 * topic's, and alter them, one topic or several in one request. Topics themselves are {@link TopicAdminService}'s.
 *
 * <p>Kafka failures surface as Kafka exceptions, mapped by {@code ErrorTable} (unknown topic 404/40403, invalid
 * config 400/40002); a config name the topic does not have is a {@link RestException} 404/404. Source of the
 * semantics: Confluent {@code TopicConfigManagerImpl} and {@code AbstractConfigManager}.
 */
public final class TopicConfigAdminService {
    private final Admin admin;

    /** @param admin the shared admin client */
    public TopicConfigAdminService(Admin admin) {
        this.admin = admin;
    }

    /** A config synonym: where a value would come from, most specific first. */
    public record Synonym(String name, Optional<String> value, String source) {
    }

    /**
     * One topic config.
     *
     * @param name config name
     * @param value its value; empty when sensitive or unset
     * @param isDefault whether it is Kafka's default
     * @param readOnly whether it can be altered
     * @param sensitive whether the value is hidden
     * @param source Kafka {@code ConfigEntry.ConfigSource} name, e.g. {@code DYNAMIC_TOPIC_CONFIG}
     * @param synonyms synonyms, most specific first
     */
    public record ConfigInfo(String name, Optional<String> value, boolean isDefault, boolean readOnly,
                             boolean sensitive, String source, List<Synonym> synonyms) {
    }

    /** How {@link ConfigChange} alters a config. */
    public enum Operation {
        /** Set the value. */
        SET,
        /** Remove the topic-level value, reverting to the default. */
        DELETE
    }

    /**
     * One config change.
     *
     * @param name config name
     * @param value the value for {@link Operation#SET}
     * @param operation set or delete
     */
    public record ConfigChange(String name, Optional<String> value, Operation operation) {
    }

    /**
     * @param topic topic name
     * @return its configs sorted by name, with synonyms
     * @throws UnknownTopicOrPartitionException (404/40403) when the topic does not exist
     */
    public List<ConfigInfo> describeConfigs(String topic) {
        TopicNames.requireValid(topic);
        ConfigResource resource = resource(topic);
        return configs(KafkaFutures.get(admin.describeConfigs(List.of(resource),
                new DescribeConfigsOptions().includeSynonyms(true)).values().get(resource)));
    }

    /**
     * @param topic topic name
     * @param name config name
     * @return the config
     * @throws RestException 404/404 when the topic has no such config
     */
    public ConfigInfo describeConfig(String topic, String name) {
        return describeConfigs(topic).stream().filter(c -> c.name().equals(name)).findFirst()
                .orElseThrow(() -> configNotFound(topic, name));
    }

    private static RestException configNotFound(String topic, String name) {
        return new RestException(ErrorCode.NOT_FOUND, "Config " + name + " cannot be found for topic " + topic + ".");
    }

    /**
     * The configs of every non-internal topic.
     *
     * @return topic name to its configs, topics sorted by name; a topic deleted while listing is left out
     */
    public Map<String, List<ConfigInfo>> describeAllConfigs() {
        List<String> names = KafkaFutures.get(admin.listTopics().names()).stream().sorted().toList();
        if (names.isEmpty()) {
            return Map.of();
        }
        Map<ConfigResource, KafkaFuture<Config>> futures = admin.describeConfigs(
                names.stream().map(TopicConfigAdminService::resource).toList(),
                new DescribeConfigsOptions().includeSynonyms(true)).values();
        Map<String, List<ConfigInfo>> result = new LinkedHashMap<>();
        for (String name : names) {
            try {
                result.put(name, configs(KafkaFutures.get(futures.get(resource(name)))));
            } catch (UnknownTopicOrPartitionException deleted) {
                // deleted between list and describe
            }
        }
        return result;
    }

    /**
     * Changes configs of one topic.
     *
     * @param topic topic name
     * @param changes the changes, applied together
     * @param validateOnly whether Kafka should only validate
     * @throws org.apache.kafka.common.errors.InvalidConfigurationException (400/40002) for a bad name or value
     */
    public void alterConfigs(String topic, List<ConfigChange> changes, boolean validateOnly) {
        TopicNames.requireValid(topic);
        Map<String, RuntimeException> failures = alterConfigs(Map.of(topic, changes), validateOnly);
        if (!failures.isEmpty()) {
            throw failures.values().iterator().next();
        }
    }

    /**
     * Changes one config that must exist (Confluent's "safe" update: an unknown name answers 404, not Kafka's 400).
     *
     * @param topic topic name
     * @param change the change
     * @throws RestException 404/404 when the topic has no such config
     */
    public void alterExistingConfig(String topic, ConfigChange change) {
        describeConfig(topic, change.name());
        alterConfigs(topic, List.of(change), false);
    }

    /**
     * Changes configs of several topics in one Kafka request once every topic and every config name is known to
     * exist; each topic then succeeds or fails on its own (Confluent's "safe" multi-topic alter,
     * {@code AbstractConfigManager.safeAlterMultipleConfigs}).
     *
     * @param changes topic name to its changes
     * @param validateOnly whether Kafka should only validate
     * @return topic name to its failure (e.g. a value Kafka refuses), in request order; empty when all succeeded
     * @throws UnknownTopicOrPartitionException (404/40403) when a topic does not exist, and nothing is changed
     * @throws RestException 404/404 when a topic has no config of a given name, and nothing is changed
     */
    public Map<String, RuntimeException> alterExistingConfigs(Map<String, List<ConfigChange>> changes,
                                                              boolean validateOnly) {
        Map<ConfigResource, Config> existing = KafkaFutures.get(admin.describeConfigs(
                changes.keySet().stream().map(TopicConfigAdminService::resource).toList()).all());
        changes.forEach((topic, list) -> {
            Config config = existing.get(resource(topic));
            for (ConfigChange change : list) {
                if (config == null || config.get(change.name()) == null) {
                    throw configNotFound(topic, change.name());
                }
            }
        });
        return alterConfigs(changes, validateOnly);
    }

    /** Changes configs of several topics in one Kafka request. @return topic name to its failure, in order */
    private Map<String, RuntimeException> alterConfigs(Map<String, List<ConfigChange>> changes,
                                                       boolean validateOnly) {
        Map<ConfigResource, Collection<AlterConfigOp>> ops = new LinkedHashMap<>();
        changes.forEach((topic, list) -> ops.put(resource(topic), list.stream()
                .map(c -> new AlterConfigOp(new ConfigEntry(c.name(), c.value().orElse(null)),
                        c.operation() == Operation.SET ? AlterConfigOp.OpType.SET : AlterConfigOp.OpType.DELETE))
                .toList()));
        Map<ConfigResource, KafkaFuture<Void>> futures = admin.incrementalAlterConfigs(ops,
                new AlterConfigsOptions().validateOnly(validateOnly)).values();
        Map<String, RuntimeException> failures = new LinkedHashMap<>();
        for (String topic : changes.keySet()) {
            try {
                KafkaFutures.get(futures.get(resource(topic)));
            } catch (RuntimeException e) {
                failures.put(topic, e);
            }
        }
        return failures;
    }

    private static List<ConfigInfo> configs(Config config) {
        return config.entries().stream()
                .sorted(Comparator.comparing(ConfigEntry::name))
                .map(e -> new ConfigInfo(e.name(), Optional.ofNullable(e.value()), e.isDefault(), e.isReadOnly(),
                        e.isSensitive(), source(e.source()), e.synonyms().stream()
                                .map(s -> new Synonym(s.name(), Optional.ofNullable(s.value()), source(s.source())))
                                .toList()))
                .toList();
    }

    private static String source(ConfigEntry.ConfigSource source) {
        return source == null ? "UNKNOWN" : source.name();
    }

    private static ConfigResource resource(String topic) {
        return new ConfigResource(ConfigResource.Type.TOPIC, topic);
    }
}
