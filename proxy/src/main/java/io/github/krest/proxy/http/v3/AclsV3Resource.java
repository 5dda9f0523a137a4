package io.github.krest.proxy.http.v3;

import io.github.krest.proxy.http.CallerSessions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.github.krest.proxy.core.admin.AclAdminService;
import io.github.krest.proxy.core.admin.AclAdminService.Acl;
import io.github.krest.proxy.core.admin.AclAdminService.AclFilter;
import io.github.krest.proxy.error.RestException;
import io.github.krest.proxy.http.BaseUrls;
import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.Responses;
import io.github.krest.proxy.json.Json;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v3 ACLs (docs/api.md, "API served"; Confluent {@code AclsResource},
 * {@code CreateAclBatchAction}):
 * <ul>
 *   <li>{@code GET /v3/clusters/{C}/acls?resource_type&resource_name&pattern_type&principal&host&operation&permission}
 *       searches (enum values case-insensitive, defaults {@code ANY} / empty) and answers a KafkaAclList;</li>
 *   <li>{@code POST .../acls} creates one ACL: 201 with {@code Location} = the search URL for it, no body;</li>
 *   <li>{@code POST .../acls:batch} with {@code {"data": [...]}} creates many: 204;</li>
 *   <li>{@code DELETE .../acls?...} deletes by filter (resource_type, pattern_type, operation and permission
 *       required, not UNKNOWN, else 400) and answers {@code {"data": [deleted ACLs]}}.</li>
 * </ul>
 * Bodies must be {@code application/json} (415 otherwise), at most {@code request.body.max.bytes} (413);
 * malformed JSON or an unknown field is 400; no body, or a batch without {@code data}, is 422/42206 (Confluent's
 * payload error). Without an authorizer on the brokers Kafka answers SecurityDisabled: 400/40002.
 */
final class AclsV3Resource implements HttpService {
    private static final String ACLS = "/v3/clusters/{cluster_id}/acls";
    private final Clusters clusters;
    private final BaseUrls urls;
    private final CallerSessions kafka;
    private final long maxBodyBytes;

    AclsV3Resource(Clusters clusters, BaseUrls urls, CallerSessions kafka, long maxBodyBytes) {
        this.clusters = clusters;
        this.urls = urls;
        this.kafka = kafka;
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get(ACLS, this::search)
                .post(ACLS, this::create)
                .post(ACLS + ":batch", this::createBatch)
                .delete(ACLS, this::delete);
    }

    private void search(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        AclFilter filter = filter(req);
        List<AclsV3Json.Acl> data = acls(req).search(filter).stream().map(a -> acl(ctx, a)).toList();
        Responses.json(res, Status.OK_200, type, ctx.list("KafkaAclList", searchSelf(ctx, filter), data));
    }

    private void create(ServerRequest req, ServerResponse res) {
        V3Context ctx = clusters.context(req, urls);
        AclsV3Json.CreateAclRequest body = V3Bodies.read(req, maxBodyBytes, AclsV3Json.CreateAclRequest.class)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."));
        Acl acl = acls(req).create(List.of(toAcl(body))).getFirst();
        res.status(Status.CREATED_201);
        res.header(HeaderNames.LOCATION, searchUrl(ctx, new AclFilter(acl.resourceType(), acl.resourceName(),
                acl.patternType(), acl.principal(), acl.host(), acl.operation(), acl.permission())));
        res.send();
    }

    private void createBatch(ServerRequest req, ServerResponse res) {
        clusters.context(req, urls);
        AclsV3Json.CreateAclBatchRequest batch = V3Bodies.read(req, maxBodyBytes,
                        AclsV3Json.CreateAclBatchRequest.class)
                .orElseThrow(() -> RestException.payload("Request body is empty. Data is required."));
        if (batch.data() == null) {
            throw RestException.payload("Empty input provided. Data is required.");
        }
        for (AclsV3Json.CreateAclRequest r : batch.data()) {
            if (r == null) {
                throw RestException.badRequest("data entries must be objects.");
            }
        }
        acls(req).create(batch.data().stream().map(AclsV3Resource::toAcl).toList());
        res.status(Status.NO_CONTENT_204);
        res.send();
    }

