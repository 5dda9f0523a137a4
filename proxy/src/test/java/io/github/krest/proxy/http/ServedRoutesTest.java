package io.github.krest.proxy.http;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpRequest;
import java.util.ArrayList;
import java.util.List;

import io.github.krest.proxy.testing.KrestHttp;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint in {@link ResourceNames#ROUTES} (the table the access lists use and the OpenAPI document is checked
 * against) is really served: a request reaches a handler instead of the catch-all "HTTP 404 Not Found".
 */
class ServedRoutesTest {
    private static final String CATCH_ALL = "{\"error_code\":404,\"message\":\"HTTP 404 Not Found\"}";
    private static TestKrest krest;

    @BeforeAll
    static void start() {
        krest = TestKrest.start();
    }

    @AfterAll
    static void stop() {
        krest.close();
    }

    @Test
    void everyNamedRouteHasAHandler() {
        KrestHttp http = krest.http();
        String cluster = http.get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        List<String> unserved = new ArrayList<>();
        for (ResourceNames.Route route : ResourceNames.ROUTES) {
            String path = route.template().replace("{C}", cluster).replaceAll("\\{[^}]+}", "served-routes-x");
            HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(http.base() + path))
                    .timeout(java.time.Duration.ofSeconds(30));
            HttpRequest.BodyPublisher body = HttpRequest.BodyPublishers.ofString("{}");
            switch (route.method()) {
                case "GET" -> request.GET();
                case "DELETE" -> request.DELETE();
                default -> request.method(route.method(), body)
                        .header("Content-Type", path.startsWith("/v3") ? "application/json"
                                : "application/vnd.kafka.v2+json");
            }
            KrestHttp.Response response = http.send(request);
            assertFalse(response.status() >= 500, route + " answered " + response.status() + " " + response.body());
            if (response.status() == 404 && CATCH_ALL.equals(response.body())) {
                unserved.add(route.method() + " " + route.template());
            }
        }
        assertTrue(unserved.isEmpty(), "routes without a handler: " + unserved);
    }
}
