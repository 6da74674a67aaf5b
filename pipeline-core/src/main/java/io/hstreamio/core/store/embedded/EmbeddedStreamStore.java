package io.hstreamio.core.store.embedded;

import io.hstreamio.core.store.KeyValueStore;
import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamInfo;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamSubscription;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.rocksdb.BlockBasedTableConfig;
import org.rocksdb.BloomFilter;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.ColumnFamilyOptions;
import org.rocksdb.CompressionType;
import org.rocksdb.DBOptions;
import org.rocksdb.InfoLogLevel;
import org.rocksdb.LRUCache;
import org.rocksdb.ReadOptions;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;
import org.rocksdb.Slice;
import org.rocksdb.WriteBufferManager;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The default stream store: everything lives in one RocksDB database in the data directory.
 *
 * <p>Appends go through a {@link GroupCommitWriter}: a future completes only after its records are in a synced WAL
 * write, and concurrent appends share one sync. Reads use short-lived RocksDB iterators, so memory does not grow with
 * stream length; RocksDB's memory is bounded by {@link EmbeddedStoreOptions#blockCacheBytes()} plus
 * {@link EmbeddedStoreOptions#memtableBytes()}.
 *
 * <p>Thread-safe. Append futures complete on the store's completion thread: callbacks must not block on the store.
 * Lifecycle: {@link #open} takes RocksDB's LOCK on the directory (one store per directory, across processes),
 * {@link #close} fails queued writes, waits for the write in progress, wakes waiting readers and releases the lock.
 */
public final class EmbeddedStreamStore implements StreamStore {
    private static final Logger LOG = LoggerFactory.getLogger(EmbeddedStreamStore.class);
    private static final int MAX_NAME_LENGTH = 255;
    private static final int MAX_SHARDS = 1024;

    private final Path dataDir;
    private final EmbeddedStoreOptions options;
    private final RocksDB db;
    private final List<ColumnFamilyHandle> handles;
    private final List<AutoCloseable> natives;
    private final ColumnFamilyHandle recordsCf;
    private final ColumnFamilyHandle metaCf;
    private final ColumnFamilyHandle kvCf;
    private final GroupCommitWriter writer;
    private final ConcurrentHashMap<String, StreamState> streams = new ConcurrentHashMap<>();
    private final Set<String> openSubscriptions = ConcurrentHashMap.newKeySet();
    /** Native calls hold the read side; close takes the write side so no call runs on closed handles. */
    private final ReentrantReadWriteLock guard = new ReentrantReadWriteLock();
    /** Writer thread only, after open. */
    private long nextStreamId;
    private volatile boolean closed;

    private EmbeddedStreamStore(Path dataDir, EmbeddedStoreOptions options, RocksDB db, List<ColumnFamilyHandle> handles,
            List<AutoCloseable> natives) throws RocksDBException {
        this.dataDir = dataDir;
        this.options = options;
        this.db = db;
        this.handles = handles;
        this.natives = natives;
        this.recordsCf = handles.get(1);
        this.metaCf = handles.get(2);
        this.kvCf = handles.get(3);
        loadCatalog();
        this.writer = new GroupCommitWriter(db, recordsCf, options, dataDir.toString());
        LOG.info("Opened embedded stream store in {} with {} streams", dataDir, streams.size());
    }

    public static EmbeddedStreamStore open(Path dataDir) {
        return open(dataDir, EmbeddedStoreOptions.defaults());
    }

    /**
     * Opens (creating when missing) the store in {@code dataDir}.
     *
     * @throws StoreException when the directory cannot be written or another store holds it
     */
    public static EmbeddedStreamStore open(Path dataDir, EmbeddedStoreOptions options) {
        Objects.requireNonNull(options, "options");
        Path dir = dataDir.toAbsolutePath().normalize();
        prepareDirectory(dir);
        RocksDB.loadLibrary();
        List<AutoCloseable> natives = new ArrayList<>();
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            // Memtables are charged to the block cache, so one number bounds both.
            LRUCache cache = keep(natives, new LRUCache(options.blockCacheBytes() + options.memtableBytes()));
            WriteBufferManager wbm = keep(natives, new WriteBufferManager(options.memtableBytes(), cache));
            DBOptions dbOptions = keep(natives, new DBOptions()
                    .setCreateIfMissing(true)
                    .setCreateMissingColumnFamilies(true)
                    .setMaxBackgroundJobs(2)
                    .setBytesPerSync(1 << 20)
                    .setMaxTotalWalSize(4 * options.memtableBytes())
                    .setWriteBufferManager(wbm)
                    .setInfoLogLevel(InfoLogLevel.WARN_LEVEL)
                    .setKeepLogFileNum(3)
                    .setMaxLogFileSize(8 << 20));
            BloomFilter bloom = keep(natives, new BloomFilter(10));
            ColumnFamilyOptions recordsOptions = keep(natives, new ColumnFamilyOptions()
                    .setWriteBufferSize(Math.min(64L << 20, options.memtableBytes() / 2))
                    .setMaxWriteBufferNumber(4)
                    .setTargetFileSizeBase(64L << 20)
                    .setMaxBytesForLevelBase(256L << 20)
                    .setLevelCompactionDynamicLevelBytes(true)
                    .setCompressionType(options.compression() ? CompressionType.LZ4_COMPRESSION
                            : CompressionType.NO_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig()
                            .setBlockCache(cache)
                            .setBlockSize(64 << 10)
                            .setCacheIndexAndFilterBlocks(true)
                            .setPinL0FilterAndIndexBlocksInCache(true)));
            ColumnFamilyOptions smallOptions = keep(natives, new ColumnFamilyOptions()
                    .setWriteBufferSize(8L << 20)
                    .setCompressionType(CompressionType.LZ4_COMPRESSION)
                    .setTableFormatConfig(new BlockBasedTableConfig()
                            .setBlockCache(cache)
                            .setFilterPolicy(bloom)
                            .setCacheIndexAndFilterBlocks(true)));
            List<ColumnFamilyDescriptor> families = List.of(
                    new ColumnFamilyDescriptor(RocksDB.DEFAULT_COLUMN_FAMILY, smallOptions),
                    new ColumnFamilyDescriptor("records".getBytes(StandardCharsets.UTF_8), recordsOptions),
                    new ColumnFamilyDescriptor("meta".getBytes(StandardCharsets.UTF_8), smallOptions),
                    new ColumnFamilyDescriptor("kv".getBytes(StandardCharsets.UTF_8), smallOptions));
            db = RocksDB.open(dbOptions, dir.toString(), families, handles);
            return new EmbeddedStreamStore(dir, options, db, handles, natives);
        } catch (RocksDBException e) {
            handles.forEach(ColumnFamilyHandle::close);
            if (db != null) {
                db.close();
            }
            closeAll(natives);
            throw openFailure(dir, e);
        } catch (RuntimeException e) {
            handles.forEach(ColumnFamilyHandle::close);
            if (db != null) {
                db.close();
            }
            closeAll(natives);
            throw e;
        }
    }

    private static void prepareDirectory(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (FileAlreadyExistsException e) {
            throw new StoreException("data directory " + dir + " exists but is not a directory; point the data "
                    + "directory at a directory");
        } catch (IOException | SecurityException e) {
            throw new StoreException("cannot create data directory " + dir + " (" + describe(e) + "); create it "
                    + "writable for this user or choose another data directory", e);
        }
        // A real write, not Files.isWritable: root passes permission checks yet fails on read-only mounts.
        try {
            Path probe = Files.createTempFile(dir, ".write-probe-", ".tmp");
            Files.delete(probe);
        } catch (IOException | SecurityException e) {
            throw new StoreException("data directory " + dir + " is not writable (" + describe(e) + "); fix its "
                    + "permissions or choose another data directory", e);
        }
    }

    private static String describe(Exception e) {
        if (e instanceof AccessDeniedException) {
            return "permission denied";
        }
        if (e instanceof java.nio.file.FileSystemException fse && fse.getReason() != null) {
            return fse.getReason();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    private static StoreException openFailure(Path dir, RocksDBException e) {
        String msg = String.valueOf(e.getMessage());
        if (msg.contains("/LOCK") || msg.contains("lock hold")) {
            return new StoreException("data directory " + dir + " is in use by another hstream-io (it holds " + dir
                    + "/LOCK); stop that process or use another data directory", e);
        }
        return new StoreException("cannot open the embedded store in " + dir + ": " + msg + "; check the directory "
                + "and its disk", e);
    }

    private static <T extends AutoCloseable> T keep(List<AutoCloseable> natives, T t) {
        natives.add(t);
        return t;
    }

    private static void closeAll(List<AutoCloseable> natives) {
        for (int i = natives.size() - 1; i >= 0; i--) {
            try {
                natives.get(i).close();
            } catch (Exception e) {
                LOG.warn("Could not release a RocksDB resource", e);
            }
        }
    }

    // ---------------------------------------------------------------- catalog

    private void loadCatalog() throws RocksDBException {
        byte[] next = db.get(metaCf, Keys.NEXT_STREAM_ID);
        nextStreamId = next == null ? 1 : ByteBuffer.wrap(next).getLong();
        try (RocksIterator it = db.newIterator(metaCf)) {
            for (it.seek(new byte[] {'S'}); it.isValid() && it.key()[0] == 'S'; it.next()) {
                byte[] key = it.key();
                String name = new String(key, 1, key.length - 1, StandardCharsets.UTF_8);
                ByteBuffer v = ByteBuffer.wrap(it.value());
                StreamState s = new StreamState(v.getLong(), name, v.getInt(), Instant.ofEpochMilli(v.getLong()));
                for (int shard = 0; shard < s.shardCount(); shard++) {
                    recoverShard(s, shard);
                }
                streams.put(name, s);
            }
        }
    }

    private void recoverShard(StreamState s, int shard) throws RocksDBException {
        StreamState.Shard state = s.shards[shard];
        byte[] trim = db.get(metaCf, Keys.trimPoint(s.id, shard));
        if (trim != null) {
            ByteBuffer t = ByteBuffer.wrap(trim);
            state.trimPoint = new RecordId(shard, t.getLong(), t.getInt());
            state.nextBatchId = Math.max(state.nextBatchId, firstBatchAtOrAfter(state.trimPoint));
        }
        try (RocksIterator it = db.newIterator(recordsCf)) {
            it.seekForPrev(Keys.record(s.id, shard, Long.MAX_VALUE));
            byte[] shardPrefix = Keys.record(s.id, shard, 0);
            if (it.isValid() && java.util.Arrays.equals(it.key(), 0, 16, shardPrefix, 0, 16)) {
                long batchId = Keys.batchIdOf(it.key());
                state.last = new RecordId(shard, batchId, BatchCodec.recordCount(it.value()) - 1);
                state.nextBatchId = Math.max(state.nextBatchId, batchId + 1);
            }
        }
    }

    private static long firstBatchAtOrAfter(RecordId id) {
        return id.batchIndex() == 0 ? id.batchId() : id.batchId() + 1;
    }

    @Override
    public StreamInfo createStream(String name, int shardCount) {
        checkName("stream", name);
        if (shardCount < 1 || shardCount > MAX_SHARDS) {
            throw new IllegalArgumentException("stream '" + name + "' needs 1.." + MAX_SHARDS + " shards, got "
                    + shardCount);
        }
        return await(writer.submit(new GroupCommitWriter.Write<StreamInfo>(64, true) {
            private StreamState created;

            @Override
            void stage(GroupCommitWriter.Group g) throws RocksDBException {
                StreamState existing = streams.get(name);
                if (existing != null) {
                    if (existing.shardCount() != shardCount) {
                        throw new StoreException("stream '" + name + "' already exists with " + existing.shardCount()
                                + " shards, not " + shardCount + "; use " + existing.shardCount()
                                + " shards or delete the stream first");
                    }
                    result = existing.info();
                    return;
                }
                long id = nextStreamId;
                Instant now = Instant.ofEpochMilli(options.clock().millis());
                g.wb.put(metaCf, Keys.NEXT_STREAM_ID, ByteBuffer.allocate(8).putLong(id + 1).array());
                g.wb.put(metaCf, Keys.stream(name), ByteBuffer.allocate(20).putLong(id).putInt(shardCount)
                        .putLong(now.toEpochMilli()).array());
                nextStreamId = id + 1;
                created = new StreamState(id, name, shardCount, now);
                result = created.info();
            }

            @Override
            void applied() {
                if (created != null) {
                    streams.put(name, created);
                }
            }
        }));
    }

    @Override
    public Optional<StreamInfo> findStream(String name) {
        StreamState s = streams.get(name);
        return s == null ? Optional.empty() : Optional.of(s.info());
    }

    @Override
    public List<StreamInfo> listStreams() {
        List<StreamInfo> all = new ArrayList<>();
        streams.values().forEach(s -> all.add(s.info()));
        all.sort(Comparator.comparing(StreamInfo::name));
        return all;
    }

    @Override
    public boolean deleteStream(String name) {
        Objects.requireNonNull(name, "name");
        return await(writer.submit(new GroupCommitWriter.Write<Boolean>(64, true) {
            private StreamState gone;

            @Override
            void stage(GroupCommitWriter.Group g) throws RocksDBException {
                gone = streams.get(name);
                result = gone != null;
                if (gone == null) {
                    return;
                }
                g.wb.delete(metaCf, Keys.stream(name));
                g.wb.deleteRange(recordsCf, Keys.streamStart(gone.id), Keys.streamEnd(gone.id));
                g.wb.deleteRange(metaCf, Keys.subscriptionsStart(gone.id), Keys.subscriptionsEnd(gone.id));
                g.wb.deleteRange(metaCf, Keys.trimPointsStart(gone.id), Keys.trimPointsEnd(gone.id));
            }

            @Override
            void applied() {
                if (gone != null) {
                    gone.deleted = true;
                    streams.remove(name, gone);
                    gone.signalChange();
                }
            }
        }));
    }

    // ---------------------------------------------------------------- append

    @Override
    public CompletableFuture<List<RecordId>> append(String stream, List<StreamRecord> records) {
        Objects.requireNonNull(records, "records");
        StreamState s;
        try {
            s = requireStream(stream);
            writer.checkRunning();
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
        if (records.isEmpty()) {
            return CompletableFuture.completedFuture(List.of());
        }
        BatchCodec.Chunk[] chunks = new BatchCodec.Chunk[s.shardCount()];
        int[] shardOf = new int[records.size()];
        int[] indexInChunk = new int[records.size()];
        long bytes = 0;
        for (int i = 0; i < shardOf.length; i++) {
            StreamRecord r = records.get(i);
            int shard = s.routing.shardOf(r.partitionKey());
            BatchCodec.Chunk c = chunks[shard];
            if (c == null) {
                c = chunks[shard] = new BatchCodec.Chunk();
            }
            bytes -= c.size();
            shardOf[i] = shard;
            indexInChunk[i] = c.count();
            c.add(r);
            bytes += c.size();
        }
        if (bytes > options.maxAppendBytes()) {
            return CompletableFuture.failedFuture(new StoreException("append to stream '" + stream + "' is " + bytes
                    + " bytes, over the " + options.maxAppendBytes() + "-byte limit; split it into smaller appends"));
        }
        return writer.submit(new AppendWrite(s, chunks, shardOf, indexInChunk, (int) bytes));
    }

    private static final class AppendWrite extends GroupCommitWriter.Write<List<RecordId>> {
        private final StreamState stream;
        private final BatchCodec.Chunk[] chunks;
        private final RecordId[] placed;
        private final int[] shardOf;
        private final int[] indexInChunk;

        AppendWrite(StreamState stream, BatchCodec.Chunk[] chunks, int[] shardOf, int[] indexInChunk, int bytes) {
            super(bytes, false);
            this.stream = stream;
            this.chunks = chunks;
            this.placed = new RecordId[chunks.length];
            this.shardOf = shardOf;
            this.indexInChunk = indexInChunk;
        }

        @Override
        void stage(GroupCommitWriter.Group g) {
            if (stream.deleted) {
                throw new StoreException("stream '" + stream.name + "' was deleted before the append was written");
            }
            for (int shard = 0; shard < chunks.length; shard++) {
                if (chunks[shard] != null) {
                    placed[shard] = g.place(stream, shard, chunks[shard]);
                }
            }
        }

        @Override
        void complete() {
            if (error != null) {
                future.completeExceptionally(error);
                return;
            }
            // Built here, on the completion thread, to keep the writer thread's share of the work small.
            RecordId[] ids = new RecordId[shardOf.length];
            for (int i = 0; i < ids.length; i++) {
                RecordId base = placed[shardOf[i]];
                ids[i] = new RecordId(base.shardId(), base.batchId(), base.batchIndex() + indexInChunk[i]);
            }
            future.complete(List.of(ids));
        }
    }

    // ---------------------------------------------------------------- read

    @Override
    public ShardReader openShardReader(String stream, long shardId, RecordId startAfter) {
        StreamState s = requireStream(stream);
        int shard = checkShard(s, shardId);
        if (startAfter != null && startAfter.shardId() != shardId) {
            throw new IllegalArgumentException("start id " + startAfter + " is in shard " + startAfter.shardId()
                    + ", not shard " + shardId + " of stream '" + stream + "'");
        }
        return new EmbeddedShardReader(this, s, shard, startAfter);
    }

    /**
     * Appends to {@code out} up to {@code max} records of the shard after {@code after} (null: from the earliest kept).
     * Called by readers on their own thread.
     */
    void fetch(StreamState s, int shard, RecordId after, int max, List<ReceivedRecord> out) {
        withDb(() -> {
            if (s.deleted) {
                throw deletedError(s);
            }
            long batch = after == null ? 0 : after.batchId();
            int from = after == null ? 0 : after.batchIndex() + 1;
            RecordId trim = s.shards[shard].trimPoint;
            if (trim != null && (batch < trim.batchId() || (batch == trim.batchId() && from < trim.batchIndex()))) {
                batch = trim.batchId();
                from = trim.batchIndex();
            }
            try (Slice upper = new Slice(Keys.record(s.id, shard + 1L, 0));
                    ReadOptions ro = new ReadOptions().setIterateUpperBound(upper);
                    RocksIterator it = db.newIterator(recordsCf, ro)) {
                it.seek(Keys.record(s.id, shard, batch));
                while (it.isValid() && out.size() < max) {
                    long batchId = Keys.batchIdOf(it.key());
                    int skip = batchId == batch ? from : 0;
                    try {
                        BatchCodec.decode(it.value(), skip, max - out.size(),
                                (i, r) -> out.add(new ReceivedRecord(new RecordId(shard, batchId, i), r)));
                    } catch (BatchCodec.CorruptBatchException e) {
                        throw new StoreException("stream '" + s.name + "' shard " + shard + " batch " + batchId
                                + " is corrupt (" + e.getMessage() + "); the data directory " + dataDir
                                + " is damaged, restore it from a backup");
                    }
                    it.next();
                }
                it.status();
            }
            return null;
        });
    }

    StoreException deletedError(StreamState s) {
        return new StoreException("stream '" + s.name + "' was deleted; open a reader on a stream that exists");
    }

    @Override
    public StreamSubscription subscribe(String stream, String subscriptionName, StartPosition start) {
        StreamState s = requireStream(stream);
        checkName("subscription", subscriptionName);
        Objects.requireNonNull(start, "start");
        String openKey = s.id + "/" + subscriptionName;
        if (!openSubscriptions.add(openKey)) {
            throw new StoreException("subscription '" + subscriptionName + "' on stream '" + stream + "' is already "
                    + "open in this store; close it before opening it again");
        }
        try {
            byte[] key = Keys.subscription(s.id, subscriptionName);
            RecordId[] checkpoints = await(writer.submit(new GroupCommitWriter.Write<RecordId[]>(64, true) {
                @Override
                void stage(GroupCommitWriter.Group g) throws RocksDBException {
                    if (s.deleted) {
                        throw deletedError(s);
                    }
                    byte[] stored = db.get(metaCf, key);
                    if (stored != null) {
                        result = decodeCheckpoints(stored, s.shardCount());
                        return;
                    }
                    result = new RecordId[s.shardCount()];
                    if (start == StartPosition.LATEST) {
                        for (int i = 0; i < result.length; i++) {
                            result[i] = g.lastOf(s, i);
                        }
                    }
                    g.wb.put(metaCf, key, encodeCheckpoints(result));
                }
            }));
            return new EmbeddedSubscription(this, s, subscriptionName, checkpoints, options.maxUnackedPerSubscription(),
                    () -> openSubscriptions.remove(openKey));
        } catch (RuntimeException e) {
            openSubscriptions.remove(openKey);
            throw e;
        }
    }

    /** Makes a subscription's checkpoints durable; called by its owning thread. */
    void commitCheckpoints(StreamState s, String subscriptionName, RecordId[] checkpoints) {
        byte[] key = Keys.subscription(s.id, subscriptionName);
        byte[] value = encodeCheckpoints(checkpoints);
        await(writer.submit(new GroupCommitWriter.Write<Void>(value.length, false) {
            @Override
            void stage(GroupCommitWriter.Group g) throws RocksDBException {
                if (s.deleted) {
                    throw deletedError(s);
                }
                g.wb.put(metaCf, key, value);
            }
        }));
    }

    private static byte[] encodeCheckpoints(RecordId[] checkpoints) {
        ByteBuffer b = ByteBuffer.allocate(4 + checkpoints.length * 13).putInt(checkpoints.length);
        for (RecordId id : checkpoints) {
            b.put((byte) (id == null ? 0 : 1)).putLong(id == null ? 0 : id.batchId())
                    .putInt(id == null ? 0 : id.batchIndex());
        }
        return b.array();
    }

    private static RecordId[] decodeCheckpoints(byte[] value, int shardCount) {
        ByteBuffer b = ByteBuffer.wrap(value);
        int n = b.getInt();
        RecordId[] ids = new RecordId[shardCount];
        for (int i = 0; i < n && i < shardCount; i++) {
            boolean present = b.get() == 1;
            long batch = b.getLong();
            int index = b.getInt();
            ids[i] = present ? new RecordId(i, batch, index) : null;
        }
        return ids;
    }

    @Override
    public void trim(String stream, long shardId, RecordId before) {
        StreamState s = requireStream(stream);
        int shard = checkShard(s, shardId);
        Objects.requireNonNull(before, "before");
        if (before.shardId() != shardId) {
            throw new IllegalArgumentException("trim point " + before + " is in shard " + before.shardId()
                    + ", not shard " + shardId + " of stream '" + stream + "'");
        }
        await(writer.submit(new GroupCommitWriter.Write<Void>(64, true) {
            private boolean moved;

            @Override
            void stage(GroupCommitWriter.Group g) throws RocksDBException {
                if (s.deleted) {
                    throw deletedError(s);
                }
                StreamState.Shard state = s.shards[shard];
                if (state.trimPoint != null && before.compareTo(state.trimPoint) <= 0) {
                    return;
                }
                g.wb.put(metaCf, Keys.trimPoint(s.id, shard),
                        ByteBuffer.allocate(12).putLong(before.batchId()).putInt(before.batchIndex()).array());
                g.wb.deleteRange(recordsCf, Keys.record(s.id, shard, 0), Keys.record(s.id, shard, before.batchId()));
                // Ids never go back, even when the trim point lies beyond the last record.
                state.nextBatchId = Math.max(state.nextBatchId, firstBatchAtOrAfter(before));
                moved = true;
            }

            @Override
            void applied() {
                if (moved) {
                    s.shards[shard].trimPoint = before;
                    s.signalChange();
                }
            }
        }));
    }

    // ---------------------------------------------------------------- key/value

    @Override
    public KeyValueStore keyValueStore(String namespace) {
        checkName("key/value namespace", namespace);
        return new EmbeddedKeyValueStore(this, namespace);
    }

    byte[] kvGet(byte[] key) {
        return withDb(() -> db.get(kvCf, key));
    }

    void kvWrite(byte[] key, byte[] valueOrNull) {
        await(writer.submit(new GroupCommitWriter.Write<Void>(key.length + (valueOrNull == null ? 0
                : valueOrNull.length), false) {
            @Override
            void stage(GroupCommitWriter.Group g) throws RocksDBException {
                if (valueOrNull == null) {
                    g.wb.delete(kvCf, key);
                } else {
                    g.wb.put(kvCf, key, valueOrNull);
                }
            }
        }));
    }

    /** Entries whose key starts with {@code prefix}, passed raw to the visitor in key order. */
    void kvScan(byte[] prefix, java.util.function.BiConsumer<byte[], byte[]> visitor) {
        withDb(() -> {
            try (RocksIterator it = db.newIterator(kvCf)) {
                for (it.seek(prefix); it.isValid() && Keys.startsWith(it.key(), prefix); it.next()) {
                    visitor.accept(it.key(), it.value());
                }
                it.status();
            }
            return null;
        });
    }

    // ---------------------------------------------------------------- lifecycle & helpers

    /** Groups committed and writes made so far, for tests and benchmarks: {@code [groups, writes]}. */
    public long[] groupCommitCounters() {
        return new long[] {writer.groupCount(), writer.writeCount()};
    }

    public Path dataDirectory() {
        return dataDir;
    }

    boolean isClosed() {
        return closed;
    }

    @Override
    public void close() {
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
        }
        streams.values().forEach(StreamState::signalChange);
        boolean stopped = writer.close(options.closeTimeout());
        guard.writeLock().lock();
        try {
            if (!stopped) {
                // Closing RocksDB under a running write would crash the JVM; leave the handles to the process exit.
                throw new StoreException("embedded store in " + dataDir + " could not stop its writer within "
                        + options.closeTimeout() + " (a disk write is stuck); its files stay open until the process "
                        + "exits");
            }
            db.cancelAllBackgroundWork(true);
            handles.forEach(ColumnFamilyHandle::close);
            db.close();
            closeAll(natives);
            LOG.info("Closed embedded stream store in {}", dataDir);
        } finally {
            guard.writeLock().unlock();
        }
    }

    StreamState requireStream(String name) {
        Objects.requireNonNull(name, "stream name");
        if (closed) {
            throw closedError();
        }
        StreamState s = streams.get(name);
        if (s == null) {
            List<String> known = new ArrayList<>(streams.keySet());
            Collections.sort(known);
            String list = known.size() > 10 ? known.subList(0, 10) + "..." : known.toString();
            throw new StoreException("unknown stream '" + name + "' in " + dataDir + " (streams: " + list
                    + "); create it first");
        }
        return s;
    }

    private static int checkShard(StreamState s, long shardId) {
        if (shardId < 0 || shardId >= s.shardCount()) {
            throw new IllegalArgumentException("stream '" + s.name + "' has shards 0.." + (s.shardCount() - 1)
                    + ", not " + shardId);
        }
        return (int) shardId;
    }

    private static void checkName(String what, String name) {
        Objects.requireNonNull(name, what + " name");
        if (name.isEmpty() || name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException(what + " name must be 1.." + MAX_NAME_LENGTH + " characters, got '"
                    + name + "'");
        }
    }

    StoreException closedError() {
        return new StoreException("embedded store in " + dataDir + " is closed; reopen it to use it");
    }

    interface DbCall<T> {
        T call() throws RocksDBException;
    }

    private <T> T withDb(DbCall<T> call) {
        ReentrantReadWriteLock.ReadLock lock = guard.readLock();
        lock.lock();
        try {
            if (closed) {
                throw closedError();
            }
            return call.call();
        } catch (RocksDBException e) {
            throw new StoreException("embedded store in " + dataDir + " could not read: " + e.getMessage()
                    + "; check the disk", e);
        } finally {
            lock.unlock();
        }
    }

    private static <T> T await(CompletableFuture<T> f) {
        try {
            return f.join();
        } catch (CompletionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof StoreException se) {
                // A fresh exception, so the trace shows this caller and not only the writer thread.
                throw new StoreException(se.getMessage(), se);
            }
            throw new StoreException(String.valueOf(cause.getMessage()), cause);
        }
    }
}
