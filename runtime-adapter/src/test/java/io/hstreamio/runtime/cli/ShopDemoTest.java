package io.hstreamio.runtime.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.hstreamio.snapshot.DatabaseUrl;
import org.junit.jupiter.api.Test;

class ShopDemoTest {
    @Test
    void aSourceWithoutWhatCdcNeedsIsNamedAsMissing() {
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.MARIADB, "0", "MIXED")).isEqualTo(
                "has no binary log (log_bin=OFF)");
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.MARIADB, "1", "MIXED")).isEqualTo(
                "logs binlog_format=MIXED, not ROW");
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.MARIADB, "1", "ROW")).isNull();
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.MYSQL, "ON", "row")).isNull();
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.POSTGRESQL, "replica", "")).isEqualTo(
                "has wal_level=replica, not logical");
        assertThat(ShopDemo.cdcMissing(DatabaseUrl.Kind.POSTGRESQL, "logical", "")).isNull();
    }
}
