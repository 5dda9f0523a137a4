package io.github.krest.proxy.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A test CA and certificates it signs, made with the JDK's {@code keytool} in a temporary directory: PKCS12 key
 * stores (password {@link #PASSWORD}), PEM copies, and a trust store with the CA. Server certificates name
 * {@code 127.0.0.1} and {@code localhost}.
 */
public final class TestCertificates {
    /** The password of every store and key. */
    public static final String PASSWORD = "changeit-test";

    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    /** @return a new CA in a new temporary directory */
    public static TestCertificates create() {
        try {
            TestCertificates certs = new TestCertificates(Files.createTempDirectory("krest-certs"));
            certs.keytool("-genkeypair", "-alias", "ca", "-dname", "CN=krest test CA", "-ext", "bc:c",
                    "-keyalg", "RSA", "-keysize", "2048", "-validity", "2", "-keystore", certs.path("ca.p12"));
            certs.keytool("-exportcert", "-rfc", "-alias", "ca", "-keystore", certs.path("ca.p12"),
                    "-file", certs.path("ca.pem"));
            certs.keytool("-importcert", "-noprompt", "-alias", "ca", "-file", certs.path("ca.pem"),
                    "-keystore", certs.path("truststore.p12"));
            return certs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return the PKCS12 trust store holding the CA */
    public Path trustStore() {
        return dir.resolve("truststore.p12");
    }

    /** @return the CA certificate, PEM */
    public Path caPem() {
        return dir.resolve("ca.pem");
    }

    /**
     * Issues a certificate signed by the CA.
     *
     * @param name   file name stem
     * @param dn     subject, e.g. {@code CN=alice,OU=eng,O=krest}
     * @param server whether to name 127.0.0.1 and localhost (server certificates)
     * @return the PKCS12 key store with the key and its chain (alias {@code name})
     */
    public Path issue(String name, String dn, boolean server) {
        String store = path(name + ".p12");
        keytool("-genkeypair", "-alias", name, "-dname", dn, "-keyalg", "RSA", "-keysize", "2048", "-validity", "2",
                "-keystore", store);
        keytool("-certreq", "-alias", name, "-keystore", store, "-file", path(name + ".csr"));
        List<String> sign = new ArrayList<>(List.of("-gencert", "-rfc", "-alias", "ca", "-keystore", path("ca.p12"),
                "-infile", path(name + ".csr"), "-outfile", path(name + ".crt"), "-validity", "2"));
        if (server) {
            sign.addAll(List.of("-ext", "SAN=ip:127.0.0.1,dns:localhost"));
        }
        keytool(sign.toArray(String[]::new));
        keytool("-importcert", "-noprompt", "-alias", "ca", "-file", path("ca.pem"), "-keystore", store);
        keytool("-importcert", "-alias", name, "-file", path(name + ".crt"), "-keystore", store);
        return Path.of(store);
    }

    /**
     * Writes a key store's key and chain as one PEM file (unencrypted PKCS#8 key, then the certificates), the
     * layout Kafka reads for {@code ssl.keystore.type=PEM}.
     *
     * @param keyStore a PKCS12 store from {@link #issue}
     * @param alias    its alias
     * @return the PEM file
     */
    public Path pem(Path keyStore, String alias) {
        try {
            KeyStore ks = load(keyStore);
            Key key = ks.getKey(alias, PASSWORD.toCharArray());
            StringBuilder pem = new StringBuilder(block("PRIVATE KEY", key.getEncoded()));
            for (Certificate cert : ks.getCertificateChain(alias)) {
                pem.append(block("CERTIFICATE", cert.getEncoded()));
            }
            Path file = dir.resolve(alias + "-key-and-chain.pem");
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * @param clientKeyStore the client's key store, or null for a client without a certificate
     * @return a client context that trusts the CA
     */
    public SSLContext clientContext(Path clientKeyStore) {
        try {
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(load(trustStore()));
            KeyManagerFactory kmf = null;
            if (clientKeyStore != null) {
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(load(clientKeyStore), PASSWORD.toCharArray());
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static KeyStore load(Path file) throws IOException, GeneralSecurityException {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(file)) {
            ks.load(in, PASSWORD.toCharArray());
        }
        return ks;
    }

    private static String block(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private String path(String file) {
        return dir.resolve(file).toString();
    }

    private void keytool(String... args) {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        command.addAll(List.of("-storetype", "PKCS12", "-storepass", PASSWORD));
        if (List.of(args).contains("-genkeypair")) {
            command.addAll(List.of("-keypass", PASSWORD));
        }
        try {
            Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException("keytool " + String.join(" ", args) + " failed: " + output);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
