package io.hstreamio.core.store.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import io.hstreamio.core.store.ReceivedRecord;
import io.hstreamio.core.store.RecordId;
import io.hstreamio.core.store.ShardReader;
import io.hstreamio.core.store.StartPosition;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.store.StreamRecord;
import io.hstreamio.core.store.StreamStore;
import io.hstreamio.core.store.StreamStoreContract;
import io.hstreamio.core.store.StreamSubscription;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedStreamStoreTest extends StreamStoreContract {
    private static final AtomicInteger DIRS = new AtomicInteger();

    @TempDir
    Path temp;

    @Override
    protected StreamStore openFresh() {
        return EmbeddedStreamStore.open(temp.resolve("store-" + DIRS.incrementAndGet()));
    }

    @Override
    protected StreamStore reopen(StreamStore current) {
        Path dir = ((EmbeddedStreamStore) current).dataDirectory();
        current.close();
        return EmbeddedStreamStore.open(dir);
    }

    private Path dir() {
        return ((EmbeddedStreamStore) store).dataDirectory();
    }

    @Test
    void secondOpenInThisJvmFailsNamingTheDirectory() {
        assertThatThrownBy(() -> EmbeddedStreamStore.open(dir()))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(dir().toString())
                .hasMessageContaining("in use by another hstream-io");
        // The failed open changed nothing: the first store still works.
        store.createStream("still-works", 1);
        assertThat(store.findStream("still-works")).isPresent();
    }

    @Test
    void openWhileAnotherProcessHoldsTheDirectoryFails() throws Exception {
        Path dir = temp.resolve("held");
        Process holder = new ProcessBuilder(javaBinary(), "-cp", System.getProperty("java.class.path"),
                StoreHolderMain.class.getName(), dir.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(holder.getInputStream(),
                    StandardCharsets.UTF_8));
            String line;
            do {
                line = out.readLine(); // skips log lines
            } while (line != null && !line.equals("ready"));
            assertThat(line).isEqualTo("ready");
            assertThatThrownBy(() -> EmbeddedStreamStore.open(dir))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(dir.toString())
                    .hasMessageContaining("in use by another hstream-io");
        } finally {
            holder.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
        }
        // Once the holder is gone the directory opens, with what the holder wrote.
        try (EmbeddedStreamStore reopened = EmbeddedStreamStore.open(dir)) {
            assertThat(reopened.findStream("held")).isPresent();
        }
    }

    @Test
    void dataDirectoryThatIsAFileIsRefused() throws Exception {
        Path file = Files.writeString(temp.resolve("a-file"), "x");
        assertThatThrownBy(() -> EmbeddedStreamStore.open(file))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining(file.toString())
                .hasMessageContaining("not a directory");
    }

    @Test
    void notWritableDataDirectoryIsRefusedNamingThePathAndTheFix() throws Exception {
        Path dir = Files.createDirectory(temp.resolve("read-only"));
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("r-xr-xr-x"));
        try {
            Path target = dir;
            if (Files.isWritable(dir)) {
                // Root ignores permissions; a read-only mount still refuses writes.
                target = Path.of("/sys/hstream-io-test");
                assumeThat(cannotCreate(target)).as("a place root cannot write").isTrue();
            }
            Path finalTarget = target;
            assertThatThrownBy(() -> EmbeddedStreamStore.open(finalTarget))
                    .isInstanceOf(StoreException.class)
                    .hasMessageContaining(finalTarget.toString())
                    .hasMessageMatching("(?s).*(not writable|cannot create).*")
                    .hasMessageContaining("writable");
        } finally {
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        }
    }

    @Test
    void closeFailsQueuedAppendsAndWakesReadersInsteadOfHanging() throws Exception {
        store.createStream("busy", 2);
        store.createStream("idle", 2);
        ShardReader reader = store.openShardReader("idle", 0, null);
        StreamSubscription sub = store.subscribe("idle", "s", StartPosition.LATEST);
        ExecutorService pool = Executors.newFixedThreadPool(6);
        try {
            Future<List<ReceivedRecord>> waitingRead = pool.submit(() -> reader.read(10, 60_000));
            Future<List<ReceivedRecord>> waitingPoll = pool.submit(() -> sub.poll(10_000_000, 60_000));
            List<CompletableFuture<List<RecordId>>> appends = new ArrayList<>();
            List<Future<?>> appenders = new ArrayList<>();
            for (int t = 0; t < 4; t++) {
                appenders.add(pool.submit(() -> {
                    for (int i = 0; i < 2000; i++) {
                        try {
                            CompletableFuture<List<RecordId>> f = store.append("busy",
                                    List.of(StreamRecord.raw("k" + i, new byte[200])));
                            synchronized (appends) {
                                appends.add(f);
                            }
                        } catch (StoreException closed) {
                            return;
                        }
                    }
                }));
            }
            // Close while appends are in flight, once at least one has been acknowledged (so that both outcomes
            // occur whatever the machine's speed).
            while (true) {
                synchronized (appends) {
                    if (appends.size() > 500
                            && appends.stream().anyMatch(f -> f.isDone() && !f.isCompletedExceptionally())) {
                        break;
                    }
                }
                Thread.onSpinWait();
            }
            long t0 = System.nanoTime();
            store.close();
            assertThat(TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - t0)).isLessThan(10);
            for (Future<?> a : appenders) {
                a.get(10, TimeUnit.SECONDS);
            }
            int failed = 0;
            for (CompletableFuture<List<RecordId>> f : appends) {
                try {
                    assertThat(f.get(10, TimeUnit.SECONDS)).hasSize(1);
                } catch (java.util.concurrent.ExecutionException e) {
                    assertThat(e.getCause()).isInstanceOf(StoreException.class).hasMessageContaining("closed");
                    failed++;
                }
            }
            assertThat(appends.size() - failed).isPositive();
            assertThatThrownBy(() -> waitingRead.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> waitingPoll.get(10, TimeUnit.SECONDS)).hasCauseInstanceOf(StoreException.class)
                    .hasMessageContaining("closed");
            assertThatThrownBy(() -> store.append("busy", List.of(StreamRecord.raw("k", new byte[1]))).join())
                    .isInstanceOf(CompletionException.class).hasMessageContaining("closed");
        } finally {
            pool.shutdownNow();
            store = null;
        }
    }

    @Test
    void concurrentAppendsShareWalSyncs() throws Exception {
        store.createStream("grouped", 4);
        EmbeddedStreamStore embedded = (EmbeddedStreamStore) store;
        long[] before = embedded.groupCommitCounters();
        ExecutorService pool = Executors.newFixedThreadPool(8);
        try {
            List<Future<?>> done = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                done.add(pool.submit(() -> {
                    List<CompletableFuture<List<RecordId>>> fs = new ArrayList<>();
                    for (int i = 0; i < 300; i++) {
                        fs.add(store.append("grouped", List.of(StreamRecord.raw("k" + i, new byte[200]))));
                    }
                    fs.forEach(CompletableFuture::join);
                }));
            }
            for (Future<?> f : done) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        long[] after = embedded.groupCommitCounters();
        long groups = after[0] - before[0];
        long writes = after[1] - before[1];
        assertThat(writes).isEqualTo(2400);
        assertThat(groups).as("WAL syncs for %s appends", writes).isLessThan(writes / 4);
    }

    @Test
    void secondSubscriberOfOneSubscriptionIsRefusedUntilTheFirstCloses() {
        store.createStream("single", 1);
        StreamSubscription first = store.subscribe("single", "s", StartPosition.EARLIEST);
        assertThatThrownBy(() -> store.subscribe("single", "s", StartPosition.EARLIEST))
                .isInstanceOf(StoreException.class).hasMessageContaining("already open");
        first.close();
        store.subscribe("single", "s", StartPosition.EARLIEST).close();
    }

    @Test
    void ackOfARecordNeverDeliveredIsRefused() throws Exception {
        store.createStream("acks", 1);
        List<RecordId> ids = appendN("acks", 3, "k");
        try (StreamSubscription sub = store.subscribe("acks", "s", StartPosition.EARLIEST)) {
            sub.poll(1, READ_TIMEOUT_MS);
            assertThatThrownBy(() -> sub.ack(List.of(ids.get(2))))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not delivered");
            assertThat(sub.committed()).isEmpty();
        }
    }

    @Test
    void shardOutOfRangeIsNamed() {
        store.createStream("ranged", 2);
        assertThatThrownBy(() -> store.openShardReader("ranged", 5, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("0..1");
    }

    private static boolean cannotCreate(Path dir) {
        try {
            Files.createDirectory(dir);
            Files.delete(dir);
            return false;
        } catch (java.io.IOException e) {
            return true;
        }
    }

    private static String javaBinary() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
