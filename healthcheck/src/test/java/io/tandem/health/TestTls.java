package io.tandem.health;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A self-signed certificate for CN and SAN 127.0.0.1, made once per test JVM with the JDK's
 * keytool, for the TLS servers of the tests.
 */
final class TestTls {
    static final char[] PASSWORD = "changeit".toCharArray();
    private static KeyStore keyStore;
    private static Path file;

    private TestTls() {
    }

    static synchronized Path keyStoreFile() throws Exception {
        if (file == null) {
            Path dir = Files.createTempDirectory("tandem-health-tls");
            Path f = dir.resolve("server.p12");
            Process p = new ProcessBuilder(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
                    "-genkeypair", "-alias", "server", "-keyalg", "RSA", "-keysize", "2048", "-dname", "CN=127.0.0.1",
                    "-ext", "SAN=ip:127.0.0.1", "-validity", "2", "-keystore", f.toString(), "-storetype", "PKCS12",
                    "-storepass", new String(PASSWORD), "-keypass", new String(PASSWORD)))
                    .redirectErrorStream(true).start();
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("keytool failed: " + new String(p.getInputStream().readAllBytes()));
            }
            f.toFile().deleteOnExit();
            dir.toFile().deleteOnExit();
            file = f;
        }
        return file;
    }

    static synchronized KeyStore keyStore() throws Exception {
        if (keyStore == null) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            try (InputStream in = Files.newInputStream(keyStoreFile())) {
                ks.load(in, PASSWORD);
            }
            keyStore = ks;
        }
        return keyStore;
    }

    static SSLContext serverContext() throws Exception {
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(keyStore(), PASSWORD);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return ctx;
    }

    /** Trust that accepts exactly the test certificate. */
    static TrustManagerFactory trust() throws Exception {
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(keyStore());
        return tmf;
    }
}
