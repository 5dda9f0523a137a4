package io.github.krest.proxy.http.v3;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * v3 ACL bodies, field names exactly as Confluent's {@code AclData}, {@code CreateAclRequest},
 * {@code CreateAclRequestDataList} and {@code DeleteAclsResponse}.
 */
final class AclsV3Json {
    private AclsV3Json() {
    }

    /** KafkaAcl. */
    record Acl(@JsonProperty("kind") String kind,
               @JsonProperty("metadata") V3Json.ResourceMetadata metadata,
               @JsonProperty("cluster_id") String clusterId,
               @JsonProperty("resource_type") String resourceType,
               @JsonProperty("resource_name") String resourceName,
               @JsonProperty("pattern_type") String patternType,
               @JsonProperty("principal") String principal,
               @JsonProperty("host") String host,
               @JsonProperty("operation") String operation,
               @JsonProperty("permission") String permission) {
    }

    /** {@code POST .../acls} body, and one entry of {@code POST .../acls:batch}. */
    record CreateAclRequest(@JsonProperty("resource_type") String resourceType,
                            @JsonProperty("resource_name") String resourceName,
                            @JsonProperty("pattern_type") String patternType,
                            @JsonProperty("principal") String principal,
                            @JsonProperty("host") String host,
                            @JsonProperty("operation") String operation,
                            @JsonProperty("permission") String permission) {
    }

    /** {@code POST .../acls:batch} body: {@code {"data": [...]}}. */
    record CreateAclBatchRequest(@JsonProperty("data") List<CreateAclRequest> data) {
    }

    /** {@code DELETE .../acls} answer: {@code {"data": [deleted ACLs]}} (not a full collection envelope). */
    record DeleteAclsResponse(@JsonProperty("data") List<Acl> data) {
    }
}
