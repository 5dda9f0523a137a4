package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.core.MetadataService;
import io.github.krest.proxy.core.ProduceService;
import io.github.krest.proxy.http.BaseUrls;
import io.helidon.webserver.http.HttpRouting;

/** Registers the Confluent v3 API served so far: clusters and produce. */
public final class V3Api {
    private V3Api() {
    }

    /**
     * Adds the v3 routes.
     *
     * @param routing routing being built
     * @param config krest configuration (limits)
     * @param metadata metadata service
     * @param produce produce service
     * @param urls absolute URL base
     */
    public static void register(HttpRouting.Builder routing, KrestConfig config, MetadataService metadata,
                                ProduceService produce, BaseUrls urls) {
        Clusters clusters = new Clusters(metadata, metadata.admin(),
                config.getString(KrestConfig.RESOURCE_NAME_AUTHORITY));
        routing.register(new ClustersV3Service(clusters, urls));
    }
}
