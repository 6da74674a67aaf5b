package io.hstreamio.runtime.hstream;

import io.hstreamio.core.options.OptionDef;
import io.hstreamio.core.options.Options;
import io.hstreamio.core.options.OptionsDefinition;
import io.hstreamio.core.options.Validators;
import java.time.Duration;
import java.util.Map;

/**
 * The options of the HStreamDB store, given as the query of its URL:
 * {@code hstream://host:6570,host2:6570?append.compression=gzip&subscription.ackTimeout=30s}. Immutable.
 */
public final class HStreamDbOptions {

    /** Batch compression on the wire ({@code BatchedRecord.compressionType}). */
    public enum Compression {
        NONE,
        GZIP,
        ZSTD
    }

    static final OptionDef<Compression> COMPRESSION = OptionDef.enumeration("append.compression", Compression.class)
            .doc("Compression of each appended batch: NONE, GZIP or ZSTD.").defaultValue(Compression.NONE).build();
    static final OptionDef<Integer> BATCH_MAX_RECORDS = OptionDef.integer("append.batch.maxRecords")
            .doc("Most records one Append call carries; concurrent appends to a shard are merged up to this.")
            .defaultValue(1000).validator(Validators.range(1, 1_000_000)).build();
    static final OptionDef<Integer> BATCH_MAX_BYTES = OptionDef.integer("append.batch.maxBytes")
            .doc("Most bytes (before compression) one Append call carries; a single larger record goes alone.")
            .defaultValue(1 << 20).validator(Validators.range(1024, 64 << 20)).build();
    static final OptionDef<Long> MAX_IN_FLIGHT_BYTES = OptionDef.longInt("append.maxInFlightBytes")
            .doc("Flow control: bytes appended but not yet acknowledged by HStreamDB before append() blocks.")
            .defaultValue(64L << 20).validator(Validators.min(1024)).build();
    static final OptionDef<Duration> BLOCK_TIMEOUT = OptionDef.duration("append.blockTimeout")
            .doc("How long append() waits for in-flight room before it fails.")
            .defaultValue(Duration.ofSeconds(60)).build();
    static final OptionDef<Integer> APPEND_THREADS = OptionDef.integer("append.threads")
            .doc("Threads sending Append calls; each shard has at most one call in flight, which keeps its order.")
            .defaultValue(4).validator(Validators.range(1, 256)).build();
    static final OptionDef<Duration> RPC_TIMEOUT = OptionDef.duration("rpc.timeout")
            .doc("Deadline of each unary call to HStreamDB.").defaultValue(Duration.ofSeconds(30)).build();
    static final OptionDef<Integer> MAX_RETRIES = OptionDef.integer("retry.maxRetries")
            .doc("Retries of a call that met WrongServer or an unavailable node, each after a new lookup.")
            .defaultValue(10).validator(Validators.range(0, 1000)).build();
    static final OptionDef<Duration> INITIAL_BACKOFF = OptionDef.duration("retry.initialBackoff")
            .doc("First pause before a retry; doubles each time.").defaultValue(Duration.ofMillis(20)).build();
    static final OptionDef<Duration> MAX_BACKOFF = OptionDef.duration("retry.maxBackoff")
            .doc("Longest pause between retries.").defaultValue(Duration.ofSeconds(2)).build();
    static final OptionDef<Duration> ACK_TIMEOUT = OptionDef.duration("subscription.ackTimeout")
            .doc("New subscriptions: the server resends records not acknowledged within this (whole seconds).")
            .defaultValue(Duration.ofSeconds(60))
            .validator(Validators.durationRange(Duration.ofSeconds(1), Duration.ofHours(1))).build();
    static final OptionDef<Integer> MAX_UNACKED = OptionDef.integer("subscription.maxUnackedRecords")
            .doc("New subscriptions: records the server delivers without acknowledgement before it pauses.")
            .defaultValue(10_000).validator(Validators.range(1, 10_000_000)).build();
    static final OptionDef<Integer> PREFETCH = OptionDef.integer("subscription.prefetch")
            .doc("StreamingFetch messages (batches) buffered in the client before the server is held back.")
            .defaultValue(64).validator(Validators.range(1, 100_000)).build();
    static final OptionDef<Boolean> ACK_CONFIRM = OptionDef.bool("subscription.ackConfirm")
            .doc("ack() waits until GetSubscription shows the checkpoint moved (durable acks). It relies on the"
                    + " batchIndex we add to SubscriptionOffset; turn it off for a server without it (acks are then"
                    + " sent and not confirmed, as HStreamDB's own clients do).")
            .defaultValue(true).build();
    static final OptionDef<Duration> ACK_CONFIRM_TIMEOUT = OptionDef.duration("subscription.ackConfirmTimeout")
            .doc("ack() returns once the server reports the checkpoint moved; it fails after this long.")
            .defaultValue(Duration.ofSeconds(10)).build();
    static final OptionDef<Duration> READ_WAIT = OptionDef.duration("reader.serverWait")
            .doc("How long one ReadShard call waits on the server for a record (CreateShardReader timeout).")
            .defaultValue(Duration.ofMillis(100))
            .validator(Validators.durationRange(Duration.ofMillis(1), Duration.ofSeconds(60))).build();
    static final OptionDef<Integer> REPLICATION_FACTOR = OptionDef.integer("stream.replicationFactor")
            .doc("Replication factor of streams this store creates.").defaultValue(1)
            .validator(Validators.range(1, 15)).build();
    static final OptionDef<Duration> BACKLOG = OptionDef.duration("stream.backlogDuration")
            .doc("How long HStreamDB keeps records of streams this store creates; 0 keeps them until trimmed.")
            .defaultValue(Duration.ZERO).build();
    static final OptionDef<String> KV_STREAM = OptionDef.string("kv.stream")
            .doc("Stream that keeps the per-task key/value state when no IO runtime keeps it.")
            .defaultValue(StoreBackedHStreamServer.CLIENT_KV_STREAM)
            .validator(Validators.pattern("[A-Za-z][A-Za-z0-9_.-]{0,254}", "a valid HStreamDB stream name")).build();
    static final OptionDef<Duration> CLOSE_TIMEOUT = OptionDef.duration("close.timeout")
            .doc("How long close() waits for appends in flight.").defaultValue(Duration.ofSeconds(10)).build();

    public static final OptionsDefinition DEFINITION = OptionsDefinition.builder("hstream store")
            .add(COMPRESSION, BATCH_MAX_RECORDS, BATCH_MAX_BYTES, MAX_IN_FLIGHT_BYTES, BLOCK_TIMEOUT, APPEND_THREADS,
                    RPC_TIMEOUT, MAX_RETRIES, INITIAL_BACKOFF, MAX_BACKOFF, ACK_TIMEOUT, MAX_UNACKED, PREFETCH,
                    ACK_CONFIRM, ACK_CONFIRM_TIMEOUT, READ_WAIT, REPLICATION_FACTOR, BACKLOG, KV_STREAM, CLOSE_TIMEOUT)
            .build();

    private final Options options;

    private HStreamDbOptions(Options options) {
        this.options = options;
    }

    /** Parses raw options (e.g. a URL's query); throws {@link io.hstreamio.core.options.OptionException}. */
    public static HStreamDbOptions parse(Map<String, ?> raw) {
        return new HStreamDbOptions(DEFINITION.parse(raw));
    }

    public static HStreamDbOptions defaults() {
        return parse(Map.of());
    }

    <T> T get(OptionDef<T> def) {
        return options.get(def);
    }

    Options options() {
        return options;
    }

    @Override
    public String toString() {
        return options.toString();
    }
}
