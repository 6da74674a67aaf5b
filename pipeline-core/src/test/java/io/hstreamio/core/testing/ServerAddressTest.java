package io.hstreamio.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class ServerAddressTest {

  @Test
  void withoutVariablesTheLocalDefaultsApply() {
    ServerAddress mariadb = ServerAddress.fromEnvironment(DatabaseEngine.MARIADB, Map.of());
    ServerAddress postgres = ServerAddress.fromEnvironment(DatabaseEngine.POSTGRES, Map.of());

    assertThat(mariadb).isEqualTo(new ServerAddress(DatabaseEngine.MARIADB, "127.0.0.1", 3306, "root", "", false));
    assertThat(postgres)
        .isEqualTo(new ServerAddress(DatabaseEngine.POSTGRES, "127.0.0.1", 5432, "postgres", "", false));
  }

  @Test
  void variablesOfTheEngineOverrideAndMarkTheAddressConfigured() {
    Map<String, String> env = Map.of(
        "HSTREAMIO_TEST_POSTGRES_HOST", "db.test",
        "HSTREAMIO_TEST_POSTGRES_PORT", "6543",
        "HSTREAMIO_TEST_POSTGRES_USER", "ci",
        "HSTREAMIO_TEST_POSTGRES_PASSWORD", "s3cret",
        "HSTREAMIO_TEST_MARIADB_PORT", "3307");

    ServerAddress postgres = ServerAddress.fromEnvironment(DatabaseEngine.POSTGRES, env);
    ServerAddress mariadb = ServerAddress.fromEnvironment(DatabaseEngine.MARIADB, env);

    assertThat(postgres).isEqualTo(new ServerAddress(DatabaseEngine.POSTGRES, "db.test", 6543, "ci", "s3cret", true));
    assertThat(postgres.jdbcUrl("t_x_1")).isEqualTo("jdbc:postgresql://db.test:6543/t_x_1");
    assertThat(mariadb).isEqualTo(new ServerAddress(DatabaseEngine.MARIADB, "127.0.0.1", 3307, "root", "", true));
    assertThat(mariadb.jdbcUrl("t_x_1")).isEqualTo("jdbc:mariadb://127.0.0.1:3307/t_x_1");
  }

  @Test
  void textNeverShowsThePassword() {
    ServerAddress address = new ServerAddress(DatabaseEngine.POSTGRES, "h", 1, "u", "s3cret", true);

    assertThat(address.toString()).doesNotContain("s3cret");
    assertThat(new TestDatabase(address, "t_a_1").toString()).doesNotContain("s3cret");
  }

  @Test
  void aPortThatIsNotANumberIsRejectedNamingTheVariable() {
    Map<String, String> env = Map.of("HSTREAMIO_TEST_MARIADB_PORT", "33o6");

    assertThatThrownBy(() -> ServerAddress.fromEnvironment(DatabaseEngine.MARIADB, env))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("HSTREAMIO_TEST_MARIADB_PORT='33o6' is not a TCP port; set it to a number 1-65535");
  }
}
