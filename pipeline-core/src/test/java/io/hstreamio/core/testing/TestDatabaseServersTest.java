package io.hstreamio.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** What happens when no server answers; needs no database server, only a free local port. */
class TestDatabaseServersTest {

  @ParameterizedTest
  @EnumSource(DatabaseEngine.class)
  void aConfiguredServerThatDoesNotAnswerFailsNamingItAndIsNotReplacedByAContainer(DatabaseEngine engine)
      throws IOException {
    int port = closedPort();
    Map<String, String> env = Map.of(engine.environmentPrefix() + "PORT", Integer.toString(port));
    AtomicBoolean dockerAsked = new AtomicBoolean();

    assertThatThrownBy(() -> TestDatabaseServers.resolve(engine, env, () -> dockerAsked.getAndSet(true)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("No " + engine.displayName() + " server for tests at 127.0.0.1:" + port)
        .hasMessageContaining(engine.environmentPrefix())
        .hasMessageContaining("scripts/setup-databases.sh");
    assertThat(dockerAsked).isFalse();
  }

  @Test
  void failureMessageForTheDefaultsNamesTheAddressTriedAndTheSetupScript() throws IOException {
    // An unconfigured address on a closed port takes the same path as the defaults with no server running.
    int port = closedPort();
    ServerAddress closed = new ServerAddress(DatabaseEngine.MARIADB, "127.0.0.1", port, "root", "", false);

    assertThatThrownBy(() -> TestDatabaseServers.resolve(closed, () -> false))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageStartingWith("No MariaDB server for tests: tried 127.0.0.1:" + port + " as root (")
        .hasMessageContaining("no Docker engine for Testcontainers")
        .hasMessageEndingWith(
            "run scripts/setup-databases.sh as root, or set HSTREAMIO_TEST_MARIADB_HOST/PORT/USER/PASSWORD");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort(); // closed again when this returns: nothing listens there
    }
  }
}
