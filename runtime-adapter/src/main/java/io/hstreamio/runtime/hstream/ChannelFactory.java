package io.hstreamio.runtime.hstream;

import io.grpc.ManagedChannel;

/**
 * Opens the gRPC channel to one HStreamDB node, named as DescribeCluster and the lookups name it. The default opens a
 * plaintext Netty channel; tests pass one that opens in-process channels. Called from any thread, once per node.
 */
@FunctionalInterface
public interface ChannelFactory {
    ManagedChannel open(String host, int port);
}
