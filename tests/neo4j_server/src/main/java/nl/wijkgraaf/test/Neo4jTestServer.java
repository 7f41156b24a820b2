package nl.wijkgraaf.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseInternalSettings;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j server for Wijkgraaf's tests: the 5.26 LTS test harness in this JVM, Bolt on
 * 127.0.0.1 only, the HTTP server off. Started by {@code tests/neo4j_server/harness.py}.
 *
 * <p>Arguments:
 * <ul>
 *   <li>{@code --dir PATH} (required): the harness creates a fresh database folder inside it
 *       (and deletes that folder again when it is closed);
 *   <li>{@code --port N}: the Bolt port; 0 (the default): any free port, chosen when it binds;
 *   <li>{@code --uri-file PATH}: the Bolt URI is written there (atomically: a temporary file
 *       renamed into place) once the server accepts connections;
 *   <li>{@code --password PW}: turn authentication on, user {@code neo4j} with this password
 *       (the default is the harness's: no authentication);
 *   <li>{@code --watch-pid PID}: stop when that process ends, so a test run that is killed
 *       without cleaning up does not leave a 1 GiB JVM behind;
 *   <li>{@code --plugin-dir PATH}: the folder of procedure jars the server scans, as a real
 *       Neo4j scans its {@code plugins} folder (their kernel extensions must be on the classpath
 *       as well, as a real Neo4j puts them); by default none: {@code harness.py} passes the
 *       Graph Data Science jars of {@code mvn -Pgds} here, and only when asked for them;
 *   <li>{@code --unrestricted PATTERNS}: comma-separated procedure names or patterns allowed
 *       to use Neo4j's internal API ({@code dbms.security.procedures.unrestricted}), e.g.
 *       {@code gds.*}; by default none.
 * </ul>
 *
 * <p>Prints exactly one line, {@code BOLT_URI=bolt://127.0.0.1:PORT}, to stdout and then runs
 * until it is terminated; a shutdown hook closes the database cleanly on SIGTERM. Neo4j's own
 * logs stay in the database folder; only this launcher's few messages go to stderr.
 */
public final class Neo4jTestServer {

    private static final String HOST = "127.0.0.1";

    private Neo4jTestServer() {}

    public static void main(String[] args) {
        Path dir = null;
        int port = 0;
        Path uriFile = null;
        String password = null;
        Long watchPid = null;
        Path pluginDir = null;
        List<String> unrestricted = List.of();
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            String value = args[i + 1];
            switch (args[i]) {
                case "--dir" -> dir = Path.of(value);
                case "--port" -> port = parseInt(value);
                case "--uri-file" -> uriFile = Path.of(value);
                case "--password" -> password = value;
                case "--watch-pid" -> watchPid = (long) parseInt(value);
                case "--plugin-dir" -> pluginDir = Path.of(value);
                case "--unrestricted" -> unrestricted = Arrays.asList(value.split(","));
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            usage("--dir is required");
        }
        if (port < 0 || port > 65535) {
            usage("--port must be between 0 and 65535");
        }
        try {
            serve(dir, port, uriFile, password, watchPid, pluginDir, unrestricted);
        } catch (Throwable failure) {
            // Neo4j's own threads would keep a half-started JVM alive: end it, so whoever
            // started it sees it exit and can show this trace, instead of waiting in vain.
            System.err.println("neo4j-test-server: failed to start");
            failure.printStackTrace();
            System.exit(1);
        }
    }

    /** Start the server, announce its URI and block until the JVM is told to stop. */
    private static void serve(Path dir, int port, Path uriFile, String password, Long watchPid,
            Path pluginDir, List<String> unrestricted) throws IOException, InterruptedException {
        Files.createDirectories(dir);
        Neo4j neo4j = start(dir, port, password, pluginDir, unrestricted);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            System.err.println("neo4j-test-server: stopping");
            neo4j.close();
            System.err.println("neo4j-test-server: stopped");
        }, "neo4j-test-server-shutdown"));

        System.err.println("neo4j-test-server: database and logs in "
                + neo4j.config().get(GraphDatabaseSettings.neo4j_home) + " (deleted on stop)");
        String uri = "bolt://" + HOST + ":" + neo4j.boltURI().getPort();
        if (uriFile != null) {
            writeAtomically(uriFile, uri + "\n");
        }
        System.out.println("BOLT_URI=" + uri);
        System.out.flush();

        if (watchPid != null) {
            watch(watchPid);
        }
        new CountDownLatch(1).await();
    }

    /**
     * Build and start the harness: Bolt only, on 127.0.0.1, with the harness's own small (8 MiB)
     * page cache. Port 0 is passed through as is: the harness binds a free port and
     * {@code boltURI()} reports it. A plugin folder and unrestricted procedures are set only
     * when given, so the default server is configured exactly as without them.
     */
    private static Neo4j start(
            Path dir, int port, String password, Path pluginDir, List<String> unrestricted) {
        var builder = Neo4jBuilders.newInProcessBuilder(dir)
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress(HOST, port))
                .withConfig(GraphDatabaseSettings.auth_enabled, password != null)
                // Internal, but pinned with the version: Bolt's netty event loops otherwise wait a
                // 5 s quiet period each on shutdown, which made every stop take over 10 s.
                .withConfig(GraphDatabaseInternalSettings.netty_server_shutdown_quiet_period, 0)
                // A throw-away test database needs no pre-allocated transaction log files.
                .withConfig(GraphDatabaseSettings.preallocate_logical_logs, false)
                .withConfig(GraphDatabaseSettings.udc_enabled, false);
        if (pluginDir != null) {
            builder = builder.withConfig(GraphDatabaseSettings.plugin_dir, pluginDir.toAbsolutePath());
        }
        if (!unrestricted.isEmpty()) {
            builder = builder.withConfig(GraphDatabaseSettings.procedure_unrestricted, unrestricted);
        }
        Neo4j neo4j = builder.build();
        if (password != null) {
            try {
                setPassword(neo4j, password);
            } catch (RuntimeException e) { // e.g. shorter than Neo4j's minimum of 8 characters
                neo4j.close();
                throw e;
            }
        }
        return neo4j;
    }

    private static void setPassword(Neo4j neo4j, String password) {
        neo4j.databaseManagementService()
                .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                .executeTransactionally(
                        "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                        Map.of("password", password));
    }

    /** Exit (running the shutdown hook) once the process {@code pid} is gone. */
    private static void watch(long pid) {
        var handle = ProcessHandle.of(pid);
        if (handle.isEmpty()) {
            System.err.println("neo4j-test-server: watched process " + pid + " is gone, stopping");
            System.exit(0);
        }
        handle.get().onExit().thenRun(() -> {
            System.err.println("neo4j-test-server: watched process " + pid + " ended, stopping");
            System.exit(0);
        });
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, target,
                StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static int parseInt(String value) {
        try {
            return Integer.parseInt(value);
        } catch (NumberFormatException e) {
            usage("not a number: " + value);
            return -1;
        }
    }

    private static void usage(String problem) {
        System.err.println("neo4j-test-server: " + problem);
        System.err.println(
                "usage: --dir PATH [--port N] [--uri-file PATH] [--password PW] [--watch-pid PID]"
                        + " [--plugin-dir PATH] [--unrestricted PATTERNS]");
        System.exit(2);
    }
}
