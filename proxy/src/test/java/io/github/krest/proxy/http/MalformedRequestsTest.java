package io.github.krest.proxy.http;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.krest.proxy.config.KrestConfig;
import io.github.krest.proxy.security.PasswordFile;
import io.github.krest.proxy.testing.TestKafka;
import io.github.krest.proxy.testing.TestKrest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A corpus of malformed requests written byte for byte on a raw socket, where an HTTP client library would refuse
 * to send them: broken JSON and encodings, duplicate and absurd {@code Content-Length}s, bare LF line ends, paths
 * that are not UTF-8, oversized bodies and headers, absurd numbers, broken {@code Authorization} headers. Each must
 * answer a 4xx whose body is Confluent's JSON error, within the read time-out: never a 5xx, a stack trace or a hang.
 */
class MalformedRequestsTest {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static final int READ_TIMEOUT_MS = 20_000;
    private static final String TOPIC = "malformed-topic";
    private static TestKrest open;
    private static TestKrest secured;
    private static String cluster;

    @BeforeAll
    static void start() throws IOException {
        TestKafka.createTopic(TOPIC, 1);
        open = TestKrest.start(Map.of(KrestConfig.REQUEST_BODY_MAX_BYTES, "65536"));
        Path passwords = Files.createTempFile("krest-malformed", ".passwd");
        Files.writeString(passwords, PasswordFile.line("alice", "alice-pw".toCharArray(), 4) + "\n");
        secured = TestKrest.start(Map.of(KrestConfig.AUTHENTICATION_METHOD, "BASIC",
                KrestConfig.AUTHENTICATION_BASIC_PASSWORD_FILE, passwords.toString()));
        cluster = open.http().get("/v3/clusters").json().get("data").get(0).get("cluster_id").asText();
        // an instance, so that the consumer requests below reach their body parsers
        String v2 = "application/vnd.kafka.v2+json";
        open.http().post("/consumers/malformed-group", v2, "{\"name\":\"c\",\"format\":\"binary\"}");
        open.http().post("/consumers/malformed-group/instances/c/subscription", v2,
                "{\"topics\":[\"" + TOPIC + "\"]}");
    }

    @AfterAll
    static void stop() {
        open.close();
        secured.close();
    }

    private static byte[] request(String head, byte[] body) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static byte[] post(String path, String contentType, byte[] body) {
        return request("POST " + path + " HTTP/1.1\r\nHost: krest\r\nContent-Type: " + contentType
                + "\r\nContent-Length: " + body.length + "\r\nConnection: close\r\n\r\n", body);
    }

