package io.github.krest.proxy.security;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import at.favre.lib.crypto.bcrypt.BCrypt;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;

/**
 * {@code authentication.basic.password.file}: lines of {@code user:bcrypt-hash} ({@code $2a$}, {@code $2b$} or
 * {@code $2y$}, as written by {@code bin/krest-passwd} or {@code htpasswd -B}); blank lines and lines starting with
 * {@code #} are ignored.
 *
 * <p>Read at start-up (an unreadable or malformed file stops start-up), then re-read when its modification time
 * changes, checked at most every {@value #RELOAD_CHECK_MS} ms on a request; a re-read that fails keeps the previous
 * users and logs a warning. A bcrypt check costs tens of milliseconds by design, so a successful check is
 * remembered for {@code authentication.verified.cache.ms} as an HMAC of user, password and hash under a key that
 * lives only in this process.
 */
public final class PasswordFile {
    static final long RELOAD_CHECK_MS = 2_000;
    private static final System.Logger LOG = System.getLogger(PasswordFile.class.getName());
    /** bcrypt cost of {@code bin/krest-passwd}. */
    public static final int DEFAULT_COST = 12;

    private final Path path;
    private final byte[] cacheKey = new byte[32];
    private final Cache<String, Boolean> verified;
    private volatile Map<String, String> hashes;
    private volatile FileTime modified;
    private volatile long lastCheck;

    /**
     * Reads the file.
     *
     * @param path the file
     * @param verifiedTtl how long a successful check is remembered ({@code authentication.verified.cache.ms})
     * @throws IllegalArgumentException when it cannot be read or has a malformed line (the message names the line
     *                                  number, never its content)
     */
    public PasswordFile(Path path, Duration verifiedTtl) {
        this.path = path;
        this.verified = Caffeine.newBuilder().maximumSize(10_000).expireAfterWrite(verifiedTtl).build();
        new SecureRandom().nextBytes(cacheKey);
        try {
            this.modified = Files.getLastModifiedTime(path);
            this.hashes = parse(Files.readAllLines(path, StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new IllegalArgumentException("cannot read " + path + ": " + e.getMessage(), e);
        }
        this.lastCheck = System.currentTimeMillis();
    }

    /**
     * Parses password file lines.
     *
     * @param lines the lines
     * @return hash by user
     * @throws IllegalArgumentException for a malformed line
     */
    static Map<String, String> parse(List<String> lines) {
        Map<String, String> hashes = new HashMap<>();
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i).strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int colon = line.indexOf(':');
            String hash = colon < 0 ? "" : line.substring(colon + 1);
            if (colon <= 0 || !(hash.startsWith("$2a$") || hash.startsWith("$2b$") || hash.startsWith("$2y$"))
                    || hash.length() != 60) {
                throw new IllegalArgumentException("line " + (i + 1) + " is not user:bcrypt-hash");
            }
            hashes.put(line.substring(0, colon), hash);
        }
        return hashes;
    }

    /**
     * @param user     the user name
     * @param password the password sent
     * @return whether the file has the user with that password
     */
    public boolean verify(String user, String password) {
        reloadIfChanged();
        Optional<String> hash = Optional.ofNullable(hashes.get(user));
        String key = hash.map(h -> mac(user, password, h)).orElse(null);
        if (key != null && verified.getIfPresent(key) != null) {
            return true;
        }
        boolean ok = check(password, hash.orElseGet(() -> Dummy.HASH)) && hash.isPresent();
        if (ok) {
            verified.put(key, Boolean.TRUE);
        }
        return ok;
    }

    /** Checked for unknown users, so that they take as long as known ones. */
    private static final class Dummy {
        static final String HASH = BCrypt.withDefaults().hashToString(DEFAULT_COST,
                "not a password".toCharArray());
    }

    private static boolean check(String password, String hash) {
        try {
            return BCrypt.verifyer().verify(password.getBytes(StandardCharsets.UTF_8),
                    hash.getBytes(StandardCharsets.UTF_8)).verified;
        } catch (IllegalArgumentException tooLong) {
            // bcrypt reads at most 72 bytes; a longer password was never hashed by bin/krest-passwd
            return false;
        }
    }

    private String mac(String user, String password, String hash) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(cacheKey, "HmacSHA256"));
            mac.update((user + '\0' + hash + '\0').getBytes(StandardCharsets.UTF_8));
            return java.util.HexFormat.of().formatHex(mac.doFinal(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }

    private void reloadIfChanged() {
        long now = System.currentTimeMillis();
        if (now - lastCheck < RELOAD_CHECK_MS) {
            return;
        }
        synchronized (this) {
            if (now - lastCheck < RELOAD_CHECK_MS) {
                return;
            }
            lastCheck = now;
            try {
                FileTime time = Files.getLastModifiedTime(path);
                if (!time.equals(modified)) {
                    hashes = parse(Files.readAllLines(path, StandardCharsets.UTF_8));
                    modified = time;
                    verified.invalidateAll();
                    LOG.log(System.Logger.Level.INFO, "Re-read " + path + ": " + hashes.size() + " users");
                }
            } catch (IOException | UncheckedIOException | IllegalArgumentException e) {
                LOG.log(System.Logger.Level.WARNING, "Cannot re-read " + path + ", keeping the previous users: "
                        + e.getMessage());
            }
        }
    }

    /**
     * A password file line, as {@code bin/krest-passwd} prints it.
     *
     * @param user     the user name, without {@code :}
     * @param password the password, at most 72 UTF-8 bytes
     * @param cost     bcrypt's log2 rounds, 4 to 31
     * @return {@code user:$2a$...}
     * @throws IllegalArgumentException for a user with {@code :} or a password that bcrypt cannot take
     */
    public static String line(String user, char[] password, int cost) {
        if (user.isEmpty() || user.contains(":") || user.strip().length() != user.length()) {
            throw new IllegalArgumentException("the user name must be non-empty, without ':' or surrounding spaces");
        }
        if (new String(password).getBytes(StandardCharsets.UTF_8).length > 72) {
            throw new IllegalArgumentException("bcrypt takes passwords of at most 72 bytes");
        }
        return user + ":" + BCrypt.withDefaults().hashToString(cost, password);
    }
}
