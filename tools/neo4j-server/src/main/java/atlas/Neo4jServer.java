package atlas;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.QueryExecutionException;

/**
 * A real Neo4j Community 5.26 DBMS with a Bolt connector on 127.0.0.1, authentication on,
 * for the tests, CI and the explorer (no Docker or tarball here, only Maven Central).
 *
 * Settings come from the environment so make, CI and a developer start it the same way:
 * NEO4J_SERVER_HOME (data directory, required), NEO4J_SERVER_PORT (Bolt, default 7687),
 * NEO4J_SERVER_PASSWORD (of user neo4j, required, 8+ characters), NEO4J_SERVER_PAGECACHE
 * (bytes, default 256 MiB), NEO4J_SERVER_TX_TIMEOUT_S (server-wide transaction timeout,
 * default 300) and NEO4J_SERVER_CONF (an optional neo4j.conf with further settings).
 * When Bolt is up it writes HOME/ready (port and pid) and prints "neo4j-server ready";
 * SIGTERM (or Ctrl-C) shuts the DBMS down cleanly and removes the ready file.
 */
public final class Neo4jServer {
    private Neo4jServer() {}

    public static void main(String[] args) throws Exception {
        Path home = Path.of(require("NEO4J_SERVER_HOME")).toAbsolutePath();
        String password = require("NEO4J_SERVER_PASSWORD");
        int port = Integer.parseInt(env("NEO4J_SERVER_PORT", "7687"));
        long pagecache = Long.parseLong(env("NEO4J_SERVER_PAGECACHE", String.valueOf(256L << 20)));
        long txTimeout = Long.parseLong(env("NEO4J_SERVER_TX_TIMEOUT_S", "300"));
        Path ready = home.resolve("ready");
        Files.createDirectories(home);
        Files.deleteIfExists(ready);

        DatabaseManagementServiceBuilder builder = new DatabaseManagementServiceBuilder(home);
        String conf = System.getenv("NEO4J_SERVER_CONF");
        if (conf != null && !conf.isBlank()) {
            builder.loadPropertiesFromFile(Path.of(conf));
        }
        DatabaseManagementService dbms = builder
                .setConfig(BoltConnector.enabled, true)
                .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.advertised_address, new SocketAddress("127.0.0.1", port))
                .setConfig(BoltConnector.encryption_level, BoltConnector.EncryptionLevel.DISABLED)
                .setConfig(HttpConnector.enabled, false)
                .setConfig(GraphDatabaseSettings.auth_enabled, true)
                .setConfig(GraphDatabaseSettings.pagecache_memory, pagecache)
                .setConfig(GraphDatabaseSettings.transaction_timeout, Duration.ofSeconds(txTimeout))
                .setConfig(GraphDatabaseSettings.keep_logical_logs, "false")
                .build();

        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.out.println("neo4j-server stopping");
            dbms.shutdown();
            try {
                Files.deleteIfExists(ready);
            } catch (Exception ignored) {
                // the ready file only says "up"; a stale one is checked against the pid by make
            }
            stopped.countDown();
        }, "neo4j-server-shutdown"));

        setPassword(dbms, password);
        Files.writeString(ready, port + " " + ProcessHandle.current().pid() + "\n");
        System.out.println("neo4j-server ready bolt://127.0.0.1:" + port + " home " + home);
        stopped.await();
    }

    /** Give user neo4j the password (embedded transactions run with full rights; no change required on login). */
    private static void setPassword(DatabaseManagementService dbms, String password) {
        try {
            dbms.database("system").executeTransactionally(
                    "ALTER USER neo4j SET PLAINTEXT PASSWORD $password CHANGE NOT REQUIRED", Map.of("password", password));
        } catch (QueryExecutionException e) {
            // Setting the password it already has is refused; anything else is a real failure.
            if (!String.valueOf(e.getMessage()).contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }

    private static String require(String name) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            System.err.println("neo4j-server: set " + name);
            System.exit(2);
        }
        return value;
    }

    private static String env(String name, String fallback) {
        String value = System.getenv(name);
        return value == null || value.isBlank() ? fallback : value;
    }
}
