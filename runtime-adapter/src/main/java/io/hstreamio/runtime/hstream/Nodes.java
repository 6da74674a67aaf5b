package io.hstreamio.runtime.hstream;

import com.google.protobuf.Empty;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.hstreamio.core.store.StoreException;
import io.hstreamio.core.task.RetriableException;
import io.hstreamio.core.task.Retry;
import io.hstreamio.runtime.hstream.proto.DescribeClusterResponse;
import io.hstreamio.runtime.hstream.proto.HStreamApiGrpc;
import io.hstreamio.runtime.hstream.proto.LookupShardRequest;
import io.hstreamio.runtime.hstream.proto.NodeState;
import io.hstreamio.runtime.hstream.proto.ServerNode;
import io.hstreamio.runtime.hstream.proto.ServerNodeStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster as the client sees it: one channel per node, the nodes DescribeCluster reported, the shard owners
 * LookupShard named (cached until a call says otherwise), and the one way every call is retried.
 *
 * <p>Retry rule: a call that fails with WrongServer (800) or because its node is unavailable forgets the cached owner
 * and is tried again after a backoff, asking the lookup anew ({@link Retry}, {@code retry.*} options). Other errors
 * pass at once. Thread-safe.
 */
final class Nodes implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Nodes.class);

    /** A node's address as HStreamDB names it. */
    record Address(String host, int port) {
        static Address of(ServerNode n) {
            return new Address(n.getHost(), n.getPort());
        }

        @Override
        public String toString() {
            return host + ":" + port;
        }
    }

    private final ChannelFactory factory;
    private final Duration rpcTimeout;
    private final Retry retry;
    private final Map<Address, ManagedChannel> channels = new ConcurrentHashMap<>();
    private final Map<Long, Address> shardOwners = new ConcurrentHashMap<>();
    private final List<Address> seeds;
    private volatile List<Address> known;
    private final AtomicInteger preferred = new AtomicInteger();

    Nodes(List<Address> seeds, ChannelFactory factory, Duration rpcTimeout, Retry retry) {
        this.seeds = List.copyOf(seeds);
        this.known = this.seeds;
        this.factory = factory;
        this.rpcTimeout = rpcTimeout;
        this.retry = retry;
    }

    /** Asks the cluster for its nodes (DescribeCluster) and keeps the running ones. */
    void discover() {
        DescribeClusterResponse cluster = anyNode("DescribeCluster", s -> s.describeCluster(Empty.getDefaultInstance()));
        List<Address> running = new ArrayList<>();
        for (ServerNodeStatus st : cluster.getServerNodesStatusList()) {
            if (st.getState() == NodeState.Running) {
                running.add(Address.of(st.getNode()));
            }
        }
        if (running.isEmpty()) {
            cluster.getServerNodesList().forEach(n -> running.add(Address.of(n)));
        }
        if (!running.isEmpty()) {
            known = List.copyOf(running);
        }
        LOG.debug("HStreamDB cluster (protocol {}): running nodes {}", cluster.getProtocolVersion(), known);
    }

    List<Address> known() {
        return known;
    }

    HStreamApiGrpc.HStreamApiBlockingStub blocking(Address a) {
        return HStreamApiGrpc.newBlockingStub(channel(a)).withDeadlineAfter(rpcTimeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    HStreamApiGrpc.HStreamApiStub async(Address a) {
        return HStreamApiGrpc.newStub(channel(a));
    }

    private ManagedChannel channel(Address a) {
        return channels.computeIfAbsent(a, x -> factory.open(x.host(), x.port()));
    }

    /**
     * A call any node can answer (metadata, lookups). Tries the preferred node; when it is unavailable, moves to the
     * next known node (and, after a full round, back to the seeds) and retries.
     */
    <T> T anyNode(String what, Function<HStreamApiGrpc.HStreamApiBlockingStub, T> call) {
        return withRetry(what, () -> {
            List<Address> nodes = known;
            int i = Math.floorMod(preferred.get(), nodes.size());
            Address a = nodes.get(i);
            try {
                return call.apply(blocking(a));
            } catch (StatusRuntimeException e) {
                if (ServerErrors.needsNewLookup(e)) {
                    if (preferred.incrementAndGet() % Math.max(1, nodes.size()) == 0 && nodes != seeds) {
                        known = mergeWithSeeds(nodes);
                    }
                    throw new RetriableException(what + " on HStreamDB node " + a + ": " + ServerErrors.message(e), e);
                }
                throw e;
            }
        });
    }

    private List<Address> mergeWithSeeds(List<Address> nodes) {
        List<Address> all = new ArrayList<>(nodes);
        for (Address s : seeds) {
            if (!all.contains(s)) {
                all.add(s);
            }
        }
        return List.copyOf(all);
    }

    /** The node that owns the shard (LookupShard), cached until {@link #forgetShard}. */
    Address shardOwner(long shardId) {
        Address a = shardOwners.get(shardId);
        if (a == null) {
            ServerNode n = anyNode("LookupShard " + shardId,
                    s -> s.lookupShard(LookupShardRequest.newBuilder().setShardId(shardId).build()).getServerNode());
            a = Address.of(n);
            shardOwners.put(shardId, a);
        }
        return a;
    }

    void forgetShard(long shardId) {
        shardOwners.remove(shardId);
    }

    /**
     * A call to the node that owns a resource: {@code owner} looks it up; on WrongServer or an unavailable node,
     * {@code forget} drops the cached owner and the call is retried.
     */
    <T> T onOwner(String what, Supplier<Address> owner, Runnable forget,
                  Function<HStreamApiGrpc.HStreamApiBlockingStub, T> call) {
        return withRetry(what, () -> {
            Address a = owner.get();
            try {
                return call.apply(blocking(a));
            } catch (StatusRuntimeException e) {
                if (ServerErrors.needsNewLookup(e)) {
                    forget.run();
                    if (ServerErrors.nodeUnavailable(e)) {
                        preferred.incrementAndGet();
                    }
                    throw new RetriableException(what + " on HStreamDB node " + a + ": " + ServerErrors.message(e), e);
                }
                throw e;
            }
        });
    }

    /** Runs {@code call} under the retry rule; exhausted retries and interrupts become a {@link StoreException}. */
    <T> T withRetry(String what, java.util.concurrent.Callable<T> call) {
        try {
            return retry.call(what, call);
        } catch (RetriableException e) {
            Throwable last = e.getCause() instanceof RetriableException r ? r : e;
            throw new StoreException(what + " failed after " + (retry.maxRetries() + 1) + " attempts (retry.maxRetries="
                    + retry.maxRetries() + "), last: " + last.getMessage() + "; check that the HStreamDB nodes "
                    + known + " are up", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException(what + " interrupted", e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new StoreException(what + " failed: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        for (ManagedChannel c : channels.values()) {
            c.shutdown();
        }
        for (ManagedChannel c : channels.values()) {
            try {
                if (!c.awaitTermination(2, TimeUnit.SECONDS)) {
                    c.shutdownNow();
                }
            } catch (InterruptedException e) {
                c.shutdownNow();
                Thread.currentThread().interrupt();
            }
        }
        channels.clear();
    }
}
