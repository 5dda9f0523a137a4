package io.github.krest.proxy.http.v3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent v3 ACLs over HTTP against a broker with KRaft's {@code StandardAuthorizer} (its own cluster, PLAINTEXT
 * clients are the super user {@code User:ANONYMOUS}): create (201 + search URL in {@code Location}), batch create
 * (204), search with filters and case-insensitive enums, delete by filter answering the deleted ACLs, delete
 * without required filters 400, body errors 415/400; and on the shared test broker without an authorizer every ACL
 * endpoint answers 400/40002 (Kafka's {@code SecurityDisabledException}).
 */
class V3AclsTest {
    private static final String JSON = "application/json";
    private static KafkaClusterTestKit cluster;
    private static TestKrest krest;
    private static TestKrest noAuthorizer;
    private static KrestHttp http;
    private static String clusterId;
    private static String acls;

    @BeforeAll
    static void start() throws Exception {
        KafkaClusterTestKit kit = TestKafka.startWithAuthorizer();
        cluster = kit;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrapServers()))) {
            clusterId = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
        krest = TestKrest.start(Map.of("bootstrap.servers", kit.bootstrapServers()));
        http = krest.http();
        acls = "/v3/clusters/" + clusterId + "/acls";
        noAuthorizer = TestKrest.start();
    }

    @AfterAll
    static void stop() throws Exception {
        for (TestKrest k : new TestKrest[] {krest, noAuthorizer}) {
            if (k != null) {
                k.close();
            }
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void createOneAnswersLocationOfItsSearch() {
        KrestHttp.Response created = http.post(acls, JSON, acl("TOPIC", "acl-one", "LITERAL", "User:alice", "*",
                "READ", "ALLOW"));
        assertEquals(201, created.status(), created.body());
        assertEquals("", created.body());
        String location = created.headers().firstValue("location").orElseThrow();
        assertEquals(http.base() + acls + "?resource_type=TOPIC&resource_name=acl-one&pattern_type=LITERAL"
                + "&principal=User%3Aalice&host=*&operation=READ&permission=ALLOW", location);

        JsonNode found = await(location.substring(http.base().length()), list -> list.size() == 1);
        JsonNode a = found.get(0);
        assertEquals("KafkaAcl", a.get("kind").asText());
        assertEquals(clusterId, a.get("cluster_id").asText());
        assertEquals("TOPIC", a.get("resource_type").asText());
        assertEquals("acl-one", a.get("resource_name").asText());
        assertEquals("LITERAL", a.get("pattern_type").asText());
        assertEquals("User:alice", a.get("principal").asText());
        assertEquals("*", a.get("host").asText());
        assertEquals("READ", a.get("operation").asText());
        assertEquals("ALLOW", a.get("permission").asText());
        assertEquals(location, a.at("/metadata/self").asText());
        assertTrue(a.at("/metadata/resource_name").asText().startsWith("crn:///kafka=" + clusterId + "/acl="),
                a.toString());

        KrestHttp.Response lower = http.post(acls, JSON, acl("topic", "acl-one", "literal", "User:alice", "*",
                "describe", "allow"));
        assertEquals(201, lower.status(), lower.body());
        assertEquals(http.base() + acls + "?resource_type=TOPIC&resource_name=acl-one&pattern_type=LITERAL"
                + "&principal=User%3Aalice&host=*&operation=DESCRIBE&permission=ALLOW",
                lower.headers().firstValue("location").orElseThrow());
        await(acls + "?principal=User:alice", list -> list.size() == 2);

        KrestHttp.Response list = http.get(acls + "?principal=User:alice");
        assertEquals(200, list.status(), list.body());
        assertEquals("KafkaAclList", list.json().get("kind").asText());
        assertTrue(list.json().get("metadata").has("next"), list.body());
    }

    @Test
    void batchCreateSearchWithFiltersAndDeleteByFilter() {
        KrestHttp.Response batch = http.post(acls + ":batch", JSON, "{\"data\":["
                + acl("TOPIC", "acl-b", "LITERAL", "User:bob", "*", "WRITE", "ALLOW") + ","
                + acl("group", "acl-g", "prefixed", "User:bob", "*", "read", "deny") + "]}");
        assertEquals(204, batch.status(), batch.body());

        JsonNode both = await(acls + "?principal=User:bob", list -> list.size() == 2);
        assertEquals(List.of("GROUP", "TOPIC"), fields(both, "resource_type"));
        JsonNode topicWrite = await(acls + "?resource_type=topic&principal=User:bob&operation=write",
                list -> list.size() == 1);
        assertEquals("acl-b", topicWrite.get(0).get("resource_name").asText());
        JsonNode denied = await(acls + "?permission=Deny&pattern_type=PREFIXED", list -> list.size() == 1);
        assertEquals("acl-g", denied.get(0).get("resource_name").asText());
        assertEquals("DENY", denied.get(0).get("permission").asText());
        assertEquals(0, http.get(acls + "?principal=User:nobody").json().get("data").size());

        KrestHttp.Response deleted = delete(acls + "?resource_type=any&pattern_type=ANY&operation=ANY"
                + "&permission=ANY&principal=User:bob");
        assertEquals(200, deleted.status(), deleted.body());
        assertEquals(1, deleted.json().size(), deleted.body());
        assertEquals(List.of("acl-g", "acl-b"), fields(deleted.json().get("data"), "resource_name"));
        await(acls + "?principal=User:bob", list -> list.isEmpty());
    }

    @Test
    void deleteWithoutRequiredFiltersIs400() {
        for (String query : List.of("", "?resource_type=TOPIC&pattern_type=ANY&operation=ANY",
                "?resource_type=TOPIC&pattern_type=ANY&operation=UNKNOWN&permission=ANY",
                "?resource_type=UNKNOWN&pattern_type=ANY&operation=ANY&permission=ANY")) {
            KrestHttp.Response r = delete(acls + query);
            assertEquals(400, r.status(), query + ": " + r.body());
            assertEquals(400, r.errorCode());
        }
    }

    @Test
    void badRequestsAreRejected() {
        String body = acl("TOPIC", "x", "LITERAL", "User:carol", "*", "READ", "ALLOW");
        assertEquals(415, http.post(acls, "text/plain", body).status());
        assertEquals(415, http.post(acls + ":batch", null, "{\"data\":[]}").status());
        KrestHttp.Response malformed = http.post(acls, JSON, "{\"resource_type\":");
        assertEquals(400, malformed.status(), malformed.body());
        KrestHttp.Response badEnum = http.post(acls, JSON, acl("TOPICS", "x", "LITERAL", "User:carol", "*", "READ",
                "ALLOW"));
        assertEquals(400, badEnum.status(), badEnum.body());
        KrestHttp.Response any = http.post(acls, JSON, acl("TOPIC", "x", "ANY", "User:carol", "*", "READ",
                "ALLOW"));
        assertEquals(400, any.status(), any.body());
        assertEquals(400, http.get(acls + "?operation=FLY").status());
        assertEquals(404, http.get("/v3/clusters/nope/acls").status());
    }

    @Test
    void brokerWithoutAuthorizerAnswersSecurityDisabled() throws Exception {
        KrestHttp h = noAuthorizer.http();
        String id;
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                io.github.krest.proxy.testing.TestKafka.bootstrapServers()))) {
            id = admin.describeCluster().clusterId().get(30, TimeUnit.SECONDS);
        }
        String path = "/v3/clusters/" + id + "/acls";
        List<KrestHttp.Response> responses = List.of(
                h.get(path),
                h.post(path, JSON, acl("TOPIC", "x", "LITERAL", "User:dave", "*", "READ", "ALLOW")),
                h.post(path + ":batch", JSON, "{\"data\":[" + acl("TOPIC", "x", "LITERAL", "User:dave", "*", "READ",
                        "ALLOW") + "]}"),
                h.send(HttpRequest.newBuilder(URI.create(h.base() + path
                        + "?resource_type=ANY&pattern_type=ANY&operation=ANY&permission=ANY")).DELETE()));
        for (KrestHttp.Response r : responses) {
            assertEquals(400, r.status(), r.body());
            assertEquals(40002, r.errorCode(), r.body());
            assertTrue(r.json().get("message").asText().contains("Authorizer"), r.body());
        }
    }

    private static String acl(String type, String name, String pattern, String principal, String host,
                              String operation, String permission) {
        return "{\"resource_type\":\"" + type + "\",\"resource_name\":\"" + name + "\",\"pattern_type\":\""
                + pattern + "\",\"principal\":\"" + principal + "\",\"host\":\"" + host + "\",\"operation\":\""
                + operation + "\",\"permission\":\"" + permission + "\"}";
    }

    /** ACL changes reach the authorizer through the metadata log, so searches poll until they see them. */
    private static JsonNode await(String path, Predicate<JsonNode> done) {
        long deadline = System.currentTimeMillis() + 15_000;
        while (true) {
            KrestHttp.Response r = http.get(path);
            assertEquals(200, r.status(), r.body());
            JsonNode data = r.json().get("data");
            if (done.test(data) || System.currentTimeMillis() > deadline) {
                assertTrue(done.test(data), path + ": " + r.body());
                return data;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private static List<String> fields(JsonNode list, String field) {
        List<String> result = new ArrayList<>();
        list.forEach(a -> result.add(a.get(field).asText()));
        return result;
    }

    private static KrestHttp.Response delete(String path) {
        return http.send(HttpRequest.newBuilder(URI.create(http.base() + path)).DELETE());
    }
}
