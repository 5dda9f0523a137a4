package io.github.krest.proxy.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * A WebSocket client of krest (the JDK's {@link java.net.http.WebSocket}): the server's text messages in a queue,
 * and the close code the server sent.
 */
public final class WebSocketClient implements WebSocket.Listener, AutoCloseable {
    private static final HttpClient CLIENT = HttpClient.newHttpClient();

    private final BlockingQueue<String> messages = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private WebSocket socket;

    private WebSocketClient() {
    }

    /**
     * Opens a socket.
     *
     * @param url e.g. {@code ws://127.0.0.1:port/path?query}
     * @param headers header names and values of the upgrade request
     * @return the open socket
     * @throws AssertionError when the server refused the upgrade (see {@link #refusal})
     */
    public static WebSocketClient open(String url, String... headers) {
        WebSocketClient client = new WebSocketClient();
        try {
            client.socket = builder(headers).buildAsync(URI.create(url), client).get(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("upgrade of " + url + " failed: " + e, e);
        }
        return client;
    }

    /**
     * @param url a socket's URL
     * @param headers header names and values of the upgrade request
     * @return the HTTP answer of an upgrade the server refused: status and body
     * @throws AssertionError when the socket opened
     */
    public static KrestHttp.Response refusal(String url, String... headers) {
        try {
            WebSocket opened = builder(headers).buildAsync(URI.create(url), new WebSocketClient())
                    .get(30, TimeUnit.SECONDS);
            opened.abort();
            throw new AssertionError("the upgrade of " + url + " was accepted");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (TimeoutException e) {
            throw new AssertionError(e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() instanceof CompletionException c ? c.getCause() : e.getCause();
            if (cause instanceof WebSocketHandshakeException refused) {
                Object body = refused.getResponse().body();
                String text = body == null ? "" : body.toString();
                JsonNode json = null;
                try {
                    json = text.isEmpty() ? null : KrestHttp.json(text);
                } catch (RuntimeException notJson) {
                    // the status is what the caller asserts then
                }
                return new KrestHttp.Response(refused.getResponse().statusCode(), text, json,
                        refused.getResponse().headers());
            }
            throw new AssertionError("upgrade failed otherwise: " + cause, cause);
        }
    }

    private static WebSocket.Builder builder(String... headers) {
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return builder;
    }

    /**
     * @param timeoutMs longest wait
     * @return the next text message
     * @throws AssertionError when none came in time
     */
    public String next(long timeoutMs) throws InterruptedException {
        String message = messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (message == null) {
            throw new AssertionError("no message within " + timeoutMs + " ms (closed: " + closed.getNow(null) + ")");
        }
        return message;
    }

    /** @return the next text message within {@code timeoutMs}, null when none came */
    public String poll(long timeoutMs) throws InterruptedException {
        return messages.poll(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /** @return the messages received and not taken yet */
    public List<String> drain() {
        List<String> rest = new ArrayList<>();
        messages.drainTo(rest);
        return rest;
    }

    /** Sends one text message. */
    public void send(String text) {
        socket.sendText(text, true).join();
    }

    /**
     * @param timeoutMs longest wait
     * @return the status code of the server's close
     * @throws AssertionError when the server did not close in time
     */
    public int closeCode(long timeoutMs) throws InterruptedException {
        try {
            return closed.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new AssertionError("the server did not close the socket: " + e, e);
        }
    }

    /** @return whether the server closed the socket (or it failed) */
    public boolean isClosed() {
        return closed.isDone();
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            messages.add(partial.toString());
            partial.setLength(0);
        }
        webSocket.request(1);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    @Override
    public void close() {
        if (socket != null && !socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (ExecutionException | TimeoutException e) {
                // the server is gone already
            }
        }
        if (socket != null) {
            socket.abort();
        }
    }
}
