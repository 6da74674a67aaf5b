package io.hstreamio.core.options;

import java.time.Duration;
import java.util.List;

/** A MySQL-source-like definition with the stock HStream names, shared by the tests. */
final class SampleOptions {

    enum SkipStrategy { SkipAll, SkipSome, NeverSkip }

    static final OptionDef<String> STREAM = OptionDef.string("stream").required().uiType("stream")
            .doc("the stream that receives the changes").displayName("Stream Name").build();
    static final OptionDef<String> HOST = OptionDef.string("host").required().doc("MySQL host name")
            .validator(Validators.nonEmpty()).build();
    static final OptionDef<Integer> PORT = OptionDef.integer("port").defaultValue(3306).doc("MySQL port")
            .validator(Validators.port()).build();
    static final OptionDef<String> USER = OptionDef.string("user").required().doc("MySQL user").build();
    static final OptionDef<String> PASSWORD = OptionDef.password("password").required().doc("password of the user")
            .build();
    static final OptionDef<String> DATABASE = OptionDef.string("database").required().doc("database to read")
            .build();
    static final OptionDef<List<String>> TABLES = OptionDef.list("table").doc("tables to read; all when unset")
            .build();
    static final OptionDef<String> TIME_ZONE = OptionDef.string("serverTimeZone").doc("time zone of the server")
            .build();
    static final OptionDef<Long> SERVER_ID = OptionDef.longInt("server.id").defaultValue(5400L)
            .validator(Validators.positive()).build();
    static final OptionDef<Boolean> SNAPSHOT = OptionDef.bool("snapshot").defaultValue(true).build();
    static final OptionDef<Duration> MAX_AGE = OptionDef.duration("buffer.batch.maxAge")
            .defaultValue(Duration.ofSeconds(10)).build();
    static final OptionDef<SkipStrategy> SKIP_STRATEGY =
            OptionDef.enumeration("task.error.skipStrategy", SkipStrategy.class)
                    .defaultValue(SkipStrategy.NeverSkip).build();

    static final OptionsDefinition MYSQL = OptionsDefinition.builder("mysql source")
            .add(STREAM, HOST, PORT, USER, PASSWORD, DATABASE, TABLES, TIME_ZONE, SERVER_ID, SNAPSHOT, MAX_AGE,
                    SKIP_STRATEGY)
            .build();

    static final String SECRET = "s3cr3t-Pa55";

    private SampleOptions() {
    }

    /** The required options, valid. */
    static java.util.Map<String, Object> minimal() {
        java.util.Map<String, Object> raw = new java.util.LinkedHashMap<>();
        raw.put("stream", "orders");
        raw.put("host", "db1");
        raw.put("user", "root");
        raw.put("password", SECRET);
        raw.put("database", "shop");
        return raw;
    }
}
