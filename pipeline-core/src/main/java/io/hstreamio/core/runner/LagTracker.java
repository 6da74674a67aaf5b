package io.hstreamio.core.runner;

import io.hstreamio.core.record.ChangeEvent;
import io.hstreamio.core.record.ChangeType;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;

/**
 * How far behind its source database a task is, in time, from the commit times its changes carry
 * ({@link ChangeEvent#commitTime()}): the one place both runners compute lag, for the runtime's status, DESCRIBE,
 * {@code /metrics} and a job's progress line.
 *
 * <p>{@link #lag()} is, while the task is behind (its last poll brought changes, or some are still on their way),
 * now minus the commit time of the newest change it delivered (a source: made durable in the stream; a sink: written
 * to the target, or skipped) — so it grows while a stalled task delivers nothing. Before the first delivery of a run
 * it is now minus the commit time of the oldest change received. Once a poll comes back empty with nothing in flight
 * the task is caught up and the lag is zero, however long ago the last change was: an idle source database is not
 * lag. {@link #lastCommitTime()} keeps the newest commit time delivered, so that an idle task's
 * {@code last event age} (now minus it) can still be told apart from a stalled one.
 *
 * <p>Changes without a commit time (snapshot reads: {@link ChangeType#READ}) do not count: until a change with a
 * commit time arrives, a task that is behind has no known lag. Commit times come from the source database's clock;
 * a skew with this machine's clock that would make the lag negative reads as zero.
 *
 * <p>Thread-safe: the runner's thread records, any thread reads; time comes from the injected {@link Clock}.
 */
public final class LagTracker {
    private enum Progress { UNKNOWN, CAUGHT_UP, BEHIND }

    private final Clock clock;
    // @GuardedBy("this")
    private Progress progress = Progress.UNKNOWN;
    /** The newest commit time delivered. @GuardedBy("this") */
    private Instant newestDelivered;
    /** The oldest commit time received in this run while none was delivered yet. @GuardedBy("this") */
    private Instant oldestReceived;

    public LagTracker(Clock clock) {
        this.clock = clock;
    }

    /** The newest commit time among {@code events} that count (not snapshot reads); null when none has one. */
    public static Instant newestCommitTime(Collection<ChangeEvent> events) {
        Instant newest = null;
        for (ChangeEvent e : events) {
            if (counts(e) && (newest == null || e.commitTime().isAfter(newest))) {
                newest = e.commitTime();
            }
        }
        return newest;
    }

    private static boolean counts(ChangeEvent e) {
        return e.type() != ChangeType.READ && e.commitTime() != null;
    }

    /** A poll brought {@code events}, not yet delivered: the task is behind. */
    synchronized void received(Collection<ChangeEvent> events) {
        if (events.isEmpty()) {
            return;
        }
        progress = Progress.BEHIND;
        if (newestDelivered == null) {
            for (ChangeEvent e : events) {
                if (counts(e) && (oldestReceived == null || e.commitTime().isBefore(oldestReceived))) {
                    oldestReceived = e.commitTime();
                }
            }
        }
    }

    /** Every change up to commit time {@code newestCommitTime} was delivered; null: none of them counts. */
    synchronized void delivered(Instant newestCommitTime) {
        if (newestCommitTime != null && (newestDelivered == null || newestCommitTime.isAfter(newestDelivered))) {
            newestDelivered = newestCommitTime;
        }
    }

    /** A poll came back empty and nothing is in flight: the task has delivered everything it was given. */
    synchronized void caughtUp() {
        progress = Progress.CAUGHT_UP;
        oldestReceived = null;
    }

    /**
     * The lag now: zero when caught up; empty before the first poll, and while behind with no commit time known yet.
     */
    public synchronized Optional<Duration> lag() {
        if (progress == Progress.CAUGHT_UP) {
            return Optional.of(Duration.ZERO);
        }
        Instant since = newestDelivered != null ? newestDelivered : oldestReceived;
        if (progress == Progress.UNKNOWN || since == null) {
            return Optional.empty();
        }
        Duration d = Duration.between(since, clock.instant());
        return Optional.of(d.isNegative() ? Duration.ZERO : d);
    }

    /** The newest commit time delivered by this run; empty before the first. */
    public synchronized Optional<Instant> lastCommitTime() {
        return Optional.ofNullable(newestDelivered);
    }
}
