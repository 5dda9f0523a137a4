package io.github.krest.proxy.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import io.github.krest.proxy.security.PasswordFile;

/**
 * {@link BrowserClientContract} with HTTP Basic authentication on everything except the two consumer groups the page
 * reads ({@code authentication.skip.paths} adds {@code /consumers/browser-it-sse}, {@code /consumers/browser-it-sse/*}
 * and the same for {@code browser-it-ws}): a browser's {@code EventSource} and WebSocket cannot send an
 * {@code Authorization} header, so the record stream and the consumer instance it reads are open, and produce needs
 * the password (docs/browser.md says why and what else a deployment can do). Runs with or without the WebSocket
 * endpoints (the WebSocket run is skipped without them).
 */
class BrowserClientIT extends BrowserClientContract {
    private static final String USER = "alice";
    private static final String PASSWORD = "browser-secret";

    @Override
    Map<String, String> authentication(Path workDir) throws IOException {
        Path passwords = workDir.resolve("passwords");
        Files.writeString(passwords, PasswordFile.line(USER, PASSWORD.toCharArray(), 4) + "\n",
                StandardCharsets.UTF_8);
        passwords.toFile().deleteOnExit();
        return Map.of("KAFKA_REST_AUTHENTICATION_METHOD", "BASIC",
                "KAFKA_REST_AUTHENTICATION_BASIC_PASSWORD_FILE", passwords.toString(),
                "KAFKA_REST_AUTHENTICATION_SKIP_PATHS", "/observe/health,/observe/health/*,"
                        + "/consumers/" + GROUP + "-sse,/consumers/" + GROUP + "-sse/*,"
                        + "/consumers/" + GROUP + "-ws,/consumers/" + GROUP + "-ws/*");
    }

    @Override
    Map<String, String> pageCredentials() {
        return Map.of("user", USER, "password", PASSWORD);
    }
}
