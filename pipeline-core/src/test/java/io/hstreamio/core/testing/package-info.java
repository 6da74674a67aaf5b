/**
 * Test support shared with the other modules through the pipeline-core test-jar: {@link
 * io.hstreamio.core.testing.TestDatabases} gives each test class its own fresh MariaDB and PostgreSQL database;
 * {@link io.hstreamio.core.testing.TcpProxy} stands between a client and a shared server so that a test can cut the
 * connection (an outage) without stopping the server for everyone else.
 *
 * <p>Where the servers are, per engine ({@code MARIADB} or {@code POSTGRES}):
 *
 * <ol>
 *   <li>{@code HSTREAMIO_TEST_<ENGINE>_HOST}, {@code _PORT}, {@code _USER}, {@code _PASSWORD} when any of them is set
 *       (unset ones keep their default); such a server must answer, nothing else is tried;
 *   <li>else the defaults {@code 127.0.0.1:3306} user {@code root} and {@code 127.0.0.1:5432} user {@code postgres},
 *       both without password, as {@code scripts/setup-databases.sh} prepares them;
 *   <li>else, only when a Docker engine answers, a Testcontainers container ({@code mariadb:10.11},
 *       {@code postgres:15}) with CDC enabled, shared by all test classes of the JVM.
 * </ol>
 *
 * <p>Modules using the test-jar add the JDBC driver(s) they need with test scope ({@code
 * org.mariadb.jdbc:mariadb-java-client}, {@code org.postgresql:postgresql}) and, for the optional container path,
 * {@code org.testcontainers:testcontainers-mariadb} / {@code testcontainers-postgresql}.
 */
package io.hstreamio.core.testing;
