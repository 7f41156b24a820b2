package nl.wijkgraaf.test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.harness.Neo4j;
import org.neo4j.harness.Neo4jBuilders;

/**
 * A real Neo4j server for Wijkgraaf's tests: the 5.26 LTS test harness in this JVM, Bolt on
 * 127.0.0.1 only, the HTTP server off.
 *
 * <p>Arguments: {@code --dir PATH} (required), {@code --port N} (0: any free port),
 * {@code --uri-file PATH} (the Bolt URI is written there once the server answers),
 * {@code --password PW} (turn authentication on, user {@code neo4j} with this password).
 * Prints {@code BOLT_URI=bolt://127.0.0.1:PORT} and runs until it is terminated; a shutdown
 * hook closes the database cleanly on SIGTERM.
 */
public final class Neo4jTestServer {

    private Neo4jTestServer() {}

    public static void main(String[] args) throws Exception {
        Path dir = null;
        int port = 0;
        Path uriFile = null;
        String password = null;
        for (int i = 0; i < args.length; i += 2) {
            if (i + 1 >= args.length) {
                usage("missing value for " + args[i]);
            }
            switch (args[i]) {
                case "--dir" -> dir = Path.of(args[i + 1]);
                case "--port" -> port = Integer.parseInt(args[i + 1]);
                case "--uri-file" -> uriFile = Path.of(args[i + 1]);
                case "--password" -> password = args[i + 1];
                default -> usage("unknown argument " + args[i]);
            }
        }
        if (dir == null) {
            usage("--dir is required");
        }

        Neo4j neo4j = Neo4jBuilders.newInProcessBuilder(dir)
                .withDisabledServer()
                .withConfig(BoltConnector.enabled, true)
                .withConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
                .withConfig(GraphDatabaseSettings.auth_enabled, password != null)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(neo4j::close, "neo4j-shutdown"));

        if (password != null) {
            neo4j.databaseManagementService()
                    .database(GraphDatabaseSettings.SYSTEM_DATABASE_NAME)
                    .executeTransactionally(
                            "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                            Map.of("password", password));
        }

        String uri = "bolt://127.0.0.1:" + neo4j.boltURI().getPort();
        if (uriFile != null) {
            writeAtomically(uriFile, uri + "\n");
        }
        System.out.println("BOLT_URI=" + uri);
        System.out.flush();
        new CountDownLatch(1).await();
    }

    private static void writeAtomically(Path target, String text) throws IOException {
        Path temporary = target.resolveSibling(target.getFileName() + ".tmp");
        Files.writeString(temporary, text, StandardCharsets.UTF_8);
        Files.move(temporary, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void usage(String problem) {
        System.err.println("neo4j-test-server: " + problem);
        System.err.println("usage: --dir PATH [--port N] [--uri-file PATH] [--password PW]");
        System.exit(2);
    }
}