    private void delete(ServerRequest req, ServerResponse res) {
        var type = ContentTypes.negotiate(req, ContentTypes.V3_RESPONSE);
        V3Context ctx = clusters.context(req, urls);
        List<AclsV3Json.Acl> deleted = acls(req).delete(filter(req)).stream().map(a -> acl(ctx, a)).toList();
        Responses.json(res, Status.OK_200, type, new AclsV3Json.DeleteAclsResponse(deleted));
    }

    private static AclFilter filter(ServerRequest req) {
        var q = req.query();
        return new AclFilter(q.first("resource_type").orElse(""), q.first("resource_name").orElse(""),
                q.first("pattern_type").orElse(""), q.first("principal").orElse(""), q.first("host").orElse(""),
                q.first("operation").orElse(""), q.first("permission").orElse(""));
    }

    private static Acl toAcl(AclsV3Json.CreateAclRequest r) {
        return new Acl(r.resourceType(), r.resourceName(), r.patternType(), r.principal(), r.host(), r.operation(),
                r.permission());
    }

    private static AclsV3Json.Acl acl(V3Context ctx, Acl a) {
        String self = searchUrl(ctx, new AclFilter(a.resourceType(), a.resourceName(), a.patternType(),
                a.principal(), a.host(), a.operation(), a.permission()));
        String crn = ctx.crn("acl", "resource_type=" + a.resourceType(), "resource_name", a.resourceName(),
                "pattern_type", a.patternType(), "principal", a.principal(), "host", a.host(), "operation",
                a.operation(), "permission", a.permission());
        return new AclsV3Json.Acl("KafkaAcl", ctx.metadata(self, crn), ctx.clusterId(), a.resourceType(),
                a.resourceName(), a.patternType(), a.principal(), a.host(), a.operation(), a.permission());
    }

    /**
     * The {@code self} of a search, as Confluent renders it: every parameter, the enums upper case and {@code ANY}
     * when not given, e.g. {@code ...?resource_type=TOPIC&resource_name=t&pattern_type=MATCH&principal=&host=
     * &operation=ANY&permission=ANY}.
     */
    private static String searchSelf(V3Context ctx, AclFilter f) {
        String[][] params = {{"resource_type", anyIfBlank(f.resourceType())}, {"resource_name", f.resourceName()},
            {"pattern_type", anyIfBlank(f.patternType())}, {"principal", f.principal()}, {"host", f.host()},
            {"operation", anyIfBlank(f.operation())}, {"permission", anyIfBlank(f.permission())}};
        StringBuilder sb = new StringBuilder(ctx.url("acls"));
        char sep = '?';
        for (String[] p : params) {
            sb.append(sep).append(p[0]).append('=').append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
            sep = '&';
        }
        return sb.toString();
    }

    private static String anyIfBlank(String enumValue) {
        return enumValue.isBlank() ? "ANY" : enumValue.trim().toUpperCase(Locale.ROOT);
    }

    /** @return {@code <base>/v3/clusters/<id>/acls?...} with the filter's non-empty fields, URL-encoded */
    private static String searchUrl(V3Context ctx, AclFilter f) {
        StringBuilder sb = new StringBuilder(ctx.url("acls"));
        char sep = '?';
        String[][] params = {{"resource_type", f.resourceType()}, {"resource_name", f.resourceName()},
            {"pattern_type", f.patternType()}, {"principal", f.principal()}, {"host", f.host()},
            {"operation", f.operation()}, {"permission", f.permission()}};
        for (String[] p : params) {
            if (p[1] != null && !p[1].isEmpty()) {
                sb.append(sep).append(p[0]).append('=').append(URLEncoder.encode(p[1], StandardCharsets.UTF_8));
                sep = '&';
            }
        }
        return sb.toString();
    }


    private AclAdminService acls(ServerRequest req) {
        return kafka.of(req).acls();
    }
}
