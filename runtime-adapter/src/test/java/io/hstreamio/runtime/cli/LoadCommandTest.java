package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Usage errors of load and verify that need no server: one line, exit code 2. */
class LoadCommandTest {
    @Test
    void unknownSchemeAndMissingOptions() {
        LoadIT.Run r = LoadIT.cli("load", "--from", "sqlserver://u@h/db", "--to", "postgresql://u@h/db");
        assertThat(r.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("error: --from has unknown scheme 'sqlserver': use mysql://, "
                + "mariadb:// or postgresql:// (JDBC URLs of those work too)");

        LoadIT.Run missing = LoadIT.cli("load", "--from", "mysql://u@h/db");
        assertThat(missing.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(missing.err()).contains("--to");

        LoadIT.Run parallelism = LoadIT.cli("verify", "--from", "mysql://u@h/db", "--to", "postgresql://u@h/db",
                "--chunk-rows", "0");
        assertThat(parallelism.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(parallelism.err().strip().lines().count()).isEqualTo(1);
        assertThat(parallelism.err()).contains("chunk.rows");
    }

    @Test
    void chunkBytesTakesSizesWithUnitsAndRefusesTheRest() {
        assertThat(ByteSize.parse("--chunk-bytes", "64MB")).isEqualTo(64L << 20);
        assertThat(ByteSize.parse("--chunk-bytes", "512k")).isEqualTo(512L << 10);
        assertThat(ByteSize.parse("--chunk-bytes", "2 GiB")).isEqualTo(2L << 30);
        assertThat(ByteSize.parse("--chunk-bytes", "1000")).isEqualTo(1000L);
        LoadIT.Run r = LoadIT.cli("load", "--from", "mysql://u@h/db", "--to", "postgresql://u@h/db", "--chunk-bytes",
                "lots");
        assertThat(r.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("error: --chunk-bytes 'lots' is not a size: use bytes or a number with "
                + "k, MB or GB, e.g. --chunk-bytes 64MB");
        LoadIT.Run zero = LoadIT.cli("sync", "--from", "mysql://u@h/db", "--to", "postgresql://u@h/db",
                "--chunk-bytes", "0");
        assertThat(zero.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(zero.err().strip().lines().count()).isEqualTo(1);
    }

    @Test
    void unknownProgressModeIsAUsageErrorNamingTheChoices() {
        LoadIT.Run r = LoadIT.cli("load", "--from", "mysql://u@h/db", "--to", "postgresql://u@h/db", "--progress",
                "sometimes");
        assertThat(r.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("error: --progress 'sometimes' is not one of auto, bars, lines, none: "
                + "use --progress=auto (bars on a terminal, lines otherwise)");
    }

    @Test
    void readersAndWritersDefaultToTheCoresAndZeroWritersIsRefused() {
        assertThat(LoadCommand.writers(null, 4, 2)).isEqualTo(1);
        assertThat(LoadCommand.writers(null, 4, 1)).isEqualTo(1);
        assertThat(LoadCommand.writers(null, 4, 16)).isEqualTo(4);
        assertThat(LoadCommand.writers(null, 3, 6)).isEqualTo(3);
        assertThat(LoadCommand.writers(3, 2, 2)).isEqualTo(2);
        assertThat(LoadCommand.readers(1)).isEqualTo(2);
        assertThat(LoadCommand.readers(2)).isEqualTo(2);
        assertThat(LoadCommand.readers(6)).isEqualTo(6);
        assertThat(LoadCommand.readers(64)).isEqualTo(8);
        LoadIT.Run r = LoadIT.cli("load", "--from", "mysql://u@h/db", "--to", "postgresql://u@h/db", "--writers", "0");
        assertThat(r.exit()).isEqualTo(HStreamIoCli.EXIT_USAGE);
        assertThat(r.err().strip()).isEqualTo("error: --writers must be at least 1, got 0");
    }
}
