package io.github.krest.state.redis;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * One of the store's Lua scripts, read from this package's resources. Group-scoped scripts get {@code common.lua}
 * prepended. The SHA-1 is computed locally, so nothing is loaded at start-up (Redis may be down then): the store
 * calls EVALSHA and falls back to EVAL, which caches the script on the server, on NOSCRIPT.
 *
 * @param name   the resource name without {@code .lua}
 * @param source the full script text
 * @param sha    its SHA-1, lower-case hex, as Redis computes it
 */
record LuaScript(String name, String source, String sha) {

    static LuaScript groupScoped(String name) {
        return of(name, read("common") + "\n" + read(name));
    }

    static LuaScript standalone(String name) {
        return of(name, read(name));
    }

    private static LuaScript of(String name, String source) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(source.getBytes(StandardCharsets.UTF_8));
            return new LuaScript(name, source, HexFormat.of().formatHex(digest));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every JDK has SHA-1", e);
        }
    }

    private static String read(String name) {
        try (InputStream in = LuaScript.class.getResourceAsStream(name + ".lua")) {
            if (in == null) {
                throw new IllegalStateException("missing script resource " + name + ".lua");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
