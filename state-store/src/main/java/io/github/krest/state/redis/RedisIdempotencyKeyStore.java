package io.github.krest.state.redis;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.DataFormatException;
import java.util.zip.Deflater;
import java.util.zip.Inflater;

import javax.net.ssl.SSLContext;

import io.github.krest.state.IdempotencyClaim;
import io.github.krest.state.IdempotencyKey;
import io.github.krest.state.IdempotencyKeyStore;
import io.github.krest.state.PartitionRef;
import io.github.krest.state.StateStoreException;
import io.github.krest.state.StoredAnswer;

/**
 * An {@link IdempotencyKeyStore} in Redis, shared by all proxy replicas (docs/architecture.md, "Effectively-once
 * produce"). Each key is one Redis key, {@code krest:idem:<h>} where {@code <h>} is the hex of the first 16 bytes of
 * the SHA-256 of the principal and the client's key, so keys need no escaping, every key has the same short length
 * whatever the client sent, and two principals never share one: a hash while an attempt runs, a string
 * ({@code fingerprint\nstatus\ncontent type\nbody}) once completed, which costs Redis about half as much as a hash
 * holding the same answer; a body of more than {@value #COMPRESS_FROM} characters is kept deflated (a v2 answer of
 * 500 records, 32 KB of JSON, takes about 1.9 KB). Every operation is one Lua script on that one key
 * (next to this class), so it runs on one server, a Sentinel-watched master or a Redis Cluster alike. A key expires
 * in Redis when the {@link IdempotencyKeyStore} model forgets it; nothing needs sweeping.
 *
 * <p>Connections and failures are {@link RedisConnection}'s, as for the consumer store.
 */
public final class RedisIdempotencyKeyStore implements IdempotencyKeyStore {
    /** The prefix of every idempotency key in Redis. */
    static final String PREFIX = "krest:idem:";
    private static final LuaScript CLAIM = LuaScript.standalone("idempotency_claim");
    private static final LuaScript ARM = LuaScript.standalone("idempotency_arm");
    private static final LuaScript COMPLETE = LuaScript.standalone("idempotency_complete");
    private static final LuaScript RELEASE = LuaScript.standalone("idempotency_release");
    private static final LuaScript ABANDON = LuaScript.standalone("idempotency_abandon");

    /** Bodies longer than this are stored deflated and base64-encoded; shorter ones as they are. */
    static final int COMPRESS_FROM = 256;

    private final RedisConnection redis;

    /**
     * Creates the store. Does not connect: the first operation does, so the proxy can start while Redis is down.
     *
     * @param config where and how to connect
     * @param tls    for {@code rediss://}: the TLS context whose trust managers check the server certificate; empty:
     *               the JVM's default trust store
     */
    public RedisIdempotencyKeyStore(RedisStateStoreConfig config, Optional<SSLContext> tls) {
        this.redis = new RedisConnection(config, tls);
    }

