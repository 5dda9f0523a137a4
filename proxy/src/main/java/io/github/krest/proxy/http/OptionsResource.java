package io.github.krest.proxy.http;

import java.util.Set;

import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;

/**
 * {@code OPTIONS} on a path krest serves answers 200 with no body and {@code Allow} naming its methods, as Jersey
 * answers it for Confluent's resources (whose access list tests expect {@code OPTIONS} to be always allowed); other
 * paths go on to the JSON 404. Register after the CORS preflight handler, which answers preflights itself.
 */
public final class OptionsResource implements HttpService {
    @Override
    public void routing(HttpRules rules) {
        rules.options("/*", this::options);
    }

    private void options(ServerRequest req, ServerResponse res) {
        Set<String> methods = ResourceNames.methods(req.path().path());
        if (methods.isEmpty()) {
            res.next();
            return;
        }
        res.status(Status.OK_200);
        res.header(HeaderNames.ALLOW, String.join(", ", methods) + ", OPTIONS");
        res.send();
    }
}
