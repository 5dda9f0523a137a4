package io.github.krest.proxy.core.session;

import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.core.TrafficMeter;

import java.time.Duration;

import io.github.krest.proxy.core.admin.AclAdminService;
import io.github.krest.proxy.core.admin.BrokerAdminService;
import io.github.krest.proxy.core.admin.ConsumerGroupAdminService;
import io.github.krest.proxy.core.admin.TopicAdminService;
import io.github.krest.proxy.core.admin.TopicConfigAdminService;
import io.github.krest.proxy.core.KafkaOffsets;
import io.github.krest.proxy.kafka.RenewableProducer;
import org.apache.kafka.clients.admin.Admin;

/**
 * The core services of one Kafka identity, over that identity's producer and admin client: the service principal's
 * (shared by every request when {@code kafka.principal.propagation} is NONE), or one caller's. Each session has its
 * own metadata caches, so one caller's view of the cluster never answers another caller's request.
 *
 * @param admin the identity's admin client
 * @param producer the identity's producer (a caller's is created on first use), replaced when it fails
 * @param metadata metadata read with the identity's admin client, cached per session
 * @param produce produce through the identity's producer
 * @param offsets committed offsets and offset lookups as the identity
 * @param topics v3 topic administration
 * @param topicConfigs v3 topic configs
 * @param brokers v3 broker administration
 * @param acls v3 ACL administration
 * @param groups v3 consumer groups
 */
public record KafkaSession(Admin admin, RenewableProducer producer, MetadataService metadata,
                           ProduceService produce, KafkaOffsets offsets, TopicAdminService topics,
                           TopicConfigAdminService topicConfigs, BrokerAdminService brokers, AclAdminService acls,
                           ConsumerGroupAdminService groups) {

    /**
     * Builds the services over an identity's clients.
     *
     * @param admin the identity's admin client
     * @param producer the identity's producer (a caller's is created on first use)
     * @param groups the identity's view of consumer groups
     * @param metadataMaxAge {@code metadata.cache.max.age.ms}
     * @param recordMaxBytes {@code produce.record.max.bytes}
     * @param traffic produce traffic counter
     * @return the session
     */
    public static KafkaSession of(Admin admin, RenewableProducer producer,
                                  ConsumerGroupAdminService groups,
                                  Duration metadataMaxAge, int recordMaxBytes, TrafficMeter traffic) {
        MetadataService metadata = new MetadataService(admin, metadataMaxAge);
        return new KafkaSession(admin, producer, metadata,
                new ProduceService(producer, metadata, recordMaxBytes, traffic), new KafkaOffsets(admin),
                new TopicAdminService(admin), new TopicConfigAdminService(admin), new BrokerAdminService(admin),
                new AclAdminService(admin), groups);
    }
}
