package io.github.krest.proxy.http;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * krest's own OpenAPI 3 document ({@value #RESOURCE} on the classpath, written for krest and kept in sync with
 * {@link ResourceNames#ROUTES} by {@code OpenApiDocumentTest}): {@code GET /openapi} answers it as
 * {@code application/vnd.oai.openapi}, {@code GET /openapi.yaml} as {@code application/yaml}. Not a Confluent
 * endpoint, so it has no resource name and the access lists never block it.
 */
public final class OpenApiResource implements HttpService {
    /** Classpath location of the document. */
    public static final String RESOURCE = "/openapi/krest-openapi.yaml";

    private final byte[] document;

    /**
     * Reads the document once.
     *
     * @throws IllegalStateException if the resource is missing from the classpath
     */
    public OpenApiResource() {
        this.document = load();
    }

    @Override
    public void routing(HttpRules rules) {
        rules.get("/openapi", (req, res) -> send(res, "application/vnd.oai.openapi; charset=UTF-8"))
                .get("/openapi.yaml", (req, res) -> send(res, "application/yaml; charset=UTF-8"));
    }

    private void send(ServerResponse res, String contentType) {
        res.status(Status.OK_200);
        res.header(HeaderNames.CONTENT_TYPE, contentType);
        res.send(document);
    }

    private static byte[] load() {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                throw new IllegalStateException("Missing classpath resource " + RESOURCE);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