    private static byte[] post(String path, String contentType, String body) {
        return post(path, contentType, body.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return b;
    }

    /** The corpus for a krest without authentication: its parsers see every request. */
    // Raw requests byte for byte: a text block would hide which line ends are CRLF and which a bare LF.
    @SuppressWarnings("StringConcatToTextBlock")
    private static Map<String, byte[]> openCorpus() {
        String binary = "application/vnd.kafka.binary.v2+json";
        String json = "application/vnd.kafka.json.v2+json";
        String v2 = "application/vnd.kafka.v2+json";
        String instance = "/consumers/malformed-group/instances/c";
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        corpus.put("truncated JSON", post("/topics/" + TOPIC, binary, "{\"records\":[{\"value\":"));
        corpus.put("JSON with a trailing comma", post("/topics/" + TOPIC, json, "{\"records\":[{\"value\":1},]}"));
        corpus.put("not JSON at all", post("/topics/" + TOPIC, json, "records=1"));
        corpus.put("invalid UTF-8 in a JSON string", post("/topics/" + TOPIC, json, request(
                "{\"records\":[{\"value\":\"", bytes(0xc3, 0x28, '"', '}', ']', '}'))));
        corpus.put("UTF-16 body declared as UTF-16", post("/topics/" + TOPIC, json + "; charset=utf-16",
                "{\"records\":[{\"value\":1}]}".getBytes(StandardCharsets.UTF_16)));
        corpus.put("an unsupported charset on v2 produce", post("/topics/" + TOPIC, binary + "; charset=klingon",
                "{\"records\":[{\"value\":\"aGk=\"}]}"));
        corpus.put("an unsupported charset on a v2 consumer request", post(instance + "/subscription",
                v2 + "; charset=klingon", "{\"topics\":[\"" + TOPIC + "\"]}"));
        corpus.put("base64 that is not base64", post("/topics/" + TOPIC, binary,
                "{\"records\":[{\"value\":\"%%%not-base64%%%\"}]}"));
        corpus.put("duplicate Content-Length, different values", request("POST /topics/" + TOPIC
                + " HTTP/1.1\r\nHost: krest\r\nContent-Type: " + binary + "\r\nContent-Length: 5\r\n"
                + "Content-Length: 40\r\nConnection: close\r\n\r\n",
                "{\"records\":[]}".getBytes(StandardCharsets.UTF_8)));
        corpus.put("Content-Length and chunked together", request("POST /topics/" + TOPIC + " HTTP/1.1\r\n"
                + "Host: krest\r\nContent-Type: " + binary + "\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n"
                + "Connection: close\r\n\r\n", "0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        corpus.put("a negative Content-Length", request("POST /topics/" + TOPIC + " HTTP/1.1\r\nHost: krest\r\n"
                + "Content-Type: " + binary + "\r\nContent-Length: -1\r\nConnection: close\r\n\r\n", new byte[0]));
        corpus.put("a Content-Length past 2^63", request("POST /topics/" + TOPIC + " HTTP/1.1\r\nHost: krest\r\n"
                + "Content-Type: " + binary + "\r\nContent-Length: 99999999999999999999999\r\nConnection: close"
                + "\r\n\r\n", new byte[0]));
        corpus.put("a Content-Length far above the body limit", request("POST /topics/" + TOPIC
                + " HTTP/1.1\r\nHost: krest\r\nContent-Type: " + binary + "\r\nContent-Length: 1000000000000\r\n"
                + "Connection: close\r\n\r\n", "{\"records\":[".getBytes(StandardCharsets.UTF_8)));
        corpus.put("a chunked body above the body limit", request("POST /topics/" + TOPIC + " HTTP/1.1\r\n"
                + "Host: krest\r\nContent-Type: " + binary + "\r\nTransfer-Encoding: chunked\r\nConnection: close"
                + "\r\n\r\n", chunked("{\"records\":[" + "{\"value\":\"aGk=\"},".repeat(5000) + "]}")));
        corpus.put("a broken chunk size", request("POST /topics/" + TOPIC + " HTTP/1.1\r\nHost: krest\r\n"
                + "Content-Type: " + binary + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                "zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        corpus.put("a broken chunk size in a v3 record stream", request("POST /v3/clusters/" + cluster
                + "/topics/" + TOPIC + "/records HTTP/1.1\r\nHost: krest\r\nContent-Type: application/json\r\n"
                + "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n",
                "zz\r\nabc\r\n0\r\n\r\n".getBytes(StandardCharsets.UTF_8)));
        corpus.put("bare LF line ends", "GET /topics HTTP/1.1\nHost: krest\nConnection: close\n\n"
                .getBytes(StandardCharsets.US_ASCII));
        corpus.put("a bare LF inside the headers", ("GET /topics HTTP/1.1\r\nHost: krest\nX-A: b\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a header without a colon", ("GET /topics HTTP/1.1\r\nHost: krest\r\nno colon here\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a path that is not UTF-8 (raw bytes)", request("GET /topics/", request("",
                bytes(0xff, 0xfe, 0x80)), " HTTP/1.1\r\nHost: krest\r\nConnection: close\r\n\r\n"));
        corpus.put("a percent-encoded path that is not UTF-8", ("GET /topics/%C3%28%FF HTTP/1.1\r\nHost: krest\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a broken percent escape", ("GET /topics/%zz HTTP/1.1\r\nHost: krest\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a header of 100 KB", ("GET /topics HTTP/1.1\r\nHost: krest\r\nX-Big: " + "x".repeat(100_000)
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a request line of 100 KB", ("GET /topics/" + "x".repeat(100_000) + " HTTP/1.1\r\n"
                + "Host: krest\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a partition past 2^63", ("GET /topics/" + TOPIC + "/partitions/99999999999999999999 HTTP/1.1"
                + "\r\nHost: krest\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a negative partition", post("/topics/" + TOPIC + "/partitions/-1", binary,
                "{\"records\":[{\"value\":\"aGk=\"}]}"));
        corpus.put("a partition of 1e400 in a record", post("/topics/" + TOPIC, binary,
                "{\"records\":[{\"value\":\"aGk=\",\"partition\":1e400}]}"));
        corpus.put("an offset past 2^63 in a seek", post(instance + "/positions", v2,
                "{\"offsets\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0,\"offset\":99999999999999999999}]}"));
        corpus.put("a negative offset in a commit", post(instance + "/offsets", v2,
                "{\"offsets\":[{\"topic\":\"" + TOPIC + "\",\"partition\":0,\"offset\":-5}]}"));
        corpus.put("a timeout of 1e30 on a poll", ("GET " + instance + "/records?timeout=1e30&max_bytes="
                + "-99999999999999999999 HTTP/1.1\r\nHost: krest\r\nAccept: " + binary
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        corpus.put("a fetch.min.bytes past 2^63 at creation", post("/consumers/malformed-group", v2,
                "{\"name\":\"m\",\"fetch.min.bytes\":99999999999999999999}"));
        corpus.put("nesting 10,000 arrays deep", post("/topics/" + TOPIC, json,
                "{\"records\":[{\"value\":" + "[".repeat(10_000) + "]".repeat(10_000) + "}]}"));
        corpus.put("an unknown method", "BREW /topics HTTP/1.1\r\nHost: krest\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        corpus.put("an HTTP version that does not exist", ("GET /topics HTTP/7.3\r\nHost: krest\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return corpus;
    }

    /** The corpus for a krest with BASIC authentication: broken {@code Authorization} headers. */
    private static Map<String, byte[]> authorizationCorpus() {
        Map<String, byte[]> corpus = new LinkedHashMap<>();
        for (String value : List.of("Basic", "Basic ", "Basic %%%%", "Basic " + base64("no-colon"),
                "Basic " + base64(":only-a-password"), "Basic " + base64("alice:wrong"),
                "Basic " + "A".repeat(20_000), "Bearer abc.def.ghi", "Basic\tYWxpY2U6YWxpY2UtcHc=", "basic")) {
            corpus.put("Authorization: " + (value.length() > 40 ? value.substring(0, 40) + "..." : value),
                    ("GET /topics HTTP/1.1\r\nHost: krest\r\nAuthorization: " + value + "\r\nConnection: close"
                            + "\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        }
        corpus.put("Authorization with bytes that are not UTF-8", request("GET /topics HTTP/1.1\r\nHost: krest\r\n"
                + "Authorization: Basic ", request("", bytes(0xff, 0xfe, 0xc3, 0x28),
                        "\r\nConnection: close\r\n\r\n")));
        corpus.put("Basic credentials whose bytes are not UTF-8", ("GET /topics HTTP/1.1\r\nHost: krest\r\n"
                + "Authorization: Basic " + java.util.Base64.getEncoder().encodeToString(bytes(0xff, ':', 0xc3, 0x28))
                + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
        return corpus;
    }

    private static byte[] request(String head, byte[] middle, String tail) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(head.getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(middle);
        out.writeBytes(tail.getBytes(StandardCharsets.ISO_8859_1));
        return out.toByteArray();
    }

    private static String base64(String text) {
        return java.util.Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    private static byte[] chunked(String body) {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (int at = 0; at < bytes.length; at += 4096) {
            int n = Math.min(4096, bytes.length - at);
            out.writeBytes((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(bytes, at, n);
            out.writeBytes("\r\n".getBytes(StandardCharsets.US_ASCII));
        }
        out.writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        return out.toByteArray();
    }

    @Test
    void everyMalformedRequestGetsA4xxJsonErrorInTime() {
        List<String> failures = new ArrayList<>();
        openCorpus().forEach((name, bytes) -> check(open.port(), name, bytes, failures));
        authorizationCorpus().forEach((name, bytes) -> check(secured.port(), name, bytes, failures));
        assertTrue(failures.isEmpty(), failures.size() + " malformed requests were not answered with a 4xx JSON "
                + "error:\n" + String.join("\n", failures));
        // the servers still serve after the corpus
        assertTrue(open.http().get("/topics").status() == 200);
    }

    private static void check(int port, String name, byte[] request, List<String> failures) {
        String answer;
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(READ_TIMEOUT_MS);
            OutputStream out = socket.getOutputStream();
            try {
                out.write(request);
                out.flush();
                socket.shutdownOutput();
            } catch (IOException serverClosedEarly) {
                // the server may answer and close before reading all of a large request: read what it said
            }
            answer = readAll(socket.getInputStream());
        } catch (SocketTimeoutException e) {
            failures.add(name + ": no answer within " + READ_TIMEOUT_MS + " ms");
            return;
        } catch (IOException e) {
            failures.add(name + ": " + e);
            return;
        }
        int headEnd = answer.indexOf("\r\n\r\n");
        String statusLine = answer.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ", -1);
        int status = parts.length > 1 && parts[1].matches("\\d{3}") ? Integer.parseInt(parts[1]) : -1;
        String body = headEnd < 0 ? "" : answer.substring(headEnd + 4);
        if (answer.substring(0, Math.max(0, headEnd)).toLowerCase(java.util.Locale.ROOT)
                .contains("transfer-encoding: chunked")) {
            body = dechunk(body);
        }
        JsonNode json = null;
        try {
            json = MAPPER.readTree(body);
        } catch (IOException notJson) {
            // reported below
        }
        boolean jsonError = json != null && json.hasNonNull("error_code") && json.hasNonNull("message")
                && json.get("error_code").isInt();
        // a v3 record stream answers 200 before it reads, then one receipt per record: the error is the receipt's
        int effective = status == 200 && name.contains("v3 record stream") && jsonError
                ? json.get("error_code").asInt() : status;
        if (effective < 400 || effective > 499 || !jsonError || body.contains("Exception")) {
            failures.add(name + ": " + statusLine + " " + body.substring(0, Math.min(300, body.length())));
        }
    }

    private static String readAll(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
    }

    private static String dechunk(String body) {
        StringBuilder out = new StringBuilder();
        int at = 0;
        while (at < body.length()) {
            int lineEnd = body.indexOf("\r\n", at);
            if (lineEnd < 0) {
                break;
            }
            int size = Integer.parseInt(body.substring(at, lineEnd).trim(), 16);
            if (size == 0) {
                break;
            }
            out.append(body, lineEnd + 2, Math.min(body.length(), lineEnd + 2 + size));
            at = lineEnd + 2 + size + 2;
        }
        return out.toString();
    }
}