    /**
     * @param key a principal's idempotency key
     * @return its Redis key, {@code krest:idem:} and 32 hex digits
     */
    static String redisKey(IdempotencyKey key) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            sha.update(key.principal().getBytes(StandardCharsets.UTF_8));
            // a separator no principal name contains keeps ("ab", "c") and ("a", "bc") apart
            sha.update((byte) 0);
            sha.update(key.key().getBytes(StandardCharsets.UTF_8));
            return PREFIX + HexFormat.of().formatHex(sha.digest(), 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-256", e);
        }
    }

    @Override
    public IdempotencyClaim claim(IdempotencyKey key, String fingerprint, long token, String requestId, long nowMs,
                                  long attemptMs, long ttlMs) {
        requireLine(fingerprint, "fingerprint");
        Objects.requireNonNull(requestId, "requestId");
        requirePositive(attemptMs, "attemptMs");
        requirePositive(ttlMs, "ttlMs");
        List<?> reply = RedisCodec.list(eval(CLAIM, key, fingerprint, Long.toString(token), requestId,
                Long.toString(nowMs), Long.toString(Math.addExact(nowMs, attemptMs)), Long.toString(ttlMs)));
        return switch (RedisCodec.string(reply.get(0))) {
            case "STARTED" -> new IdempotencyClaim.Started(token, RedisCodec.string(reply.get(1)),
                    RedisCodec.number(reply.get(2)) == 0 ? Optional.empty()
                            : Optional.of(new IdempotencyClaim.Earlier(RedisCodec.number(reply.get(3)),
                                    RedisCodec.number(reply.get(4)) == 1
                                            ? Optional.of(decode(RedisCodec.string(reply.get(5))))
                                            : Optional.empty())));
            case "MISMATCH" -> new IdempotencyClaim.Mismatch();
            case "COMPLETED" -> new IdempotencyClaim.Completed(new StoredAnswer(
                    (int) RedisCodec.number(reply.get(1)), RedisCodec.string(reply.get(2)),
                    unpack(RedisCodec.string(reply.get(3)))));
            case "RUNNING" -> new IdempotencyClaim.Running(RedisCodec.number(reply.get(1)),
                    RedisCodec.number(reply.get(2)));
            default -> throw new StateStoreException("unexpected claim reply from Redis: " + reply);
        };
    }

    @Override
    public boolean renew(IdempotencyKey key, long token, long nowMs, long attemptMs, long ttlMs) {
        return arm(key, token, "", nowMs, attemptMs, ttlMs);
    }

    @Override
    public boolean arm(IdempotencyKey key, long token, Map<PartitionRef, Long> scanFrom, long nowMs, long attemptMs,
                       long ttlMs) {
        return arm(key, token, encode(scanFrom), nowMs, attemptMs, ttlMs);
    }

    private boolean arm(IdempotencyKey key, long token, String from, long nowMs, long attemptMs, long ttlMs) {
        requirePositive(attemptMs, "attemptMs");
        requirePositive(ttlMs, "ttlMs");
        return RedisCodec.number(eval(ARM, key, Long.toString(token), from, Long.toString(nowMs),
                Long.toString(Math.addExact(nowMs, attemptMs)), Long.toString(ttlMs))) == 1;
    }

    @Override
    public boolean complete(IdempotencyKey key, long token, StoredAnswer answer, long nowMs, long ttlMs) {
        Objects.requireNonNull(answer, "answer");
        requireLine(answer.contentType(), "contentType");
        requirePositive(ttlMs, "ttlMs");
        return RedisCodec.number(eval(COMPLETE, key, Long.toString(token), Integer.toString(answer.status()),
                answer.contentType(), pack(answer.body()), Long.toString(ttlMs))) == 1;
    }

    @Override
    public boolean release(IdempotencyKey key, long token, long nowMs, long ttlMs) {
        requirePositive(ttlMs, "ttlMs");
        return RedisCodec.number(eval(RELEASE, key, Long.toString(token), Long.toString(nowMs),
                Long.toString(ttlMs))) == 1;
    }

    @Override
    public boolean abandon(IdempotencyKey key, long token) {
        return RedisCodec.number(eval(ABANDON, key, Long.toString(token))) == 1;
    }

    /**
     * @param body an answer's body
     * @return {@code t<body>}, or {@code z<base64 of the deflated UTF-8>} for a body over {@value #COMPRESS_FROM}
     *         characters (JSON answers of many records repeat their field names: a twentieth of the size)
     */
    static String pack(String body) {
        if (body.length() <= COMPRESS_FROM) {
            return "t" + body;
        }
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION);
        try {
            deflater.setInput(body.getBytes(StandardCharsets.UTF_8));
            deflater.finish();
            ByteArrayOutputStream out = new ByteArrayOutputStream(body.length() / 8 + 64);
            byte[] buffer = new byte[8192];
            while (!deflater.finished()) {
                out.write(buffer, 0, deflater.deflate(buffer));
            }
            return "z" + Base64.getEncoder().encodeToString(out.toByteArray());
        } finally {
            deflater.end();
        }
    }

    /** @return the body {@link #pack} packed */
    static String unpack(String packed) {
        if (packed.startsWith("t")) {
            return packed.substring(1);
        }
        if (!packed.startsWith("z")) {
            throw new StateStoreException("corrupt stored answer in Redis");
        }
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(Base64.getDecoder().decode(packed.substring(1)));
            ByteArrayOutputStream out = new ByteArrayOutputStream(packed.length() * 8);
            byte[] buffer = new byte[8192];
            while (!inflater.finished()) {
                int n = inflater.inflate(buffer);
                if (n == 0 && (inflater.needsInput() || inflater.needsDictionary())) {
                    throw new StateStoreException("corrupt stored answer in Redis: truncated");
                }
                out.write(buffer, 0, n);
            }
            return out.toString(StandardCharsets.UTF_8);
        } catch (DataFormatException | IllegalArgumentException e) {
            throw new StateStoreException("corrupt stored answer in Redis: " + e.getMessage());
        } finally {
            inflater.end();
        }
    }

    /** {@code |t:0=5,t:1=7}: the leading bar makes an armed key with no partitions distinguishable from none. */
    static String encode(Map<PartitionRef, Long> scanFrom) {
        StringBuilder out = new StringBuilder("|");
        scanFrom.forEach((partition, offset) -> {
            if (offset == null || offset < 0) {
                throw new IllegalArgumentException("offset of " + partition + " must be >= 0: " + offset);
            }
            if (out.length() > 1) {
                out.append(',');
            }
            out.append(RedisCodec.key(partition)).append('=').append(offset);
        });
        return out.toString();
    }

    static Map<PartitionRef, Long> decode(String from) {
        if (!from.startsWith("|")) {
            throw new StateStoreException("corrupt scan offsets in Redis: " + from);
        }
        Map<PartitionRef, Long> offsets = new HashMap<>();
        for (String entry : RedisCodec.split(from.substring(1))) {
            int eq = entry.lastIndexOf('=');
            if (eq <= 0) {
                throw new StateStoreException("corrupt scan offsets in Redis: " + from);
            }
            offsets.put(RedisCodec.partition(entry.substring(0, eq)), Long.parseLong(entry.substring(eq + 1)));
        }
        return offsets;
    }

    private Object eval(LuaScript script, IdempotencyKey key, String... args) {
        Objects.requireNonNull(key, "key");
        return redis.eval(script, List.of(redisKey(key)), List.of(args));
    }

    /** The completed key's fields before the body are separated by line feeds. */
    private static void requireLine(String value, String name) {
        if (value.indexOf('\n') >= 0) {
            throw new IllegalArgumentException(name + " must not contain a line feed");
        }
    }

    private static void requirePositive(long value, String name) {
        if (value <= 0) {
            throw new IllegalArgumentException(name + " must be > 0: " + value);
        }
    }

    /**
     * Checks that Redis answers.
     *
     * @throws io.github.krest.state.StateStoreUnavailableException if it does not
     */
    public void ping() {
        redis.ping();
    }

    @Override
    public void close() {
        redis.close();
    }
}
