package io.github.krest.proxy.compat;

import static io.github.krest.proxy.compat.Compat.JSON;
import static io.github.krest.proxy.compat.Compat.assertError;
import static io.github.krest.proxy.compat.Compat.assertOk;
import static io.github.krest.proxy.compat.Compat.send;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent's {@code AclsResourceIntegrationTest} against krest on a broker with an authorizer: a search answers a
 * {@code KafkaAclList} whose {@code self} names every filter (enums upper case, {@code ANY} when not given); creating
 * answers 201 with the created ACL's search URL in {@code Location}; a batch answers 204 (also with no entries); a
 * delete without filters is 400 and one matching both ACLs answers them. Issue #24: a batch without a body, or whose
 * body parses as {@code {}} ({@code {}}}), is 422; an entry missing its fields is 400; an unknown field is 400.
 */
class V3AclsCompatTest {
    private static final String ALICE = "{\"resource_type\":\"TOPIC\",\"resource_name\":\"*\",\"pattern_type\":"
            + "\"LITERAL\",\"principal\":\"User:alice\",\"host\":\"*\",\"operation\":\"READ\","
            + "\"permission\":\"ALLOW\"}";
    private static final String BOB = "{\"resource_type\":\"TOPIC\",\"resource_name\":\"topic-\",\"pattern_type\":"
            + "\"PREFIXED\",\"principal\":\"User:bob\",\"host\":\"1.2.3.4\",\"operation\":\"WRITE\",\"permission\":"
            + "\"ALLOW\"}";

    private static KafkaClusterTestKit cluster;
    private static TestKrest krest;
    private static KrestHttp http;
    private static String acls;
    private static String aliceUrl;
    private static String bobUrl;
    private static String searchUrl;

    @BeforeAll
    static void start() {
        cluster = TestKafka.startWithAuthorizer();
        krest = TestKrest.start(Map.of("bootstrap.servers", cluster.bootstrapServers()));
        http = krest.http();
        acls = "/v3/clusters/" + Compat.clusterId(http) + "/acls";
        aliceUrl = http.base() + acls + "?resource_type=TOPIC&resource_name=*&pattern_type=LITERAL"
                + "&principal=User%3Aalice&host=*&operation=READ&permission=ALLOW";
        bobUrl = http.base() + acls + "?resource_type=TOPIC&resource_name=topic-&pattern_type=PREFIXED"
                + "&principal=User%3Abob&host=1.2.3.4&operation=WRITE&permission=ALLOW";
        searchUrl = http.base() + acls + "?resource_type=TOPIC&resource_name=topic-1&pattern_type=MATCH"
                + "&principal=&host=&operation=ANY&permission=ANY";
    }

    @AfterAll
    static void stop() throws Exception {
        krest.close();
        cluster.close();
    }

    @AfterEach
    void deleteAll() {
        assertEquals(200, send(http, "DELETE", acls + "?resource_type=ANY&pattern_type=ANY&operation=ANY"
                + "&permission=ANY", null, null).status());
    }

    private static JsonNode search() {
        JsonNode list = assertOk(http.get(acls + "?resource_type=topic&resource_name=topic-1&pattern_type=match",
                "Accept", JSON), 200, JSON);
        assertEquals("KafkaAclList", list.get("kind").asText());
        assertEquals(searchUrl, list.at("/metadata/self").asText());
        return list.get("data");
    }

    private static void assertAliceAndBob(JsonNode data) {
        assertEquals(2, data.size(), data.toString());
        assertEquals(aliceUrl, data.at("/0/metadata/self").asText());
        assertEquals("User:alice", data.at("/0/principal").asText());
        assertEquals("READ", data.at("/0/operation").asText());
        assertEquals(bobUrl, data.at("/1/metadata/self").asText());
        assertEquals("PREFIXED", data.at("/1/pattern_type").asText());
        assertEquals("1.2.3.4", data.at("/1/host").asText());
    }

    @Test
    void createSearchAndMultiDelete() {
        assertEquals(0, search().size());
        KrestHttp.Response alice = http.post(acls, JSON, ALICE);
        assertEquals(201, alice.status(), alice.body());
        assertEquals(aliceUrl, alice.headers().firstValue("Location").orElse(""));
        KrestHttp.Response bob = http.post(acls, JSON, BOB);
        assertEquals(201, bob.status(), bob.body());
        assertEquals(bobUrl, bob.headers().firstValue("Location").orElse(""));
        assertAliceAndBob(search());

        assertError(send(http, "DELETE", acls, null, null, "Accept", JSON), 400, 400, JSON);
        JsonNode deleted = assertOk(send(http, "DELETE", searchUrl.substring(http.base().length()), null, null,
                "Accept", JSON), 200, JSON);
        assertAliceAndBob(deleted.get("data"));
        assertEquals(0, search().size());
    }

    @Test
    void batchCreate() {
        assertEquals(204, http.post(acls + ":batch", JSON, "{\"data\":[" + ALICE + "," + BOB + "]}").status());
        assertAliceAndBob(search());
        assertEquals(204, http.post(acls + ":batch", JSON, "{\"data\":[]}").status());
    }

    @Test
    void batchWithoutBodyOrDataIs422() {
        assertError(http.post(acls + ":batch", JSON, ""), 422, 42206, JSON);
        assertError(http.post(acls + ":batch", JSON, "{}}"), 422, 42206, JSON);
        assertError(http.post(acls, JSON, ""), 422, 42206, JSON);
        assertEquals(0, search().size());
    }

    @Test
    void invalidOrUnknownEntriesAre400() {
        assertError(http.post(acls + ":batch", JSON, "{\"data\": [{\"resource_type\":\"TOPIC\"}]}"), 400, 400, JSON);
        assertError(http.post(acls + ":batch", JSON, "{\"data\":[" + ALICE.replace("}", ",\"hosts\":\"*\"}")
                + "]}"), 400, 400, JSON);
        assertError(http.post(acls, JSON, BOB.replace("}", ",\"resourceType\":\"TOPIC\"}")), 400, 400, JSON);
        assertEquals(0, search().size());
    }
}
