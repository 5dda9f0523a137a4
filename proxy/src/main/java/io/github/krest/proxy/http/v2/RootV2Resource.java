package io.github.krest.proxy.http.v2;

import java.util.Map;

import io.github.krest.proxy.http.ContentTypes;
import io.github.krest.proxy.http.RequestBodies;
import io.github.krest.proxy.http.Responses;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * Confluent v2: {@code GET /} and {@code POST /}, both answering {@code {}} (used as a liveness check by clients).
 * Resource names {@code api.v2.root.get}, {@code api.v2.root.post}.
 */
final class RootV2Resource implements HttpService {
    private final long maxBodyBytes;

    RootV2Resource(long maxBodyBytes) {
        this.maxBodyBytes = maxBodyBytes;
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/", this::get).post("/", this::post);
    }

    private void get(ServerRequest req, ServerResponse res) {
        Responses.json(res, Status.OK_200, ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE), Map.of());
    }

    private void post(ServerRequest req, ServerResponse res) {
        String type = ContentTypes.contentType(req).orElse("");
        if (!type.equals(ContentTypes.V2_JSON.text()) && !type.equals(ContentTypes.KAFKA_JSON.text())
                && !type.equals(ContentTypes.JSON.text())) {
            throw ContentTypes.unsupportedMediaType();
        }
        RequestBodies.read(req, maxBodyBytes);
        Responses.json(res, Status.OK_200, ContentTypes.negotiate(req, ContentTypes.V2_RESPONSE), Map.of());
    }
}
