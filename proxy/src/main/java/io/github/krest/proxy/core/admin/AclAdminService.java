package io.github.krest.proxy.core.admin;

import io.github.krest.proxy.core.KafkaFutures;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import io.github.krest.proxy.error.ErrorCode;
import io.github.krest.proxy.error.RestException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.DeleteAclsResult;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Kafka ACLs for the v3 admin API (Confluent {@code AclManagerImpl}): search by filter, create one or many, delete
 * by filter. Enum values (resource type, pattern type, operation, permission) are given as strings and parsed
 * case-insensitively.
 *
 * <p>Errors: an unknown enum value, a missing field, or a binding Kafka's client rejects (e.g. {@code ANY} in a
 * binding to create) is {@link RestException} 400/400; a filter to delete without resource type, pattern type,
 * operation and permission (or with {@code UNKNOWN}) is 400/400. Kafka failures surface as Kafka exceptions:
 * {@code SecurityDisabledException} (no authorizer) 400/40002, authorization 403/40301.
 */
public final class AclAdminService {
    private final Admin admin;

    /** @param admin the shared admin client */
    public AclAdminService(Admin admin) {
        this.admin = admin;
    }

    /**
     * An ACL binding; enum fields are upper-case Kafka enum names.
     *
     * @param resourceType e.g. {@code TOPIC}
     * @param resourceName e.g. {@code orders}
     * @param patternType {@code LITERAL} or {@code PREFIXED}
     * @param principal e.g. {@code User:alice}
     * @param host e.g. {@code *}
     * @param operation e.g. {@code READ}
     * @param permission {@code ALLOW} or {@code DENY}
     */
    public record Acl(String resourceType, String resourceName, String patternType, String principal, String host,
                      String operation, String permission) {
    }

    /**
     * A search or delete filter; empty strings mean "any" for the name, principal and host.
     *
     * @param resourceType resource type, {@code ANY} matches all
     * @param resourceName resource name, empty for any
     * @param patternType pattern type ({@code ANY}, {@code MATCH}, {@code LITERAL}, {@code PREFIXED})
     * @param principal principal, empty for any
     * @param host host, empty for any
     * @param operation operation, {@code ANY} matches all
     * @param permission permission, {@code ANY} matches all
     */
    public record AclFilter(String resourceType, String resourceName, String patternType, String principal,
                            String host, String operation, String permission) {
    }

    /**
     * @param filter the filter
     * @return matching ACLs, sorted
     */
    public List<Acl> search(AclFilter filter) {
        return sorted(KafkaFutures.get(admin.describeAcls(toFilter(filter)).values()));
    }

    /**
     * Creates ACLs in one request.
     *
     * @param acls the bindings to create
     * @return the created bindings, in order, with enum names normalised to upper case
     * @throws RestException 400 for an invalid binding
     */
    public List<Acl> create(List<Acl> acls) {
        List<AclBinding> bindings = acls.stream().map(AclAdminService::toBinding).toList();
        if (!bindings.isEmpty()) {
            KafkaFutures.get(admin.createAcls(bindings).all());
        }
        return bindings.stream().map(AclAdminService::toAcl).toList();
    }

    /**
     * Deletes the ACLs matching a filter.
     *
     * @param filter the filter; resource type, pattern type, operation and permission are required
     * @return the deleted ACLs, sorted
     * @throws RestException 400 when a required filter field is missing or {@code UNKNOWN}
     */
    public List<Acl> delete(AclFilter filter) {
        requireKnown("resource_type", filter.resourceType());
        requireKnown("pattern_type", filter.patternType());
        requireKnown("operation", filter.operation());
        requireKnown("permission", filter.permission());
        DeleteAclsResult result = admin.deleteAcls(List.of(toFilter(filter)));
        Collection<AclBinding> deleted = KafkaFutures.get(result.all());
        return sorted(deleted);
    }

    private static void requireKnown(String field, String value) {
        if (value == null || value.isBlank() || value.trim().equalsIgnoreCase("UNKNOWN")) {
            throw RestException.badRequest(field + " is required and must not be UNKNOWN.");
        }
    }

    private static List<Acl> sorted(Collection<AclBinding> bindings) {
        List<Acl> result = new ArrayList<>();
        for (AclBinding b : bindings) {
            result.add(toAcl(b));
        }
        result.sort(Comparator.comparing(Acl::resourceType).thenComparing(Acl::resourceName)
                .thenComparing(Acl::patternType).thenComparing(Acl::principal).thenComparing(Acl::host)
                .thenComparing(Acl::operation).thenComparing(Acl::permission));
        return result;
    }

    private static Acl toAcl(AclBinding b) {
        return new Acl(b.pattern().resourceType().name(), b.pattern().name(), b.pattern().patternType().name(),
                b.entry().principal(), b.entry().host(), b.entry().operation().name(),
                b.entry().permissionType().name());
    }

    private static AclBindingFilter toFilter(AclFilter f) {
        return new AclBindingFilter(
                new ResourcePatternFilter(parse(ResourceType.class, "resource_type", f.resourceType()),
                        emptyToNull(f.resourceName()), parse(PatternType.class, "pattern_type", f.patternType())),
                new AccessControlEntryFilter(emptyToNull(f.principal()), emptyToNull(f.host()),
                        parse(AclOperation.class, "operation", f.operation()),
                        parse(AclPermissionType.class, "permission", f.permission())));
    }

    private static AclBinding toBinding(Acl a) {
        ResourceType type = parse(ResourceType.class, "resource_type", require("resource_type", a.resourceType()));
        PatternType pattern = parse(PatternType.class, "pattern_type", require("pattern_type", a.patternType()));
        AclOperation operation = parse(AclOperation.class, "operation", require("operation", a.operation()));
        AclPermissionType permission = parse(AclPermissionType.class, "permission",
                require("permission", a.permission()));
        try {
            return new AclBinding(new ResourcePattern(type, require("resource_name", a.resourceName()), pattern),
                    new AccessControlEntry(require("principal", a.principal()), require("host", a.host()),
                            operation, permission));
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest(e.getMessage());
        }
    }

    private static String require(String field, String value) {
        if (value == null || value.isEmpty()) {
            throw RestException.badRequest(field + " is required.");
        }
        return value;
    }

    private static String emptyToNull(String s) {
        return s == null || s.isEmpty() ? null : s;
    }

    /** Parses an enum name case-insensitively; a blank value is {@code ANY}. */
    private static <E extends Enum<E>> E parse(Class<E> type, String field, String value) {
        String name = value == null || value.isBlank() ? "ANY" : value.trim().toUpperCase(Locale.ROOT);
        try {
            return Enum.valueOf(type, name);
        } catch (IllegalArgumentException e) {
            throw RestException.badRequest("Invalid " + field + ": " + value + ".");
        }
    }

}
