package io.hstreamio.core.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP proxy on 127.0.0.1 in front of one server, for outage tests that must not stop a shared server: point the
 * client at {@link #port()}, then {@link #down()} resets every open connection (RST, as when the server's host drops
 * them) and resets every new one at once, until {@link #up()}. Bytes are copied unchanged in both directions.
 *
 * <p>Threads: one named acceptor, two named pump threads per connection; all daemons, all ended by {@link #close()}.
 * {@code down}, {@code up} and the counters may be used from any thread.
 */
public final class TcpProxy implements AutoCloseable {
    private final InetSocketAddress upstream;
    private final ServerSocket listener;
    private final Thread acceptor;
    private final ExecutorService pumps;
    private final Object lock = new Object();
    /** Both sockets of every proxied connection still open. Guarded by {@code lock} together with {@code down}. */
    private final Set<Socket> open = ConcurrentHashMap.newKeySet();
    private volatile boolean down;
    private volatile boolean closed;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong reset = new AtomicLong();

    private TcpProxy(InetSocketAddress upstream) throws IOException {
        this.upstream = upstream;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        AtomicInteger n = new AtomicInteger();
        String name = "tcp-proxy-" + listener.getLocalPort();
        this.pumps = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, name + "-pump-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        this.acceptor = new Thread(this::acceptLoop, name + "-accept");
        acceptor.setDaemon(true);
    }

    /** A running proxy to {@code host:port}. */
    public static TcpProxy to(String host, int port) throws IOException {
        TcpProxy p = new TcpProxy(new InetSocketAddress(host, port));
        p.acceptor.start();
        return p;
    }

    public String host() {
        return listener.getInetAddress().getHostAddress();
    }

    public int port() {
        return listener.getLocalPort();
    }

    /** Resets every open connection and, until {@link #up()}, every new one. Returns how many were open. */
    public int down() {
        synchronized (lock) {
            down = true;
            int n = open.size() / 2;
            reset.addAndGet(n);
            open.forEach(TcpProxy::reset);
            open.clear();
            return n;
        }
    }

    /** Proxies new connections again. */
    public void up() {
        synchronized (lock) {
            down = false;
        }
    }

    public boolean isDown() {
        return down;
    }

    /** Connections accepted so far, including those reset at once while down. */
    public long accepted() {
        return accepted.get();
    }

    /** Connections reset so far, by {@link #down()} or because they arrived while down. */
    public long reset() {
        return reset.get();
    }

    /** Stops accepting, resets every connection, and waits (up to 5 s each) for the threads to end. */
    @Override
    public void close() {
        closed = true;
        try {
            listener.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        down();
        pumps.shutdownNow();
        try {
            acceptor.join(TimeUnit.SECONDS.toMillis(5));
            pumps.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // the caller's interrupt wins; the threads are daemons
        }
    }

    @Override
    public String toString() {
        return "TCP proxy " + host() + ":" + port() + " -> " + upstream.getHostString() + ":" + upstream.getPort()
                + (down ? " (down)" : "");
    }

    private void acceptLoop() {
        while (!closed) {
            Socket client;
            try {
                client = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            accepted.incrementAndGet();
            if (down) {
                resetCounted(client);
                continue;
            }
            Socket server = new Socket();
            try {
                server.connect(upstream, 5_000);
                client.setTcpNoDelay(true);
                server.setTcpNoDelay(true);
            } catch (IOException e) {
                resetCounted(client);
                reset(server);
                continue;
            }
            synchronized (lock) {
                if (down) { // went down while connecting upstream
                    resetCounted(client);
                    reset(server);
                    continue;
                }
                open.add(client);
                open.add(server);
            }
            AtomicInteger ended = new AtomicInteger();
            pumps.execute(() -> pump(client, server, ended));
            pumps.execute(() -> pump(server, client, ended));
        }
    }

    /** Copies {@code from} to {@code to}; an EOF is passed on as a half-close, an error resets both. */
    private void pump(Socket from, Socket to, AtomicInteger ended) {
        byte[] buffer = new byte[64 * 1024];
        try {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            int n;
            while ((n = in.read(buffer)) >= 0) {
                out.write(buffer, 0, n);
            }
            to.shutdownOutput();
        } catch (IOException e) {
            if (open.remove(from) | open.remove(to)) {
                reset(from);
                reset(to);
            }
            return;
        }
        if (ended.incrementAndGet() == 2) { // both directions finished cleanly
            open.remove(from);
            open.remove(to);
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    private void resetCounted(Socket s) {
        reset.incrementAndGet();
        reset(s);
    }

    /** Closes with SO_LINGER 0, which sends RST instead of FIN: the peer sees "connection reset". */
    private static void reset(Socket s) {
        try {
            s.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // already closed
        }
        closeQuietly(s);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
